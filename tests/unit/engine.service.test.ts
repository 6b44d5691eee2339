import { describe, expect, it } from 'vitest';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import { OUTCOMES, type Ticket } from '../../server/protocol/model.js';
import { clerk1, clerk2, harness, kiosk, type Harness } from '../helpers/engineHarness.js';

/** Calls the next ticket at `windowId`, starts it, waits `minutes`, finishes it. */
function serve(h: Harness, windowId: string, minutes: number, actor = clerk1): Ticket {
  h.callNext(windowId, actor);
  h.ok({ type: 'window.start', windowId }, actor);
  h.clock.advanceSeconds(minutes * 60);
  return h.finish(windowId, actor);
}

const issueA = { type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false } as const;

describe('recall (重呼)', () => {
  it('counts recalls, re-announces (recent calls), keeps the ticket at the window', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.advance(1);
    h.ok({ type: 'window.recall', windowId: 'w1' }, clerk1);
    h.ok({ type: 'window.recall', windowId: 'w1' }, clerk1);
    expect(h.ticket(ticket.id)).toMatchObject({ status: 'called', recallCount: 2 });
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:recalled', windowId: 'w1', windowNumber: 1, recallCount: 2 });
    expect(h.state.recentCalls.map((call) => call.recall)).toEqual([true, true, false]);
    expect(h.state.recentCalls[0]).toMatchObject({ ticketNumber: 'A001', at: h.clock.now });
  });

  it('is refused with nothing called or once service has started', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.recall', windowId: 'w1' }, clerk1).code).toBe('NO_CURRENT_TICKET');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    expect(h.fail({ type: 'window.recall', windowId: 'w1' }, clerk1).code).toBe('TICKET_ALREADY_STARTED');
  });
});

describe('start and finish', () => {
  it('start moves called → serving with startedAt; a second start is refused', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    expect(h.fail({ type: 'window.start', windowId: 'w1' }, clerk1).code).toBe('NO_CURRENT_TICKET');
    h.callNext('w1', clerk1);
    h.advance(2);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    expect(h.ticket(ticket.id)).toMatchObject({ status: 'serving', startedAt: h.clock.now });
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:started', windowId: 'w1' });
    expect(h.fail({ type: 'window.start', windowId: 'w1' }, clerk1).code).toBe('TICKET_ALREADY_STARTED');
  });

  it.each(OUTCOMES)('finishes with outcome %s and an optional case number', (outcome) => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    h.advance(6);
    const finished = h.ok<Ticket>({ type: 'window.finish', windowId: 'w1', outcome, caseNumber: 'SB-2026-0001' }, clerk1);
    expect(finished).toMatchObject({ id: ticket.id, status: 'served', outcome, caseNumber: 'SB-2026-0001', finishedAt: h.clock.now });
    expect(h.lastEvents).toEqual([
      expect.objectContaining({
        type: 'ticket:finished',
        windowId: 'w1',
        outcome,
        caseNumber: 'SB-2026-0001',
        serviceSeconds: 360,
        automatic: false,
      }),
    ]);
    expect(h.state.windows.w1).toMatchObject({ lastFinishedTicketId: ticket.id });
    expect(h.state.windows.w1?.currentTicketId).toBeUndefined();
  });

  it('finishing without a case number leaves none', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    const finished = h.finish('w1', clerk1, 'consulted');
    expect(finished.caseNumber).toBeUndefined();
    expect(h.lastEvents[0]).not.toHaveProperty('caseNumber');
  });

  it('a ticket finished straight from "called" measures service time from the call', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.advance(3);
    h.finish('w1', clerk1);
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:finished', serviceSeconds: 180 });
  });

  it('finish needs a current ticket', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.finish', windowId: 'w1', outcome: 'completed' }, clerk1).code).toBe('NO_CURRENT_TICKET');
  });

  it('a served ticket stays (rateable) for evaluationMinutes, then is pruned from the hall document', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const served = serve(h, 'w1', 5);
    h.advance(9);
    h.issue('svc-b');
    expect(h.state.tickets.get(served.id)?.status).toBe('served');
    h.advance(1);
    h.issue('svc-b');
    expect(h.state.tickets.get(served.id)).toBeUndefined();
    expect(h.state.windows.w1?.lastFinishedTicketId).toBeUndefined();
  });
});

describe('service-time moving average and the wait estimate', () => {
  it('the first sample sets the average; later ones move it by 20% (exponential moving average)', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let i = 0; i < 3; i++) h.issue('svc-a');
    serve(h, 'w1', 4);
    expect(h.state.serviceStats['svc-a']).toEqual({ avgServiceSeconds: 240, samples: 1 });
    serve(h, 'w1', 9);
    expect(h.state.serviceStats['svc-a']).toEqual({ avgServiceSeconds: 240 * 0.8 + 540 * 0.2, samples: 2 });
    serve(h, 'w1', 2);
    expect(h.state.serviceStats['svc-a']?.avgServiceSeconds).toBeCloseTo(300 * 0.8 + 120 * 0.2, 6);
    expect(h.state.serviceStats['svc-b']).toBeUndefined();
  });

  it('ignores implausible samples (< 10 s or > 4 h)', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let i = 0; i < 3; i++) h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.clock.advanceSeconds(5);
    h.finish('w1', clerk1);
    expect(h.state.serviceStats['svc-a']).toBeUndefined();
    serve(h, 'w1', 5 * 60);
    expect(h.state.serviceStats['svc-a']).toBeUndefined();
    serve(h, 'w1', 4);
    expect(h.state.serviceStats['svc-a']).toEqual({ avgServiceSeconds: 240, samples: 1 });
  });

  it('the estimate on a new ticket uses the service\'s own average over its open windows', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.issue('svc-a');
    serve(h, 'w1', 8); // A average 480 s
    for (let i = 0; i < 3; i++) h.issue('svc-a');
    const issued = h.ok<IssuedTicket>(issueA, kiosk);
    expect(issued.ahead).toBe(3);
    expect(issued.estimatedWaitMinutes).toBe(12); // 3 × 8 min ÷ 2 windows (w1, w2 serve A)
    // B has no samples yet: its initial 6 minutes apply
    const b = h.ok<IssuedTicket>({ ...issueA, serviceId: 'svc-b' }, kiosk);
    h.ok<IssuedTicket>({ ...issueA, serviceId: 'svc-b' }, kiosk);
    const b3 = h.ok<IssuedTicket>({ ...issueA, serviceId: 'svc-b' }, kiosk);
    expect(b.estimatedWaitMinutes).toBe(0);
    expect(b3.estimatedWaitMinutes).toBe(6); // 2 × 6 ÷ 2
  });

  it('automatic finishes (call-next) feed the average too', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    h.advance(7);
    h.callNext('w1', clerk1);
    expect(h.state.serviceStats['svc-a']).toEqual({ avgServiceSeconds: 420, samples: 1 });
  });

  it('a ticket transferred to another service feeds that service\'s average when finished there', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w3', clerk2);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', serviceId: 'svc-c' }, clerk1);
    serve(h, 'w3', 11, clerk2);
    expect(h.state.serviceStats['svc-c']).toEqual({ avgServiceSeconds: 660, samples: 1 });
    expect(h.state.serviceStats['svc-a']).toBeUndefined();
  });
});
