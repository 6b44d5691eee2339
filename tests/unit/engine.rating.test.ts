import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../server/protocol/model.js';
import { clerk1, clerk2, harness, publicActor, supervisor, type Harness } from '../helpers/engineHarness.js';

function served(h: Harness, windowId = 'w1'): Ticket {
  h.callNext(windowId, clerk1);
  h.ok({ type: 'window.start', windowId }, clerk1);
  h.advance(3);
  return h.finish(windowId, clerk1);
}

describe('evaluation (好差评, one rating per served ticket)', () => {
  it('the window screen rates the ticket last finished at its window', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    const rated = h.ok<Ticket>({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor);
    expect(rated).toMatchObject({ id: ticket.id, rating: 5 });
    expect(h.ticket(ticket.id).rating).toBe(5);
    expect(h.lastEvents).toEqual([
      expect.objectContaining({ type: 'ticket:rated', level: 5, windowId: 'w1', clerkId: 'clerk1', ticket: expect.objectContaining({ id: ticket.id, rating: 5 }) }),
    ]);
  });

  it('refuses a second rating with ALREADY_RATED, by either route', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 2, reasons: ['其他'] }, publicActor);
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor)).toEqual({ code: 'ALREADY_RATED', details: { ticketId: ticket.id } });
    expect(h.fail({ type: 'ticket.rate', ticketId: ticket.id, level: 5 }, publicActor).code).toBe('ALREADY_RATED');
    expect(h.ticket(ticket.id).rating).toBe(2);
  });

  it('accepts every level 1..5', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let level = 1 as 1 | 2 | 3 | 4 | 5; level <= 5; level++) {
      h.issue('svc-a');
      served(h);
      h.ok({ type: 'ticket.rate', windowId: 'w1', level, reasons: ['其他'] }, publicActor);
      expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:rated', level });
    }
  });

  it('after the next ticket is finished, the window rates that one; the earlier citizen can still rate by their link', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    const first = served(h);
    const second = served(h);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 4 }, publicActor);
    expect(h.ticket(second.id).rating).toBe(4);
    expect(h.ticket(first.id).rating).toBeUndefined();
    h.ok({ type: 'ticket.rate', ticketId: first.id, level: 3 }, publicActor);
    expect(h.ticket(first.id).rating).toBe(3);
  });

  it('the ticket just finished automatically by call-next is the one the window rates', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    const first = h.callNext('w1', clerk1).ticket;
    h.callNext('w1', clerk1);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor);
    expect(h.ticket(first.id).rating).toBe(5);
  });

  it('clerks never rate, by either route (the clerk cannot rate their own ticket before the citizen); the desk never by window', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    for (const actor of [clerk1, clerk2]) {
      expect(h.fail({ type: 'ticket.rate', ticketId: ticket.id, level: 5 }, actor).code).toBe('FORBIDDEN');
      expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, actor).code).toBe('FORBIDDEN');
    }
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, supervisor).code).toBe('FORBIDDEN');
    expect(h.ticket(ticket.id).rating).toBeUndefined();
    // The citizen's own link still can.
    h.ok({ type: 'ticket.rate', ticketId: ticket.id, level: 5 }, publicActor);
  });

  it('refuses tickets that are not served: waiting, called, serving', () => {
    const h = harness();
    h.open('w1', clerk1);
    const a = h.issue('svc-a');
    expect(h.fail({ type: 'ticket.rate', ticketId: a.id, level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
    h.callNext('w1', clerk1);
    expect(h.fail({ type: 'ticket.rate', ticketId: a.id, level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    expect(h.fail({ type: 'ticket.rate', ticketId: a.id, level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
  });

  it('refuses a window with nothing finished, an unknown ticket, an unknown window, and neither given', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
    expect(h.fail({ type: 'ticket.rate', ticketId: 'nope', level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
    expect(h.fail({ type: 'ticket.rate', windowId: 'w9', level: 5 }, publicActor).code).toBe('WINDOW_NOT_FOUND');
    expect(h.fail({ type: 'ticket.rate', level: 5 }, publicActor).code).toBe('VALIDATION_FAILED');
  });

  it('closes the rating after evaluationMinutes (10)', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    served(h);
    h.advance(10);
    // nothing else happened in the hall: the check happens on this command
    h.issue('svc-b');
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
  });

  it('is still possible just before evaluationMinutes elapse', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    served(h);
    h.clock.advanceSeconds(9 * 60 + 59);
    h.issue('svc-b');
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 1, reasons: ['其他'] }, publicActor);
  });

  it('a rating survives a take-over of the window and names the clerk who served', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    served(h);
    h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk2);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 4 }, publicActor);
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:rated', clerkId: 'clerk1' });
  });
});

describe('差评 (不满意, 非常不满意) need a reason and open a case', () => {
  it('refuses a 差评 without a reason or with one not on the hall list, changing nothing', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    const seq = h.state.seq;
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 1 }, publicActor).code).toBe('REASON_REQUIRED');
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 2, reasons: ['不存在的原因'] }, publicActor)).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'reasons', unknown: ['不存在的原因'] } });
    expect(h.state.seq).toBe(seq);
    expect(h.ticket(ticket.id).rating).toBeUndefined();
  });

  it('opens a case due in the hall working days, with the reasons, note and follow-up phone', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 1, reasons: ['办事效率低', '多次跑腿'], note: '跑了三次', followUpPhone: '13800001111' }, publicActor);
    expect(h.lastEvents.map((event) => event.type)).toEqual(['ticket:rated', 'rating-case:opened']);
    expect(h.lastEvents[0]).toMatchObject({ channel: 'window-screen', reasons: ['办事效率低', '多次跑腿'], note: '跑了三次' });
    expect(h.lastEvents[0]).not.toHaveProperty('followUpPhone');
    expect(h.state.ratingCases?.[ticket.id]).toMatchObject({
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      level: 1,
      reasons: ['办事效率低', '多次跑腿'],
      followUpPhone: '13800001111',
      status: 'open',
      windowId: 'w1',
      clerkId: 'clerk1',
    });
  });

  it('a good rating opens no case and keeps no reasons', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    served(h);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 3, reasons: ['其他'] }, publicActor);
    expect(h.lastEvents.map((event) => event.type)).toEqual(['ticket:rated']);
    expect(h.lastEvents[0]).not.toHaveProperty('reasons');
    expect(h.state.ratingCases ?? {}).toEqual({});
  });

  it('refuses to rate when the screen showed another number than the ticket due for rating', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5, ticketNumber: 'Z999' }, publicActor).code).toBe('NOT_RATEABLE');
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5, ticketNumber: ticket.number }, publicActor);
  });
});
