import { z } from 'zod';
import { EVENT_TYPES, type EventType } from './events.js';
import { UPLOAD_SECRET_MAX, UPLOAD_SECRET_MIN, endpointUrl } from './ratingUpload.js';

/**
 * Signed webhooks of a hall (issue 19, docs/api.md "Webhooks"): the REST shapes of
 * `/api/halls/:hallId/webhooks`. A webhook is an outbox endpoint (server/outbox) that receives the
 * hall's events of the types it chose, each as the staff room sees it. The secret is never answered.
 */

/** Enough for a hall's own systems (一网通办, 办件系统, a display wall); more is a mistake or abuse. */
export const WEBHOOKS_PER_HALL_MAX = 20;

/** The `X-HallQ-Event` of a test delivery: not an event of the log (its `seq` is null). */
export const WEBHOOK_TEST_EVENT = 'webhook:test';

const secret = z
  .string()
  .min(UPLOAD_SECRET_MIN, `at least ${UPLOAD_SECRET_MIN} characters`)
  .max(UPLOAD_SECRET_MAX, `at most ${UPLOAD_SECRET_MAX} characters`)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const events = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'choose at least one event type')
  .max(EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, 'each event type once');

/** POST …/webhooks. */
export const webhookCreateSchema = z.strictObject({ url: endpointUrl, secret, events, enabled: z.boolean().optional() });

/** PUT …/webhooks/:webhookId: the secret left out keeps the stored one; `enabled` left out keeps it. */
export const webhookUpdateSchema = z.strictObject({ url: endpointUrl, secret: secret.optional(), events, enabled: z.boolean().optional() });

/** POST …/webhooks/:webhookId/replay: deliver again every event of the endpoint's types from this seq on. */
export const webhookReplaySchema = z.strictObject({ fromSeq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export const webhookIdSchema = z.string().regex(/^[a-z0-9]{8,32}$/);

export type WebhookCreateInput = z.input<typeof webhookCreateSchema>;

/** One webhook as the list and every change answer it. */
export interface WebhookView {
  id: string;
  url: string;
  events: EventType[];
  enabled: boolean;
  /** Always true: a webhook has a secret, and it is never answered. */
  secretSet: true;
  /** The secret's last four characters, so an administrator can tell which one is in use. */
  secretHint: string;
  updatedAt: number;
  /** Every event up to this seq has been delivered (or is not of the webhook's types). */
  deliveredSeq: number;
  /** Events of its types still to deliver... */
  pending: number;
  /** ...or at least that many, when false (the count reads a bounded part of a long log). */
  pendingComplete: boolean;
  lastDeliveredAt: number | null;
  lastAttemptAt: number | null;
  /** Why the last attempt failed (HTTP status or network error); null after a success. */
  lastError: string | null;
  /** When its failures in a row began; null while it delivers. */
  failingSince: number | null;
  failures: number;
  nextAttemptAt: number | null;
}

export interface WebhookList {
  hallId: string;
  /** The hall's last seq, for a replay's range. */
  seq: number;
  webhooks: WebhookView[];
}

/** What POST …/test answers: one signed test delivery, never retried. */
export interface WebhookTestResult {
  delivered: boolean;
  status: number | null;
  error: string | null;
}
