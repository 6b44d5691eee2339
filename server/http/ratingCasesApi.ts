import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallState, RatingCaseStatus } from '../protocol/model.js';
import { type RatingCaseList, byUrgency, caseDetail, caseSummary } from '../protocol/rules/ratingCases.js';
import { localTime } from '../protocol/rules/time.js';
import { schemas } from '../protocol/schemas.js';
import type { HallStore } from '../store/port.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';

export interface RatingCasesApiDeps {
  halls: HallStore;
  now: () => number;
}

const STATUSES = ['open', 'verified', 'fixed', 'followed-up', 'closed'] as const satisfies readonly RatingCaseStatus[];

/** Only these fields; `lang` may ride along. A repeated field arrives as an array and is refused. */
const listQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  windowId: schemas.id.optional(),
  lang: z.enum(['zh', 'en']).optional(),
});

/**
 * The hall's local today: the local date, but never behind the hall's own day (a time zone moved
 * west keeps the hall in its day, see lifecycle.ts), so "overdue" here matches the engine's day.
 */
function hallToday(state: HallState, now: number): string {
  const local = localTime(now, state.config.timeZone).day;
  return local > state.day ? local : state.day;
}

/**
 * Cases are the hall's supervisors' and admins' (a clerk never reads the complaints about their own
 * window; devices and the public never); answers the refusal itself.
 */
function mayRead(req: Request, res: Response): boolean {
  const principal = principalOf(req);
  if (isManager(principal) && mayActInHall(principal, String(req.params.hallId))) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}

async function loadHall(req: Request, res: Response, deps: RatingCasesApiDeps): Promise<HallState | null> {
  const state = await deps.halls.loadHall(String(req.params.hallId));
  if (!state) sendError(req, res, 'HALL_NOT_FOUND');
  return state;
}

/**
 * 差评整改 work orders, read side (the steps are commands, see the declarations): the list with masked
 * phone numbers, and one case in full with its audit. A closed case pruned from the live state
 * (CLOSED_CASE_KEPT_DAYS after closing) is CASE_NOT_FOUND here; the event log keeps its steps for
 * statistics and the provincial upload.
 */
export function mountRatingCasesApi(api: Router, deps: RatingCasesApiDeps): void {
  api.get(
    '/halls/:hallId/rating-cases',
    route(async (req, res) => {
      // Checks in the order the other routes use: who, what was asked, which hall.
      if (!mayRead(req, res)) return;
      const parsed = listQuery.safeParse(req.query);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const state = await loadHall(req, res, deps);
      if (!state) return;
      const today = hallToday(state, deps.now());
      const { status, windowId } = parsed.data;
      const cases = Object.values(state.ratingCases ?? {})
        .filter((rc) => (status === undefined || rc.status === status) && (windowId === undefined || rc.windowId === windowId))
        .map((rc) => caseSummary(rc, today))
        .sort(byUrgency);
      const list: RatingCaseList = { hallId: state.config.id, seq: state.seq, today, cases };
      res.json(list);
    }),
  );

  api.get(
    '/halls/:hallId/rating-cases/:caseId',
    route(async (req, res) => {
      if (!mayRead(req, res)) return;
      const state = await loadHall(req, res, deps);
      if (!state) return;
      const caseId = schemas.id.safeParse(req.params.caseId);
      const cases = state.ratingCases ?? {};
      const rc = caseId.success && Object.hasOwn(cases, caseId.data) ? cases[caseId.data] : undefined;
      if (!rc) return sendError(req, res, { code: 'CASE_NOT_FOUND', message: '', details: { caseId: String(req.params.caseId).slice(0, 64) } });
      res.json(caseDetail(rc, hallToday(state, deps.now())));
    }),
  );
}
