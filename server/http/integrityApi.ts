import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { HallState } from '../protocol/model.js';
import type { IntegrityReport } from '../protocol/integrity.js';
import { rangeSpan, type StatsRange } from '../stats/compute.js';
import { addDays, dayCount, isCalendarDay } from '../stats/days.js';
import { readRangeEvents } from '../stats/eventSource.js';
import { computeIntegrity } from '../oversight/integrity/report.js';
import { integrityCsv } from '../oversight/integrity/csv.js';
import type { Store } from '../store/port.js';
import { hallRequest, queryFields } from './hallRequest.js';
import { route } from './support.js';

export interface IntegrityApiDeps {
  store: Store;
  now: () => number;
}

/** A month is the longest range: the report rebuilds the hall at every event of it (docs/oversight.md). */
export const MAX_INTEGRITY_DAYS = 31;

const day = z.string().refine(isCalendarDay, { message: 'must be a calendar day YYYY-MM-DD' });
const rangeQuery = z
  .object({ from: day, to: day })
  .refine((query) => query.to >= query.from, { message: 'to must not be before from', path: ['to'] })
  .refine((query) => dayCount(query.from, query.to) <= MAX_INTEGRITY_DAYS, { message: `at most ${MAX_INTEGRITY_DAYS} days`, path: ['to'] });
const monthQuery = z.object({
  month: z.string().refine((month) => /^\d{4}-\d{2}$/.test(month) && isCalendarDay(`${month}-01`), { message: 'must be a month YYYY-MM' }),
});

/** Every event type: the signals rebuild the hall, so none may be skipped. */
const NONE_SKIPPED: ReadonlySet<never> = new Set();

function lastDayOf(month: string): string {
  return addDays(addDays(`${month}-01`, 31).slice(0, 7) + '-01', -1);
}

/** Integrity signals are evidence about clerks: their supervisors and admins see them, clerks never. */
async function hallFor(req: Request, res: Response, deps: IntegrityApiDeps, query: z.ZodType<unknown>, fields: readonly string[]): Promise<{ state: HallState; query: unknown } | null> {
  const found = await hallRequest(req, res, deps.store.halls, 'managers', query, queryFields(req, fields));
  return found && { state: found.state, query: found.input };
}

async function reportOf(deps: IntegrityApiDeps, state: HallState, range: StatsRange): Promise<IntegrityReport> {
  const { config } = state;
  // The norm of a service no longer configured is its month's median: read from the month's first day.
  const readFrom = `${range.from.slice(0, 7)}-01`;
  const span = rangeSpan({ from: readFrom, to: range.to }, config.timeZone);
  const events = await readRangeEvents(deps.store.halls, config.id, state.seq, span, 0, NONE_SKIPPED, 0);
  const clerkNames: Record<string, string> = {};
  for (const user of await deps.store.accounts.listUsers()) clerkNames[user.id] = user.displayName;
  return computeIntegrity(events, config, range, { now: deps.now(), readFrom, liveWindows: state.windows, clerkNames });
}

/** 履职提示: GET /api/halls/:hallId/integrity?from=&to= and the month's CSV (docs/oversight.md). */
export function mountIntegrityApi(api: Router, deps: IntegrityApiDeps): void {
  api.get(
    '/halls/:hallId/integrity',
    route(async (req, res) => {
      const found = await hallFor(req, res, deps, rangeQuery, ['from', 'to']);
      if (!found) return;
      res.json(await reportOf(deps, found.state, found.query as StatsRange));
    }),
  );

  api.get(
    '/halls/:hallId/integrity.csv',
    route(async (req, res) => {
      const found = await hallFor(req, res, deps, monthQuery, ['month']);
      if (!found) return;
      const { month } = found.query as z.infer<typeof monthQuery>;
      const report = await reportOf(deps, found.state, { from: `${month}-01`, to: lastDayOf(month) });
      res.type('text/csv; charset=utf-8');
      res.attachment(`hallq-integrity-${found.state.config.id}-${month}.csv`);
      res.send(integrityCsv(report, found.state.config));
    }),
  );
}
