import type { Command } from '../../protocol/commands.js';
import { present } from '../../protocol/present.js';
import type { CaseActor, RatingCase } from '../../protocol/model.js';
import { type CaseStep, type RatingCaseSummary, caseSummary, nextCaseStep } from '../../protocol/rules/ratingCases.js';
import { type Ctx, staffOf } from '../context.js';
import { fail } from '../failure.js';

/**
 * 差评整改: the four steps of a case (核实, 整改, 回访, 办结), each an audited
 * event naming who did it. The order is the protocol's (`nextCaseStep`): a
 * step out of turn, or any step on a closed case, is CASE_STEP_INVALID and
 * changes nothing.
 */

type CaseCommand<T extends string> = Extract<Command, { type: T }>;

/** A case by an id from outside; own keys only, so "__proto__" is just an unknown case. */
function requireCase(ctx: Ctx, caseId: string): RatingCase {
  const cases = ctx.state.ratingCases;
  const rc = cases !== undefined && Object.hasOwn(cases, caseId) ? cases[caseId] : undefined;
  if (!rc) fail('CASE_NOT_FOUND', { caseId });
  return rc;
}

/**
 * Who acts, as the audit names them. The declarations admit only supervisors and admins; the engine
 * says so again, so that no other path (a future caller, a replayed command) lets a clerk handle a
 * complaint about their own window.
 */
function caseActor(ctx: Ctx): CaseActor {
  const user = staffOf(ctx.actor);
  if (user.role === 'clerk') fail('FORBIDDEN', { reason: 'supervisors and admins handle 差评 cases' });
  return { id: user.id, name: user.name };
}

function requireStep(rc: RatingCase, step: CaseStep): void {
  const expected = nextCaseStep(rc);
  if (expected !== step) fail('CASE_STEP_INVALID', { caseId: rc.id, status: rc.status, step, expected });
}

/** The case after the step, as the caller's answer (no phone number: acknowledgements are remembered in the state). */
function answer(ctx: Ctx, caseId: string): RatingCaseSummary {
  return caseSummary(ctx.state.ratingCases![caseId]!, ctx.state.day);
}

export function verify(ctx: Ctx, command: CaseCommand<'rating-case.verify'>): RatingCaseSummary {
  const by = caseActor(ctx);
  const rc = requireCase(ctx, command.caseId);
  requireStep(rc, 'verify');
  ctx.emit({ type: 'rating-case:verified', caseId: rc.id, verification: { substantiated: command.substantiated, note: command.note, by, at: ctx.now } });
  return answer(ctx, rc.id);
}

export function fix(ctx: Ctx, command: CaseCommand<'rating-case.fix'>): RatingCaseSummary {
  const by = caseActor(ctx);
  const rc = requireCase(ctx, command.caseId);
  requireStep(rc, 'fix');
  ctx.emit({ type: 'rating-case:fixed', caseId: rc.id, fix: { measures: command.measures, by, at: ctx.now } });
  return answer(ctx, rc.id);
}

export function followUp(ctx: Ctx, command: CaseCommand<'rating-case.follow-up'>): RatingCaseSummary {
  const by = caseActor(ctx);
  const rc = requireCase(ctx, command.caseId);
  requireStep(rc, 'follow-up');
  // Satisfaction is the citizen's answer: there is none when they were not reached.
  const satisfied = command.reached ? command.satisfied : undefined;
  ctx.emit({
    type: 'rating-case:followed-up',
    caseId: rc.id,
    followUp: { reached: command.reached, ...present({ satisfied, note: command.note }), by, at: ctx.now },
  });
  return answer(ctx, rc.id);
}

export function close(ctx: Ctx, command: CaseCommand<'rating-case.close'>): RatingCaseSummary {
  const by = caseActor(ctx);
  const rc = requireCase(ctx, command.caseId);
  requireStep(rc, 'close');
  ctx.emit({ type: 'rating-case:closed', caseId: rc.id, closed: { ...present({ note: command.note }), by, at: ctx.now } });
  return answer(ctx, rc.id);
}
