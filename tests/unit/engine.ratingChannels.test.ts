/**
 * 一次一评 by every channel (issue 14): the window screen, the QR code / e-ticket within the hall's rating
 * period (also once the ticket left the live state: the server hands the engine the store's copy), the guide
 * desk on the citizen's word, and the hall's optional default. And the board view naming what the window
 * screen rates, so a newly finished ticket is always a change the screen folds.
 */
import { describe, expect, it } from 'vitest';
import type { HallEvent } from '../../server/protocol/events.js';
import type { Ticket } from '../../server/protocol/model.js';
import { applyBoardEvent, boardView } from '../../server/protocol/views/board.js';
import { ticketStatusView } from '../../server/protocol/views/ticket.js';
import { publicEvent } from '../../server/protocol/redact.js';
import { admin, clerk1, clerk2, harness, publicActor, supervisor, testHallConfig, type Harness } from '../helpers/engineHarness.js';

const DAY_MINUTES = 24 * 60;
const screen = { kind: 'device', deviceId: 'screen-1', deviceKind: 'window-screen' } as const;

function served(h: Harness, windowId = 'w1', clerk = clerk1): Ticket {
  h.callNext(windowId, clerk);
  h.advance(3);
  return h.finish(windowId, clerk);
}

/** The ticket as the store keeps it: the last version an event carried. */
function storedCopy(h: Harness, ticketId: string): Ticket {
  const carried = h.events.filter((event) => 'ticket' in event && (event as { ticket?: Ticket }).ticket?.id === ticketId);
  return structuredClone((carried.at(-1) as HallEvent & { ticket: Ticket }).ticket);
}

describe('channels', () => {
  it('records the channel: window screen by window, QR by ticket id, desk by a supervisor or admin with who entered it', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let i = 0; i < 3; i++) h.issue('svc-a');
    served(h);
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5, ticketNumber: 'A001' }, screen);
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:rated', channel: 'window-screen', ticket: { number: 'A001', ratedVia: 'window-screen' } });
    const second = served(h);
    h.ok({ type: 'ticket.rate', ticketId: second.id, level: 4 }, publicActor);
    expect(h.lastEvents[0]).toMatchObject({ channel: 'qr', ticket: { ratedVia: 'qr' } });
    expect(h.lastEvents[0]).not.toHaveProperty('recordedBy');
    const third = served(h);
    h.ok({ type: 'ticket.rate', ticketId: third.id, level: 3 }, supervisor);
    expect(h.lastEvents[0]).toMatchObject({ channel: 'desk', recordedBy: { id: 'sup1', name: '王主任' }, ticket: { ratedVia: 'desk', rating: 3 } });
    // The desk's entry reaches no public screen with who entered it.
    expect(publicEvent(h.lastEvents[0]!)).not.toHaveProperty('recordedBy');
  });

  it('the desk (admin too) records a 差评 only with reasons, and its case says desk', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    expect(h.fail({ type: 'ticket.rate', ticketId: ticket.id, level: 1 }, admin).code).toBe('REASON_REQUIRED');
    h.ok({ type: 'ticket.rate', ticketId: ticket.id, level: 1, reasons: ['多次跑腿'] }, admin);
    expect(h.state.ratingCases?.[ticket.id]).toMatchObject({ channel: 'desk', reasons: ['多次跑腿'], status: 'open' });
  });

  it('a clerk is refused on every route, even for a ticket another clerk served', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    for (const actor of [clerk1, clerk2]) {
      expect(h.fail({ type: 'ticket.rate', ticketId: ticket.id, level: 5 }, actor).code).toBe('FORBIDDEN');
      expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, actor).code).toBe('FORBIDDEN');
    }
    expect(h.ticket(ticket.id).rating).toBeUndefined();
  });
});

describe('QR rating within the rating period, after the ticket left the live state', () => {
  function prunedTicket(h: Harness): Ticket {
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    h.advance(11); // past evaluationMinutes (10): the next command prunes it
    h.issue('svc-b');
    expect(h.state.tickets.get(ticket.id)).toBeUndefined();
    return storedCopy(h, ticket.id);
  }

  it('rates the store copy on the 6th day (period 7 days), once: ALREADY_RATED from any channel afterwards', () => {
    const h = harness();
    const stored = prunedTicket(h);
    h.advance(6 * DAY_MINUTES);
    expect(h.fail({ type: 'ticket.rate', ticketId: stored.id, level: 4 }, publicActor).code).toBe('NOT_RATEABLE'); // no copy handed over
    const rated = h.ok<Ticket>({ type: 'ticket.rate', ticketId: stored.id, level: 4, stored }, publicActor);
    expect(rated).toMatchObject({ id: stored.id, rating: 4, ratedVia: 'qr' });
    expect(h.lastEvents.find((event) => event.type === 'ticket:rated')).toMatchObject({ channel: 'qr', windowId: 'w1', clerkId: 'clerk1' });
    // It does not come back into the live state.
    expect(h.state.tickets.get(stored.id)).toBeUndefined();
    const after = storedCopy(h, stored.id);
    expect(h.fail({ type: 'ticket.rate', ticketId: stored.id, level: 1, reasons: ['其他'], stored: after }, publicActor).code).toBe('ALREADY_RATED');
    expect(h.fail({ type: 'ticket.rate', ticketId: stored.id, level: 5, stored: after }, supervisor).code).toBe('ALREADY_RATED');
  });

  it('refuses after the period, and the window screen never rates by day (evaluationMinutes only)', () => {
    const h = harness({ config: testHallConfig({ ratings: { periodDays: 2 } }) });
    const stored = prunedTicket(h);
    h.advance(2 * DAY_MINUTES);
    expect(h.fail({ type: 'ticket.rate', ticketId: stored.id, level: 4, stored }, publicActor).code).toBe('NOT_RATEABLE');
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 4 }, screen).code).toBe('NOT_RATEABLE');
  });

  it("a copy that is not the named ticket, or of another hall's service, is no ticket", () => {
    const h = harness();
    const stored = prunedTicket(h);
    expect(h.fail({ type: 'ticket.rate', ticketId: 'other', level: 4, stored }, publicActor).code).toBe('NOT_RATEABLE');
    expect(h.fail({ type: 'ticket.rate', ticketId: stored.id, level: 4, stored: { ...stored, serviceId: 'elsewhere' } }, publicActor).code).toBe('NOT_RATEABLE');
  });

  it('the e-ticket view offers the rating until the period ends, and shows the rating once given', () => {
    const h = harness();
    const stored = prunedTicket(h);
    const until = stored.finishedAt! + 7 * DAY_MINUTES * 60_000;
    expect(ticketStatusView(h.state, stored, h.clock.now)).toMatchObject({ status: 'served', rating: null, rateableUntil: until, ratingReasons: expect.arrayContaining(['服务态度差']) });
    expect(ticketStatusView(h.state, stored, until).rateableUntil).toBeNull();
    h.ok({ type: 'ticket.rate', ticketId: stored.id, level: 5, stored }, publicActor);
    expect(ticketStatusView(h.state, storedCopy(h, stored.id), h.clock.now)).toMatchObject({ rating: 5, rateableUntil: null });
  });
});

describe('the default rating (off unless set)', () => {
  function oldUnrated(config = testHallConfig({ ratings: { defaultLevel: 3, defaultAfterDays: 7 } })): { h: Harness; stored: Ticket } {
    const h = harness({ config });
    h.open('w1', clerk1);
    h.issue('svc-a');
    const ticket = served(h);
    h.advance(11);
    h.issue('svc-b');
    return { h, stored: storedCopy(h, ticket.id) };
  }

  it('is recorded as channel default once both the period and defaultAfterDays passed, never before, never twice', () => {
    const { h, stored } = oldUnrated();
    h.advance(7 * DAY_MINUTES - 20);
    expect(h.ok({ type: 'ticket.rate-default', tickets: [stored] }, admin)).toEqual({ rated: 0 });
    h.advance(20);
    expect(h.ok({ type: 'ticket.rate-default', tickets: [stored] }, admin)).toEqual({ rated: 1 });
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:rated', channel: 'default', level: 3, ticket: { ratedVia: 'default', rating: 3 } });
    expect(h.lastEvents[0]).not.toHaveProperty('recordedBy');
    expect(h.ok({ type: 'ticket.rate-default', tickets: [storedCopy(h, stored.id)] }, admin)).toEqual({ rated: 0 });
  });

  it('does nothing when off (the default), for a rated ticket, or for a 差评 level (only the citizen gives a 差评)', () => {
    const off = oldUnrated(testHallConfig());
    off.h.advance(30 * DAY_MINUTES);
    expect(off.h.ok({ type: 'ticket.rate-default', tickets: [off.stored] }, admin)).toEqual({ rated: 0 });
    const bad = oldUnrated(testHallConfig({ ratings: { defaultLevel: 2 } }));
    bad.h.advance(30 * DAY_MINUTES);
    expect(bad.h.ok({ type: 'ticket.rate-default', tickets: [bad.stored] }, admin)).toEqual({ rated: 0 });
    const rated = oldUnrated();
    rated.h.ok({ type: 'ticket.rate', ticketId: rated.stored.id, level: 5, stored: rated.stored }, publicActor);
    rated.h.advance(30 * DAY_MINUTES);
    expect(rated.h.ok({ type: 'ticket.rate-default', tickets: [storedCopy(rated.h, rated.stored.id)] }, admin)).toEqual({ rated: 0 });
  });
});

describe('the board names what the window screen rates', () => {
  it('A finished and left unrated, B finished: the change names B, and a screen folding the events has B', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-b');
    let screenView = boardView(h.state, h.clock.now);
    const fold = () => {
      for (const event of h.lastEvents) screenView = applyBoardEvent(screenView, JSON.parse(JSON.stringify(publicEvent(event))));
    };
    h.callNext('w1', clerk1);
    fold();
    h.finish('w1', clerk1);
    fold();
    expect(screenView.windows.find((w) => w.id === 'w1')?.ratingFor).toEqual({ number: 'A001', serviceId: 'svc-a' });
    h.callNext('w1', clerk1);
    fold();
    // Still A while B is served (one-button callers rate while the next is called).
    expect(screenView.windows.find((w) => w.id === 'w1')).toMatchObject({ currentTicket: 'B001', ratingFor: { number: 'A001' } });
    h.finish('w1', clerk1);
    const change = h.lastEvents.at(-1)!.board?.windows?.find((w) => w.id === 'w1');
    expect(change?.ratingFor).toEqual({ number: 'B001', serviceId: 'svc-b' });
    fold();
    expect(screenView.windows.find((w) => w.id === 'w1')).toMatchObject({ awaitingRating: true, ratingFor: { number: 'B001', serviceId: 'svc-b' } });
    expect(screenView).toEqual(boardView(h.state, h.clock.now));
  });

  it('a newly finished ticket is a change even when nothing else of the window changes (the bug: only a boolean)', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.callNext('w1', clerk1); // finishes A001 (unrated), calls A002
    const before = boardView(h.state, h.clock.now).windows.find((w) => w.id === 'w1')!;
    expect(before).toMatchObject({ awaitingRating: true, ratingFor: { number: 'A001' } });
    h.finish('w1', clerk1);
    expect(h.lastEvents.at(-1)!.board?.windows?.find((w) => w.id === 'w1')?.ratingFor).toEqual({ number: 'A002', serviceId: 'svc-a' });
  });

  it('ratingFor is cleared once rated, and across a take-over still names the ticket finished last', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    served(h);
    h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk2);
    expect(boardView(h.state, h.clock.now).windows.find((w) => w.id === 'w1')?.ratingFor).toEqual({ number: 'A001', serviceId: 'svc-a' });
    served(h, 'w1', clerk2);
    expect(boardView(h.state, h.clock.now).windows.find((w) => w.id === 'w1')?.ratingFor).toEqual({ number: 'A002', serviceId: 'svc-a' });
    h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5, ticketNumber: 'A002' }, screen);
    expect(h.lastEvents.at(-1)!.board?.windows?.find((w) => w.id === 'w1')).toMatchObject({ awaitingRating: false, ratingFor: null });
  });

  it('the board carries the hall reasons list for the 差评 step', () => {
    const h = harness({ config: testHallConfig({ ratings: { reasons: ['态度', '效率'] } }) });
    expect(boardView(h.state, h.clock.now).hall.ratingReasons).toEqual(['态度', '效率']);
    expect(boardView(harness().state, 0).hall.ratingReasons).toContain('一次性告知不到位');
  });
});
