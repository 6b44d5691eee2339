import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { mayActInHall } from '../auth/principal.js';
import type { EventType } from '../protocol/events.js';
import type { HallState } from '../protocol/model.js';
import {
  WEBHOOKS_PER_HALL_MAX,
  type WebhookList,
  type WebhookTestResult,
  type WebhookView,
  webhookCreateSchema,
  webhookIdSchema,
  webhookReplaySchema,
  webhookUpdateSchema,
} from '../protocol/webhooks.js';
import { isWebhook, webhookIdOf, webhookName, webhookTestDelivery } from '../outbox/webhooks.js';
import type { OutboxSubscription, OutboxWorker } from '../outbox/worker.js';
import type { OutboxEndpointRecord, Store } from '../store/port.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';

export interface WebhooksApiDeps {
  store: Store;
  now: () => number;
  log: Logger;
  outbox: OutboxWorker;
  subscription: OutboxSubscription;
}

/** Webhooks hold a secret shared with another system and send the hall's events out: administrators of the hall only. */
function allowed(req: Request, res: Response, hallId: string): boolean {
  const principal = principalOf(req);
  if (principal.kind === 'staff' && principal.user.role === 'admin' && mayActInHall(principal, hallId)) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}

const byOf = (req: Request): string => {
  const principal = principalOf(req);
  return principal.kind === 'staff' ? principal.user.id : 'unknown';
};

/** The hall's webhooks (docs/api.md "Webhooks"): CRUD, a test delivery, a replay, each with its delivery state. */
export function mountWebhooksApi(api: Router, deps: WebhooksApiDeps): void {
  const { store, outbox, subscription } = deps;
  const base = '/halls/:hallId/webhooks';

  async function view(endpoint: OutboxEndpointRecord): Promise<WebhookView> {
    const progress = await store.outbox.getProgress(endpoint.hallId, endpoint.name);
    const pending = await outbox.pending(endpoint.hallId, subscription, progress.deliveredSeq, 20_000, endpoint);
    return {
      id: webhookIdOf(endpoint.name),
      url: endpoint.url,
      events: (endpoint.events ?? []) as EventType[],
      enabled: endpoint.enabled,
      secretSet: true,
      secretHint: `…${endpoint.secret.slice(-4)}`,
      updatedAt: endpoint.updatedAt,
      deliveredSeq: progress.deliveredSeq,
      pending: pending.count,
      pendingComplete: pending.complete,
      lastDeliveredAt: progress.lastDeliveredAt ?? null,
      lastAttemptAt: progress.lastAttemptAt ?? null,
      lastError: progress.lastError ?? null,
      failingSince: progress.failingSince ?? null,
      failures: progress.failures,
      nextAttemptAt: endpoint.enabled ? outbox.nextAttemptAt(progress) : null,
    };
  }

  const webhooksOf = async (hallId: string) => (await store.outbox.listEndpoints()).filter((endpoint) => endpoint.hallId === hallId && isWebhook(endpoint.name));

  /** Who, then which hall, then which webhook; answers the refusal itself. */
  async function target(req: Request, res: Response): Promise<{ state: HallState; endpoint: OutboxEndpointRecord } | null> {
    const hallId = String(req.params.hallId);
    if (!allowed(req, res, hallId)) return null;
    const state = await store.halls.loadHall(hallId);
    if (!state) {
      sendError(req, res, 'HALL_NOT_FOUND');
      return null;
    }
    const id = webhookIdSchema.safeParse(req.params.webhookId);
    const endpoint = id.success ? await store.outbox.getEndpoint(hallId, webhookName(id.data)) : null;
    if (!endpoint) {
      sendError(req, res, 'WEBHOOK_NOT_FOUND');
      return null;
    }
    return { state, endpoint };
  }

  api.get(
    base,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId)) return;
      const state = await store.halls.loadHall(hallId);
      if (!state) return sendError(req, res, 'HALL_NOT_FOUND');
      const list: WebhookList = { hallId, seq: state.seq, webhooks: await Promise.all((await webhooksOf(hallId)).map(view)) };
      res.json(list);
    }),
  );

  api.post(
    base,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId)) return;
      const parsed = webhookCreateSchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const state = await store.halls.loadHall(hallId);
      if (!state) return sendError(req, res, 'HALL_NOT_FOUND');
      if ((await webhooksOf(hallId)).length >= WEBHOOKS_PER_HALL_MAX) {
        return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path: '', message: `at most ${WEBHOOKS_PER_HALL_MAX} webhooks per hall` }] } });
      }
      const { url, secret, events, enabled = true } = parsed.data;
      const record: OutboxEndpointRecord = { hallId, name: webhookName(randomBytes(8).toString('hex')), url, secret, events, enabled: false, updatedAt: deps.now(), updatedBy: byOf(req) };
      // A new webhook gets the events from now on (a replay fetches older ones): stored off, its
      // cursor set to the log's end, then switched on, so no poll in between starts it at seq 0.
      await store.outbox.putEndpoint(record);
      await store.outbox.rewind(hallId, record.name, state.seq);
      const saved = { ...record, enabled };
      if (enabled) await store.outbox.putEndpoint(saved);
      deps.log.info({ hallId, webhook: webhookIdOf(record.name), url, events, by: record.updatedBy }, 'webhook created');
      outbox.wake(hallId, record.name);
      res.status(201).json(await view(saved));
    }),
  );

  api.put(
    `${base}/:webhookId`,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId)) return;
      const parsed = webhookUpdateSchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const found = await target(req, res);
      if (!found) return;
      const { endpoint } = found;
      const { url, secret, events, enabled } = parsed.data;
      // A new address, secret or filter keeps the cursor: what was delivered was delivered.
      const saved: OutboxEndpointRecord = { ...endpoint, url, secret: secret ?? endpoint.secret, events, enabled: enabled ?? endpoint.enabled, updatedAt: deps.now(), updatedBy: byOf(req) };
      await store.outbox.putEndpoint(saved);
      deps.log.info({ hallId, webhook: webhookIdOf(saved.name), url, events, enabled: saved.enabled, secretChanged: secret !== undefined && secret !== endpoint.secret, by: saved.updatedBy }, 'webhook changed');
      outbox.wake(hallId, saved.name);
      res.json(await view(saved));
    }),
  );

  api.delete(
    `${base}/:webhookId`,
    route(async (req, res) => {
      const found = await target(req, res);
      if (!found) return;
      const { endpoint } = found;
      await store.outbox.deleteEndpoint(endpoint.hallId, endpoint.name);
      deps.log.info({ hallId: endpoint.hallId, webhook: webhookIdOf(endpoint.name), url: endpoint.url, by: byOf(req) }, 'webhook deleted');
      outbox.wake(endpoint.hallId, endpoint.name);
      res.status(204).end();
    }),
  );

  api.post(
    `${base}/:webhookId/test`,
    route(async (req, res) => {
      const found = await target(req, res);
      if (!found) return;
      const result = await outbox.sendOnce(found.endpoint, webhookTestDelivery(found.endpoint, deps.now()));
      const answer: WebhookTestResult = { delivered: result.ok, status: result.status, error: result.error };
      res.json(answer);
    }),
  );

  api.post(
    `${base}/:webhookId/replay`,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId)) return;
      const parsed = webhookReplaySchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const found = await target(req, res);
      if (!found) return;
      const { state, endpoint } = found;
      if (parsed.data.fromSeq > state.seq) {
        return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path: 'fromSeq', message: `the hall's log ends at seq ${state.seq}` }] } });
      }
      await store.outbox.rewind(hallId, endpoint.name, parsed.data.fromSeq - 1);
      deps.log.info({ hallId, webhook: webhookIdOf(endpoint.name), fromSeq: parsed.data.fromSeq, by: byOf(req) }, 'webhook replay');
      outbox.wake(hallId, endpoint.name);
      res.json(await view(endpoint));
    }),
  );
}
