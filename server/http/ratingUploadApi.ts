import type { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isManager, mayActInHall } from '../auth/principal.js';
import { RATING_CSV_COLUMNS, RATING_RECORD_SCHEMA, makesRatingRecord, ratingCsvValue } from '../protocol/ratingExport.js';
import { type RatingUploadTestResult, type RatingUploadView, ratingUploadSettingsSchema } from '../protocol/ratingUpload.js';
import { RATING_UPLOAD, ratingRecords } from '../outbox/ratingRecords.js';
import type { OutboxSubscription, OutboxWorker } from '../outbox/worker.js';
import { rangeSpan } from '../stats/compute.js';
import { toCsv } from '../stats/csv.js';
import { dayCount, isCalendarDay } from '../stats/days.js';
import { readRangeEvents } from '../stats/eventSource.js';
import type { Store } from '../store/port.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';

export interface RatingUploadApiDeps {
  store: Store;
  now: () => number;
  log: Logger;
  outbox: OutboxWorker;
  subscription: OutboxSubscription;
}

const MAX_EXPORT_DAYS = 366;
const day = z.string().refine(isCalendarDay, { message: 'must be a calendar day YYYY-MM-DD' });
const exportQuery = z
  .object({ from: day, to: day, format: z.enum(['json', 'csv']).default('json') })
  .refine((query) => query.to >= query.from, { message: 'to must not be before from', path: ['to'] })
  .refine((query) => dayCount(query.from, query.to) <= MAX_EXPORT_DAYS, { message: `at most ${MAX_EXPORT_DAYS} days`, path: ['to'] });

/**
 * Who may: the upload's settings are an administrator's (they hold a secret shared with the
 * province); supervisors and admins of the hall read its state and export the records. Answers the
 * refusal itself; checks in the order the other routes use: who, then which hall.
 */
function allowed(req: Request, res: Response, hallId: string, adminOnly: boolean): boolean {
  const principal = principalOf(req);
  const ok = adminOnly ? principal.kind === 'staff' && principal.user.role === 'admin' : isManager(principal);
  if (ok && mayActInHall(principal, hallId)) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}

/** The upload to the provincial 好差评 platform (docs/ratings-upload.md): settings, state, a test delivery, and the export. */
export function mountRatingUploadApi(api: Router, deps: RatingUploadApiDeps): void {
  const { store, outbox } = deps;
  const base = '/halls/:hallId/rating-upload';

  async function view(hallId: string): Promise<RatingUploadView> {
    const [endpoint, progress] = await Promise.all([store.outbox.getEndpoint(hallId, RATING_UPLOAD), store.outbox.getProgress(hallId, RATING_UPLOAD)]);
    const pending = await outbox.pending(hallId, deps.subscription, progress.deliveredSeq);
    return {
      hallId,
      url: endpoint?.url ?? null,
      enabled: endpoint?.enabled ?? false,
      secretSet: endpoint !== null,
      secretHint: endpoint ? `…${endpoint.secret.slice(-4)}` : null,
      updatedAt: endpoint?.updatedAt ?? null,
      deliveredSeq: progress.deliveredSeq,
      pending: pending.count,
      pendingComplete: pending.complete,
      lastDeliveredAt: progress.lastDeliveredAt ?? null,
      lastAttemptAt: progress.lastAttemptAt ?? null,
      lastError: progress.lastError ?? null,
      failures: progress.failures,
      nextAttemptAt: endpoint?.enabled ? outbox.nextAttemptAt(progress) : null,
    };
  }

  const hallOf = async (req: Request, res: Response) => {
    const state = await store.halls.loadHall(String(req.params.hallId));
    if (!state) sendError(req, res, 'HALL_NOT_FOUND');
    return state;
  };

  api.get(
    base,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId, false) || !(await hallOf(req, res))) return;
      res.json(await view(hallId));
    }),
  );

  api.put(
    base,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId, true)) return;
      const parsed = ratingUploadSettingsSchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      if (!(await hallOf(req, res))) return;
      const existing = await store.outbox.getEndpoint(hallId, RATING_UPLOAD);
      const secret = parsed.data.secret ?? existing?.secret;
      if (secret === undefined) {
        return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path: 'secret', message: 'required when the upload is first configured' }] } });
      }
      const principal = principalOf(req);
      const by = principal.kind === 'staff' ? principal.user.id : 'unknown';
      await store.outbox.putEndpoint({ hallId, name: RATING_UPLOAD, url: parsed.data.url, secret, enabled: parsed.data.enabled, updatedAt: deps.now(), updatedBy: by });
      // The address, never the secret, in the server log: who pointed the hall's ratings where.
      deps.log.info({ hallId, url: parsed.data.url, enabled: parsed.data.enabled, secretChanged: parsed.data.secret !== undefined && parsed.data.secret !== existing?.secret, by }, '好差评 upload configured');
      if (parsed.data.enabled) outbox.wake(hallId, RATING_UPLOAD);
      res.json(await view(hallId));
    }),
  );

  api.post(
    `${base}/test`,
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId, true)) return;
      const state = await hallOf(req, res);
      if (!state) return;
      const endpoint = await store.outbox.getEndpoint(hallId, RATING_UPLOAD);
      if (!endpoint) return sendError(req, res, 'UPLOAD_NOT_CONFIGURED');
      const result = await outbox.test(endpoint, { schema: RATING_RECORD_SCHEMA, kind: 'test', hallId, hallName: state.config.name });
      const answer: RatingUploadTestResult = { delivered: result.ok, status: result.status, error: result.error };
      res.json(answer);
    }),
  );

  api.get(
    '/halls/:hallId/ratings/export',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!allowed(req, res, hallId, false)) return;
      const parsed = exportQuery.safeParse({ from: req.query.from, to: req.query.to, format: req.query.format });
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const state = await hallOf(req, res);
      if (!state) return;
      const { from, to, format } = parsed.data;
      const span = rangeSpan({ from, to }, state.config.timeZone);
      // A record belongs to the day its rating or case step happened (what the platform is sent that day).
      const events = (await readRangeEvents(store.halls, hallId, state.seq, span)).filter((event) => event.at < span.end && makesRatingRecord(event));
      const records = (await ratingRecords(store, state, events)).map(({ record }) => record);
      if (format === 'json') {
        res.json({ schema: RATING_RECORD_SCHEMA, hallId, from, to, records });
        return;
      }
      res.type('text/csv; charset=utf-8');
      res.attachment(`hallq-ratings-${hallId}-${from}-${to}.csv`);
      res.send(toCsv(RATING_CSV_COLUMNS.map(([header]) => header), records.map((record) => RATING_CSV_COLUMNS.map(([, field]) => ratingCsvValue(record, field)))));
    }),
  );
}
