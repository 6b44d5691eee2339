import { maskPhone } from './personalData.js';
import type { HallEvent } from '../events.js';
import type { CaseActor, RatingCase } from '../model.js';
import { isCaseOverdue } from './ratings.js';

/**
 * 差评整改 work orders as GB/T 39734-2020 and 国办发〔2019〕51号 ask: every 差评 is
 * verified (核实), put right (整改) and answered back (回访), then closed.
 * The engine refuses a step out of this order and the supervisor view offers
 * only the step this function names, so the order lives here alone.
 *
 * A case found untrue (不属实) has nothing to put right, but the citizen is
 * still owed an answer: it skips 整改 and goes straight to 回访, where the
 * supervisor explains the finding. A case found true (属实) must record its
 * 整改措施 before anyone calls the citizen back.
 */
export type CaseStep = 'verify' | 'fix' | 'follow-up' | 'close';
export const CASE_STEPS: readonly CaseStep[] = ['verify', 'fix', 'follow-up', 'close'];

/** The one step the case may take now; null once it is closed. */
export function nextCaseStep(rc: Pick<RatingCase, 'status' | 'verification'>): CaseStep | null {
  switch (rc.status) {
    case 'open':
      return 'verify';
    case 'verified':
      return rc.verification?.substantiated === false ? 'follow-up' : 'fix';
    case 'fixed':
      return 'follow-up';
    case 'followed-up':
      return 'close';
    case 'closed':
      return null;
  }
}

/**
 * How long a closed case stays in the hall's live state (then `prune` drops it; the event log keeps
 * every step for statistics and the provincial upload). A month covers the monthly assessment.
 */
export const CLOSED_CASE_KEPT_DAYS = 31;
const DAY_MS = 86_400_000;

/** Whether a closed case has been kept long enough to leave the live state. */
export function closedCaseExpired(rc: Pick<RatingCase, 'closed'>, now: number): boolean {
  return rc.closed !== undefined && rc.closed.at + CLOSED_CASE_KEPT_DAYS * DAY_MS <= now;
}


/** A case as a list shows it: no phone number, only its masked form; whether it is overdue today; its next step. */
export type RatingCaseSummary = Omit<RatingCase, 'followUpPhone'> & {
  followUpPhoneMasked?: string;
  overdue: boolean;
  nextStep: CaseStep | null;
};

/** The list as GET …/rating-cases answers it; `seq` is the hall's, so a screen folds only the later case events. */
export interface RatingCaseList {
  hallId: string;
  seq: number;
  /** The hall's local day the `overdue` flags were computed for. */
  today: string;
  cases: RatingCaseSummary[];
}

export function caseSummary(rc: RatingCase, today: string): RatingCaseSummary {
  const { followUpPhone, ...rest } = rc;
  return {
    ...rest,
    ...(followUpPhone !== undefined ? { followUpPhoneMasked: maskPhone(followUpPhone) } : {}),
    overdue: isCaseOverdue(rc, today),
    nextStep: nextCaseStep(rc),
  };
}

/** One step of a case's audit trail, oldest first: what was done, when, by whom. */
export interface CaseAuditEntry {
  step: 'opened' | 'verified' | 'fixed' | 'followed-up' | 'closed';
  at: number;
  /** Absent for `opened`: the citizen's rating opened the case. */
  by?: CaseActor;
}

/** A case in full (the phone number included), for the hall's supervisors and admins. */
export type RatingCaseDetail = RatingCase & { overdue: boolean; nextStep: CaseStep | null; audit: CaseAuditEntry[] };

export function caseDetail(rc: RatingCase, today: string): RatingCaseDetail {
  const audit: CaseAuditEntry[] = [{ step: 'opened', at: rc.openedAt }];
  if (rc.verification) audit.push({ step: 'verified', at: rc.verification.at, by: rc.verification.by });
  if (rc.fix) audit.push({ step: 'fixed', at: rc.fix.at, by: rc.fix.by });
  if (rc.followUp) audit.push({ step: 'followed-up', at: rc.followUp.at, by: rc.followUp.by });
  if (rc.closed) audit.push({ step: 'closed', at: rc.closed.at, by: rc.closed.by });
  return { ...rc, overdue: isCaseOverdue(rc, today), nextStep: nextCaseStep(rc), audit };
}

/** Most urgent first: open before closed, overdue first, then by due day, then oldest first. */
export function byUrgency(a: RatingCaseSummary, b: RatingCaseSummary): number {
  const closedA = a.status === 'closed' ? 1 : 0;
  const closedB = b.status === 'closed' ? 1 : 0;
  if (closedA !== closedB) return closedA - closedB;
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.dueDay !== b.dueDay) return a.dueDay < b.dueDay ? -1 : 1;
  return a.openedAt - b.openedAt;
}

/**
 * A case list (GET …/rating-cases) kept live by the hall's staff events: the staff feed carries each
 * case step as evolve applies it, so the supervisor view folds the same change instead of re-reading.
 * Events other than the five case events leave the list as it is.
 */
export function applyCaseEvent(cases: readonly RatingCaseSummary[], event: HallEvent, today: string): RatingCaseSummary[] {
  if (event.type === 'rating-case:opened') {
    const others = cases.filter((rc) => rc.id !== event.case.id);
    return [...others, caseSummary(event.case, today)].sort(byUrgency);
  }
  const step = caseStepChange(event);
  if (!step) return [...cases];
  return cases
    .map((rc) => {
      if (rc.id !== step.caseId) return rc;
      const next = { ...rc, ...step.change };
      return { ...next, overdue: isCaseOverdue(next, today), nextStep: nextCaseStep(next) };
    })
    .sort(byUrgency);
}

/** What a case step event changes in its case (evolve applies it to the state, the screens to their list). */
export function caseStepChange(event: HallEvent): { caseId: string; change: Partial<RatingCase> } | null {
  switch (event.type) {
    case 'rating-case:verified':
      return { caseId: event.caseId, change: { status: 'verified', verification: event.verification } };
    case 'rating-case:fixed':
      return { caseId: event.caseId, change: { status: 'fixed', fix: event.fix } };
    case 'rating-case:followed-up':
      return { caseId: event.caseId, change: { status: 'followed-up', followUp: event.followUp } };
    case 'rating-case:closed':
      return { caseId: event.caseId, change: { status: 'closed', closed: event.closed } };
    default:
      return null;
  }
}
