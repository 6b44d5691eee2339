import type { HallEvent } from '../protocol/events.js';
import { staffEvent } from '../protocol/redact.js';
import { WEBHOOK_TEST_EVENT } from '../protocol/webhooks.js';
import type { OutboxEndpointRecord } from '../store/port.js';
import type { Delivery, OutboxSubscription } from './worker.js';

/** The outbox endpoint name of webhook `id`: a family of endpoints, several per hall. */
export const WEBHOOK_PREFIX = 'webhook:';
export const webhookName = (id: string): string => `${WEBHOOK_PREFIX}${id}`;
export const webhookIdOf = (name: string): string => name.slice(WEBHOOK_PREFIX.length);
export const isWebhook = (name: string): boolean => name.startsWith(WEBHOOK_PREFIX);

/** The event-type header: what a receiver routes on without parsing the body. */
export const EVENT_HEADER = 'x-hallq-event';

/**
 * Unique per webhook and event, and the same on every retry and replay, so a receiver keeps one
 * copy; the webhook's id in it tells two endpoints of one hall apart at a shared receiver.
 */
export const webhookDeliveryId = (hallId: string, seq: number, webhookId: string): string => `${hallId}:${seq}:${webhookId}`;

/**
 * Citizens' numbers (无声叫号's, a 差评's follow-up) by field name. staffEvent already leaves them
 * out; a webhook's body leaves the hall's systems, so it is scrubbed again, whatever event carries one.
 */
const PERSONAL_FIELDS = new Set(['notifyPhone', 'followUpPhone']);

function withoutPersonalFields(event: HallEvent): unknown {
  return JSON.parse(JSON.stringify(event, (key, value: unknown) => (PERSONAL_FIELDS.has(key) ? undefined : value)));
}

/**
 * Webhooks as an outbox subscription: an endpoint takes the events of the types it chose, and each
 * delivery's body is the event itself as the staff room gets it (staffEvent: no follow-up phone,
 * no citizen's number; what staff may not see a webhook does not get either).
 */
export function webhookSubscription(): OutboxSubscription {
  return {
    name: 'webhooks',
    owns: isWebhook,
    accepts: (event: HallEvent, endpoint?: OutboxEndpointRecord) => endpoint?.events?.includes(event.type) ?? false,
    async payloads(_hallId, events) {
      return new Map(events.map((event) => [event.seq, withoutPersonalFields(staffEvent(event))]));
    },
    delivery(endpoint, event, payload): Delivery {
      return {
        deliveryId: webhookDeliveryId(endpoint.hallId, event.seq, webhookIdOf(endpoint.name)),
        body: payload,
        headers: { [EVENT_HEADER]: event.type },
      };
    },
  };
}

/** The test delivery: shaped like an event (hallId, seq, type, at) so a receiver's parser is exercised, but marked. */
export function webhookTestDelivery(endpoint: OutboxEndpointRecord, at: number): Delivery {
  const webhookId = webhookIdOf(endpoint.name);
  return {
    deliveryId: `${endpoint.hallId}:test:${webhookId}:${at}`,
    body: { hallId: endpoint.hallId, seq: null, type: WEBHOOK_TEST_EVENT, at, test: true, webhookId },
    headers: { [EVENT_HEADER]: WEBHOOK_TEST_EVENT },
  };
}
