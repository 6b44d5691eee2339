import { describe, expect, it } from 'vitest';
import { execute } from '../../server/domain/engine.js';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import type { CallResult } from '../../server/domain/handlers/calling.js';
import { boardView } from '../../server/domain/views.js';
import { peopleAhead, serviceQueue } from '../../server/domain/queue.js';
import { clerk1, clerk2, harness, kiosk, local, publicActor, supervisor } from '../helpers/engineHarness.js';
import { hallFromJson } from '../helpers/plainHall.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';

describe('request ids are scoped to a caller and a command', () => {
  it('two citizens on phones never share an answer, even with the same request id', () => {
    const h = harness();
    const first = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'phone', priority: false, requestId: 'same-id-1' }, publicActor);
    const second = h.ok<IssuedTicket>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'phone', priority: false, requestId: 'same-id-1' }, publicActor);
    expect(second.ticket.id).not.toBe(first.ticket.id);
    expect(h.state.requests).toHaveLength(0);
  });

  it('a request id reused for another kind of command runs that command', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.ok({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'desk', priority: false, requestId: 'reused-1' }, clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'lunch', requestId: 'reused-1' }, clerk1);
    expect(h.state.windows.w1?.status).toBe('paused');
  });
});

describe('the server clock tick', () => {
  it('rolls an idle hall over at local midnight: waiting tickets expire, numbering restarts', () => {
    const h = harness();
    const waiting = h.issue('svc-a');
    h.clock.set(local('2026-03-03T00:00'));
    h.ok({ type: 'hall.tick' }, supervisor);
    expect(h.lastEvents.map((event) => event.type)).toEqual(['ticket:expired', 'hall:day-started']);
    expect(h.state.tickets.get(waiting.id)).toBeUndefined();
    expect(h.state.day).toBe('2026-03-03');
    expect(h.issue('svc-a').number).toBe('A001');
  });

  it('changes nothing on an ordinary tick (the store then writes nothing)', () => {
    const h = harness();
    h.issue('svc-a');
    const before = h.state;
    const outcome = execute(before, { type: 'hall.tick' }, supervisor, h.env);
    expect(outcome.ok && outcome.state).toBe(before);
    expect(outcome.ok && outcome.events).toEqual([]);
  });
});

describe('the rating window', () => {
  it('is enforced by time even when no other command came in between', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.finish('w1', clerk1);
    h.advance(h.state.config.evaluationMinutes + 1);
    expect(boardView(h.state, h.clock.now).windows.find((window) => window.id === 'w1')?.awaitingRating).toBe(false);
    expect(h.fail({ type: 'ticket.rate', windowId: 'w1', level: 5 }, publicActor).code).toBe('NOT_RATEABLE');
  });

  it('accepts a rating on a frozen state without writing to it', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.finish('w1', clerk1);
    const frozen = hallFromJson(JSON.stringify(h.state));
    const deepFreeze = (value: unknown): void => {
      if (value && typeof value === 'object') {
        Object.freeze(value);
        for (const child of value instanceof TicketMap ? value.values() : Object.values(value)) deepFreeze(child);
      }
    };
    deepFreeze(frozen);
    const outcome = execute(frozen, { type: 'ticket.rate', windowId: 'w1', level: 4 }, publicActor, h.env);
    expect(outcome.ok).toBe(true);
  });
});

describe('closing a window', () => {
  it('releases tickets transferred to it to their service queue, still in front', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.issue('svc-a');
    h.issue('svc-a');
    const first = h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w2', note: 'needs civil affairs' }, clerk1);
    h.ok({ type: 'window.close', windowId: 'w2' }, clerk2);
    expect(h.state.tickets.get(first.ticket.id)?.transfer?.toWindowId).toBeUndefined();
    const closed = h.eventsOfType('window:closed').at(-1);
    expect(closed?.released.map((ticket) => ticket.id)).toEqual([first.ticket.id]);
    const next = h.ok<CallResult>({ type: 'window.call-next', windowId: 'w1' }, clerk1);
    expect(next.ticket.id).toBe(first.ticket.id);
    expect(next.reason).toBe('transfer');
  });
});

describe('a kiosk is not a citizen', () => {
  it('kiosk retries are still answered once', () => {
    const h = harness();
    const command = { type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false, requestId: 'kiosk-tap-1' } as const;
    const first = h.ok<IssuedTicket>(command, kiosk);
    const again = h.ok<IssuedTicket>(command, kiosk);
    expect(again.ticket.id).toBe(first.ticket.id);
  });
});

describe('copy on write', () => {
  it('keeps tickets a command did not touch as the very same objects, so the store writes only what changed', () => {
    const h = harness();
    h.open('w1', clerk1);
    for (let i = 0; i < 5; i++) h.issue('svc-a');
    const before = h.state;
    const outcome = execute(before, { type: 'window.call-next', windowId: 'w1' }, clerk1, h.env);
    if (!outcome.ok) throw new Error(outcome.error.code);
    const called = (outcome.result as CallResult).ticket.id;
    const untouched = before.tickets.keys().filter((id) => id !== called);
    expect(untouched).toHaveLength(4);
    for (const id of untouched) expect(outcome.state.tickets.get(id)).toBe(before.tickets.get(id));
    expect(outcome.state.tickets.get(called)).not.toBe(before.tickets.get(called));
    expect(outcome.state.config).toBe(before.config);
  });
});

describe('a transferred ticket arriving at its window', () => {
  it('keeps the transfer note for the clerk who calls it, and loses its front place', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.transfer', windowId: 'w1', toWindowId: 'w2', note: '需核对家庭收入证明' }, clerk1);
    const called = h.ok<CallResult>({ type: 'window.call-next', windowId: 'w2' }, clerk2);
    expect(called.reason).toBe('transfer');
    expect(called.ticket.transfer).toBeUndefined();
    expect(called.ticket.receivedTransfer).toMatchObject({ fromWindowId: 'w1', note: '需核对家庭收入证明' });
    const publicCall = h.eventsOfType('ticket:called').at(-1)!;
    expect(publicCall.ticket.receivedTransfer?.note).toBe('需核对家庭收入证明');
  });
});

describe('people ahead', () => {
  it('is each waiting ticket\'s place in its service queue, after priorities, transfers, requeues and boosts', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    for (let i = 0; i < 12; i++) h.issue(i % 3 === 0 ? 'svc-b' : 'svc-a', { priority: i % 4 === 1 });
    h.advance(50);
    for (let i = 0; i < 6; i++) h.issue('svc-a', { priority: i === 2 });
    const called = h.callNext('w1', clerk1);
    h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    h.ok({ type: 'window.requeue', windowId: 'w1', ticketId: called.ticket.id, after: 2 }, clerk1);
    h.callNext('w2', clerk2);
    h.ok({ type: 'window.transfer', windowId: 'w2', toWindowId: 'w1' }, clerk2);
    for (const serviceId of ['svc-a', 'svc-b']) {
      const queue = serviceQueue(h.state, serviceId, h.clock.now);
      expect(queue.length).toBeGreaterThan(3);
      queue.forEach((ticket, index) => expect(peopleAhead(h.state, ticket, h.clock.now)).toBe(index));
    }
  });
});
