import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { HallState } from '../protocol/model.js';
import { computeStats, rangeSpan, type StatsRange } from '../stats/compute.js';
import { STATS_CSV_GROUPINGS, evaluationsCsv, statsCsv } from '../stats/csv.js';
import { dayCount, isCalendarDay } from '../stats/days.js';
import { listEvaluations } from '../stats/evaluations.js';
import { readRangeEvents, trailingMs } from '../stats/eventSource.js';
import type { HallEvent } from '../protocol/events.js';
import type { KnownClerk } from '../protocol/stats.js';
import type { Store } from '../store/port.js';
import { hallRequest, queryFields } from './hallRequest.js';
import { route } from './support.js';

export interface StatsApiDeps {
  store: Store;
  now: () => number;
}

/** The longest range one request may ask for; see readRangeEvents for what a range costs. */
export const MAX_RANGE_DAYS = 366;

const day = z.string().refine(isCalendarDay, { message: 'must be a calendar day YYYY-MM-DD' });
/** A from/to range of local days (plus a route's own fields) that is in order and not too long. */
function rangeChecked<Query extends StatsRange>(schema: z.ZodType<Query>) {
  return schema
    .refine((query) => query.to >= query.from, { message: 'to must not be before from', path: ['to'] })
    .refine((query) => dayCount(query.from, query.to) <= MAX_RANGE_DAYS, { message: `at most ${MAX_RANGE_DAYS} days`, path: ['to'] });
}
const statsQuery = rangeChecked(z.object({ from: day, to: day }));
const csvQuery = rangeChecked(z.object({ from: day, to: day, by: z.enum(STATS_CSV_GROUPINGS) }));

/** Only the query fields a route reads: `lang` and cache-busters may ride along; a repeated field is an array and refused. */
interface Loaded<Query> {
  state: HallState;
  query: Query;
  range: StatsRange;
  events: HallEvent[];
  clerks: Record<string, KnownClerk>;
}

/**
 * Statistics are for the hall's staff (clerks included: a clerk sees how the
 * hall and their own window did); devices and the public never.
 * Checks in the order the other routes use: who, what was asked, which hall.
 */
async function load<Query extends StatsRange>(req: Request, res: Response, deps: StatsApiDeps, schema: z.ZodType<Query>, fields: readonly string[]): Promise<Loaded<Query> | null> {
  const found = await hallRequest(req, res, deps.store.halls, 'staff', schema, queryFields(req, fields));
  if (!found) return null;
  const { state, input: query } = found;
  const hallId = String(req.params.hallId);
  const range = { from: query.from, to: query.to };
  const events = await readRangeEvents(deps.store.halls, hallId, state.seq, rangeSpan(range, state.config.timeZone), trailingMs(state.config));
  return { state, query, range, events, clerks: await knownClerks(deps.store) };
}

/** Accounts name clerks whose windows opened before the range (the events of the range then never say who they are). */
async function knownClerks(store: Store): Promise<Record<string, KnownClerk>> {
  const clerks: Record<string, KnownClerk> = {};
  for (const user of await store.accounts.listUsers()) {
    clerks[user.id] = { name: user.displayName, ...(user.staffNo !== undefined ? { staffNo: user.staffNo } : {}) };
  }
  return clerks;
}

function sendCsv(res: Response, filename: string, body: string): void {
  res.type('text/csv; charset=utf-8');
  res.attachment(filename);
  res.send(body);
}

/** Statistics from the event log (docs/stats.md): JSON, CSV per grouping, and the 好差评 evaluation export. */
export function mountStatsApi(api: Router, deps: StatsApiDeps): void {
  const report = (loaded: Loaded<StatsRange>) =>
    computeStats(loaded.events, loaded.state.config, loaded.range, {
      now: deps.now(),
      liveWindows: loaded.state.windows,
      clerks: loaded.clerks,
    });

  api.get(
    '/halls/:hallId/stats',
    route(async (req, res) => {
      const loaded = await load(req, res, deps, statsQuery, ['from', 'to']);
      if (loaded) res.json(report(loaded));
    }),
  );

  api.get(
    '/halls/:hallId/stats.csv',
    route(async (req, res) => {
      const loaded = await load(req, res, deps, csvQuery, ['from', 'to', 'by']);
      if (!loaded) return;
      const { by } = loaded.query;
      sendCsv(res, `hallq-stats-${loaded.state.config.id}-${loaded.range.from}-${loaded.range.to}-${by}.csv`, statsCsv(report(loaded), by));
    }),
  );

  api.get(
    '/halls/:hallId/evaluations.csv',
    route(async (req, res) => {
      const loaded = await load(req, res, deps, statsQuery, ['from', 'to']);
      if (!loaded) return;
      const { config } = loaded.state;
      const records = listEvaluations(loaded.events, config, loaded.range, loaded.clerks);
      sendCsv(res, `hallq-evaluations-${config.id}-${loaded.range.from}-${loaded.range.to}.csv`, evaluationsCsv(records, config.name, config.timeZone));
    }),
  );
}
