import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { HallGroups } from '../auth/hallGroups.js';
import { type Principal, isManager, mayActInHall } from '../auth/principal.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';
import type { OverviewFigureRow, OverviewFigures } from '../protocol/overview.js';
import { computeStats, rangeSpan } from '../stats/compute.js';
import { dayCount, isCalendarDay } from '../stats/days.js';
import { readRangeEvents, trailingMs } from '../stats/eventSource.js';
import type { Store } from '../store/port.js';
import { figureRows, figuresCsv } from '../oversight/overview/figures.js';

export interface OverviewApiDeps {
  store: Store;
  now: () => number;
  groups: HallGroups;
}

/** As the hall reports (statsApi.ts MAX_RANGE_DAYS). */
const MAX_RANGE_DAYS = 366;
const day = z.string().refine(isCalendarDay, { message: 'must be a calendar day YYYY-MM-DD' });
const figuresQuery = z
  .object({ from: day, to: day, by: z.enum(['day', 'month']).default('day') })
  .refine((query) => query.to >= query.from, { message: 'to must not be before from', path: ['to'] })
  .refine((query) => dayCount(query.from, query.to) <= MAX_RANGE_DAYS, { message: `at most ${MAX_RANGE_DAYS} days`, path: ['to'] });

/** The overview is for admins and supervisors (docs/oversight.md); answers the refusal itself. */
function overseer(req: Request, res: Response): Extract<Principal, { kind: 'staff' }> | null {
  const principal = principalOf(req);
  if (principal.kind === 'staff' && isManager(principal) && principal.scope !== 'desk') return principal;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return null;
}

/** GET /api/overview/figures(.csv) and the group names for the account editor. */
export function mountOverviewApi(api: Router, deps: OverviewApiDeps): void {
  const figures = async (req: Request, res: Response): Promise<OverviewFigures | null> => {
    const principal = overseer(req, res);
    if (!principal) return null;
    const parsed = figuresQuery.safeParse({ from: req.query.from, to: req.query.to, by: req.query.by });
    if (!parsed.success) {
      sendValidationError(req, res, parsed.error);
      return null;
    }
    const { from, to, by } = parsed.data;
    const range = { from, to };
    const halls = (await deps.store.halls.listHalls()).filter((hall) => mayActInHall(principal, hall.id));
    const clerks = Object.fromEntries(
      (await deps.store.accounts.listUsers()).map((user) => [user.id, { name: user.displayName, ...(user.staffNo !== undefined ? { staffNo: user.staffNo } : {}) }]),
    );
    const rows: OverviewFigureRow[] = [];
    // One hall after another: a hall's range is held in memory only while its report is computed.
    for (const hall of halls) {
      const state = await deps.store.halls.loadHall(hall.id);
      if (!state) continue;
      const events = await readRangeEvents(deps.store.halls, hall.id, state.seq, rangeSpan(range, state.config.timeZone), trailingMs(state.config));
      const report = computeStats(events, state.config, range, { now: deps.now(), liveWindows: state.windows, clerks });
      rows.push(...figureRows(report, state.config, by));
    }
    rows.sort((a, b) => a.period.localeCompare(b.period) || a.group.join('/').localeCompare(b.group.join('/'), 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'));
    return { from, to, by, rows };
  };

  api.get(
    '/overview/figures',
    route(async (req, res) => {
      const answer = await figures(req, res);
      if (answer) res.json(answer);
    }),
  );

  api.get(
    '/overview/figures.csv',
    route(async (req, res) => {
      const answer = await figures(req, res);
      if (!answer) return;
      res.type('text/csv; charset=utf-8');
      res.attachment(`hallq-overview-${answer.from}-${answer.to}-${answer.by}.csv`);
      res.send(figuresCsv(answer.rows));
    }),
  );

  /** Group names of the halls, for giving an account a group (`group:<name>`); admins only. */
  api.get(
    '/overview/groups',
    route(async (req, res) => {
      const principal = overseer(req, res);
      if (!principal) return;
      if (principal.user.role !== 'admin') return sendError(req, res, 'FORBIDDEN');
      res.json({ groups: await deps.groups.names() });
    }),
  );
}
