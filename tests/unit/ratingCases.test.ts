import { describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import type { RatingCase } from '../../server/protocol/model.js';
import { staffEvent } from '../../server/protocol/redact.js';
import { caseDueDay } from '../../server/protocol/rules/ratings.js';
import { CLOSED_CASE_KEPT_DAYS, applyCaseEvent, caseDetail, caseSummary, nextCaseStep } from '../../server/protocol/rules/ratingCases.js';
import { maskPhone } from '../../server/protocol/rules/personalData.js';
import { type Harness, admin, clerk1, comparable, harness, local, publicActor, supervisor, testHallConfig } from '../helpers/engineHarness.js';

const DAY = 86_400_000;

/** A served ticket at w1 rated 非常不满意 with reasons and a phone: its case is open. */
function badRating(h: Harness, options: { phone?: string } = {}): RatingCase {
  if (h.state.windows.w1?.status !== 'open') h.open('w1', clerk1);
  h.issue('svc-a');
  h.callNext('w1', clerk1);
  h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
  const ticket = h.finish('w1', clerk1);
  h.ok(
    { type: 'ticket.rate', windowId: 'w1', level: 1, reasons: ['办事效率低'], note: '等了很久', ...(options.phone ? { followUpPhone: options.phone } : {}) },
    publicActor,
  );
  return h.state.ratingCases![ticket.id]!;
}

const verify = (caseId: string, substantiated = true): Command => ({ type: 'rating-case.verify', caseId, substantiated, note: '调取录像核实' });
const fix = (caseId: string): Command => ({ type: 'rating-case.fix', caseId, measures: '窗口增派人员，已约谈' });
const followUp = (caseId: string): Command => ({ type: 'rating-case.follow-up', caseId, reached: true, satisfied: true, note: '电话回访，群众表示满意' });
const close = (caseId: string): Command => ({ type: 'rating-case.close', caseId });

describe('差评整改 case steps (核实 → 整改 → 回访 → 办结)', () => {
  it('a 属实 case is verified, fixed, followed up and closed, each step an event naming who did it', () => {
    const h = harness();
    const rc = badRating(h, { phone: '13812345678' });
    expect(rc).toMatchObject({ status: 'open', dueDay: '2026-03-09' });

    const verified = h.ok(verify(rc.id), supervisor);
    expect(h.lastEvents).toEqual([
      expect.objectContaining({
        type: 'rating-case:verified',
        caseId: rc.id,
        actor: 'user:sup1',
        verification: { substantiated: true, note: '调取录像核实', by: { id: 'sup1', name: '王主任' }, at: h.clock.now },
      }),
    ]);
    // The answer is the list's form: no phone number, its masked form only.
    expect(verified).toMatchObject({ id: rc.id, status: 'verified', nextStep: 'fix', followUpPhoneMasked: '138****5678' });
    expect(verified).not.toHaveProperty('followUpPhone');

    h.advance(60);
    h.ok(fix(rc.id), admin);
    expect(h.lastEvents[0]).toMatchObject({ type: 'rating-case:fixed', fix: { measures: '窗口增派人员，已约谈', by: { id: 'admin1', name: '管理员' } } });
    h.ok(followUp(rc.id), supervisor);
    expect(h.lastEvents[0]).toMatchObject({ type: 'rating-case:followed-up', followUp: { reached: true, satisfied: true, note: '电话回访，群众表示满意' } });
    const closed = h.ok(close(rc.id), supervisor);
    expect(closed).toMatchObject({ status: 'closed', nextStep: null, overdue: false });
    expect(h.lastEvents[0]).toMatchObject({ type: 'rating-case:closed', closed: { by: { id: 'sup1', name: '王主任' } } });

    const stored = h.state.ratingCases![rc.id]!;
    expect(stored.followUpPhone).toBe('13812345678');
    expect(caseDetail(stored, '2026-03-02').audit.map((entry) => [entry.step, entry.by?.id])).toEqual([
      ['opened', undefined],
      ['verified', 'sup1'],
      ['fixed', 'admin1'],
      ['followed-up', 'sup1'],
      ['closed', 'sup1'],
    ]);
    // Every step is in the log: the hall rebuilt from it has the same case.
    expect(h.rebuilt()).toEqual(comparable(h.state));
  });

  it('refuses steps out of order with CASE_STEP_INVALID, naming the step due, and changes nothing', () => {
    const h = harness();
    const rc = badRating(h);
    const seq = h.state.seq;
    expect(h.fail(fix(rc.id))).toEqual({ code: 'CASE_STEP_INVALID', details: { caseId: rc.id, status: 'open', step: 'fix', expected: 'verify' } });
    expect(h.fail(followUp(rc.id)).code).toBe('CASE_STEP_INVALID');
    expect(h.fail(close(rc.id)).code).toBe('CASE_STEP_INVALID');
    h.ok(verify(rc.id));
    expect(h.fail(verify(rc.id))).toMatchObject({ code: 'CASE_STEP_INVALID', details: { expected: 'fix' } });
    expect(h.fail(followUp(rc.id))).toMatchObject({ code: 'CASE_STEP_INVALID', details: { expected: 'fix' } });
    h.ok(fix(rc.id));
    expect(h.fail(close(rc.id))).toMatchObject({ code: 'CASE_STEP_INVALID', details: { expected: 'follow-up' } });
    h.ok(followUp(rc.id));
    h.ok(close(rc.id));
    // A closed case changes no more.
    for (const command of [verify(rc.id), fix(rc.id), followUp(rc.id), close(rc.id)]) {
      expect(h.fail(command)).toMatchObject({ code: 'CASE_STEP_INVALID', details: { status: 'closed', expected: null } });
    }
    expect(h.state.seq).toBe(seq + 4);
  });

  it('a 不属实 case skips 整改 but is still followed up (the citizen is told the finding), then closed', () => {
    const h = harness();
    const rc = badRating(h);
    h.ok(verify(rc.id, false));
    expect(nextCaseStep(h.state.ratingCases![rc.id]!)).toBe('follow-up');
    expect(h.fail(fix(rc.id))).toMatchObject({ code: 'CASE_STEP_INVALID', details: { expected: 'follow-up' } });
    expect(h.fail(close(rc.id))).toMatchObject({ code: 'CASE_STEP_INVALID', details: { expected: 'follow-up' } });
    h.ok({ type: 'rating-case.follow-up', caseId: rc.id, reached: false, satisfied: true, note: '两次未接通' });
    // Not reached: no satisfaction can have been given, whatever was sent.
    expect(h.state.ratingCases![rc.id]!.followUp).toEqual({ reached: false, note: '两次未接通', by: { id: 'sup1', name: '王主任' }, at: h.clock.now });
    h.ok({ type: 'rating-case.close', caseId: rc.id, note: '已说明核实结果' });
    expect(h.state.ratingCases![rc.id]).toMatchObject({ status: 'closed', closed: { note: '已说明核实结果' } });
    expect(h.state.ratingCases![rc.id]!.fix).toBeUndefined();
  });

  it('an unknown case is CASE_NOT_FOUND (also for names of Object.prototype); a clerk is FORBIDDEN', () => {
    const h = harness();
    const rc = badRating(h);
    expect(h.fail(verify('no-such-case'))).toEqual({ code: 'CASE_NOT_FOUND', details: { caseId: 'no-such-case' } });
    expect(h.fail(verify('__proto__')).code).toBe('CASE_NOT_FOUND');
    expect(h.fail(verify('constructor')).code).toBe('CASE_NOT_FOUND');
    expect(h.fail(verify(rc.id), clerk1).code).toBe('FORBIDDEN');
    expect(h.fail(verify(rc.id), publicActor).code).toBe('FORBIDDEN');
    expect(h.state.ratingCases![rc.id]!.status).toBe('open');
  });

  it('a retried step (same requestId) answers the first time and records one event', () => {
    const h = harness();
    const rc = badRating(h);
    const first = h.ok({ ...verify(rc.id), requestId: 'verify-0001' });
    const seq = h.state.seq;
    expect(h.ok({ ...verify(rc.id), requestId: 'verify-0001' })).toEqual(first);
    expect(h.state.seq).toBe(seq);
  });
});

describe('差评整改 due day and overdue', () => {
  it('is due in the hall working days, skipping a weekend and the hall holidays, counting make-up days', () => {
    // Opened Thursday 2026-04-02; 04-03 (Fri) and 04-06 (Mon) are holidays (清明), 04-04 … 04-05 the weekend.
    const config = testHallConfig({ holidays: ['2026-04-03', '2026-04-06'], ratings: { caseDueWorkingDays: 3 } });
    expect(caseDueDay('2026-04-02', config)).toBe('2026-04-09');
    const h = harness({ config, start: local('2026-04-02T10:00') });
    const rc = badRating(h);
    expect(rc.dueDay).toBe(caseDueDay('2026-04-02', config));
    expect(rc.dueDay).toBe('2026-04-09');
    // A Sunday that is a make-up working day counts.
    const makeUp = testHallConfig({ makeUpWorkdays: ['2026-04-05'], ratings: { caseDueWorkingDays: 2 } });
    expect(caseDueDay('2026-04-03', makeUp)).toBe('2026-04-06');
  });

  it('is overdue once its due day has ended and it is not closed; closing ends that', () => {
    const h = harness();
    const rc = badRating(h);
    expect(rc.dueDay).toBe('2026-03-09');
    expect(caseSummary(rc, '2026-03-09').overdue).toBe(false);
    expect(caseSummary(rc, '2026-03-10').overdue).toBe(true);
    const closedRc: RatingCase = { ...rc, status: 'closed', closed: { by: { id: 'sup1', name: '王主任' }, at: rc.openedAt } };
    expect(caseSummary(closedRc, '2026-03-10').overdue).toBe(false);
  });
});

describe('差评整改 cases in the live hall', () => {
  it('survive the day roll-over, and the next day still takes their steps', () => {
    const h = harness();
    const rc = badRating(h);
    h.clock.set(local('2026-03-03T08:30'));
    h.issue('svc-a');
    expect(h.eventsOfType('hall:day-started').length).toBe(1);
    expect(h.state.ratingCases![rc.id]).toMatchObject({ status: 'open', dueDay: '2026-03-09' });
    h.ok(verify(rc.id));
    expect(h.state.ratingCases![rc.id]!.status).toBe('verified');
  });

  it('open cases stay for good; a closed case leaves the live state CLOSED_CASE_KEPT_DAYS after closing', () => {
    const h = harness();
    const open = badRating(h);
    const done = badRating(h);
    for (const command of [verify(done.id), fix(done.id), followUp(done.id), close(done.id)]) h.ok(command);
    const closedAt = h.clock.now;
    h.clock.set(closedAt + CLOSED_CASE_KEPT_DAYS * DAY - 60_000);
    h.issue('svc-a');
    expect(Object.keys(h.state.ratingCases!).sort()).toEqual([open.id, done.id].sort());
    h.clock.set(closedAt + CLOSED_CASE_KEPT_DAYS * DAY);
    h.issue('svc-a');
    expect(Object.keys(h.state.ratingCases!)).toEqual([open.id]);
    expect(h.fail(close(done.id)).code).toBe('CASE_NOT_FOUND');
    // Pruning is the reader's (by the clock), not the log's: a rebuilt hall pruned at the same time is the same.
    expect(h.rebuilt()).toEqual(comparable(h.state));
  });
});

describe('差评整改 on the wire', () => {
  it('masks a phone number as 138****5678, a landline likewise', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('010-87654321')).toBe('010****4321');
    expect(maskPhone('123')).toBe('****');
    expect(maskPhone(maskPhone('13812345678'))).toBe('138****5678');
  });

  it('staff events carry no follow-up phone; the case detail does', () => {
    const h = harness();
    const rc = badRating(h, { phone: '13900002222' });
    const opened = h.eventsOfType('rating-case:opened').at(-1)!;
    expect(opened.case.followUpPhone).toBe('13900002222');
    const shown = staffEvent(opened);
    expect(JSON.stringify(shown)).not.toContain('13900002222');
    expect(shown).toMatchObject({ type: 'rating-case:opened', seq: opened.seq, case: { id: rc.id, reasons: ['办事效率低'] } });
    // The log's own event is untouched.
    expect(opened.case.followUpPhone).toBe('13900002222');
    expect(caseDetail(h.state.ratingCases![rc.id]!, '2026-03-02').followUpPhone).toBe('13900002222');
  });

  it('a screen folding the staff events arrives at the cases the engine has', () => {
    const h = harness();
    const first = badRating(h);
    let list = applyCaseEvent([], staffEvent(h.eventsOfType('rating-case:opened').at(-1)!), '2026-03-02');
    const second = badRating(h);
    list = applyCaseEvent(list, staffEvent(h.eventsOfType('rating-case:opened').at(-1)!), '2026-03-02');
    for (const command of [verify(first.id, false), followUp(first.id)]) {
      h.ok(command);
      for (const event of h.lastEvents) list = applyCaseEvent(list, event, '2026-03-02');
    }
    const engine = Object.values(h.state.ratingCases!).map((rc) => caseSummary(rc, '2026-03-02'));
    const strip = ({ followUpPhoneMasked: _masked, ...rest }: (typeof engine)[number]) => rest;
    expect(list.map(strip).sort((a, b) => a.id.localeCompare(b.id))).toEqual(engine.map(strip).sort((a, b) => a.id.localeCompare(b.id)));
    expect(list.find((rc) => rc.id === first.id)).toMatchObject({ status: 'followed-up', nextStep: 'close' });
    expect(list.find((rc) => rc.id === second.id)).toMatchObject({ status: 'open', nextStep: 'verify' });
    // Other events leave the list alone.
    expect(applyCaseEvent(list, h.eventsOfType('ticket:issued').at(-1)!, '2026-03-02')).toEqual(list);
  });
});
