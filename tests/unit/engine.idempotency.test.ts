import { describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import { execute } from '../../server/domain/engine.js';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import type { HallState } from '../../server/protocol/model.js';
import { clerk1, clerk2, harness, kiosk, supervisor } from '../helpers/engineHarness.js';
import { hallFromJson } from '../helpers/plainHall.js';

const issueA = (requestId?: string): Command => ({
  type: 'ticket.issue',
  serviceId: 'svc-a',
  channel: 'kiosk',
  priority: false,
  ...(requestId !== undefined ? { requestId } : {}),
});

describe('event sequence numbers', () => {
  it('numbers every event per hall, contiguous from 1, with hall, time and actor', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.advance(1);
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.callNext('w1', clerk1); // finished + called: two events in one command
    expect(h.events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.state.seq).toBe(6);
    expect(h.events.every((event) => event.hallId === 'test-hall')).toBe(true);
    expect(h.events.map((event) => event.actor)).toEqual(['user:clerk1', 'device:kiosk-1', 'device:kiosk-1', 'user:clerk1', 'user:clerk1', 'user:clerk1']);
    expect(h.events[2]?.at).toBe(h.clock.now);
  });

  it('failed commands consume no sequence numbers', () => {
    const h = harness();
    h.issue('svc-a');
    h.fail({ type: 'window.call-next', windowId: 'w1' }, clerk1);
    h.issue('svc-a');
    expect(h.events.map((event) => event.seq)).toEqual([1, 2]);
  });
});

describe('idempotency by requestId', () => {
  it('a retry from the same actor returns the first result, changes nothing, emits nothing', () => {
    const h = harness();
    const first = h.run(issueA('r-1'), kiosk);
    const stateAfterFirst = h.state;
    const retry = h.run(issueA('r-1'), kiosk);
    expect(retry.ok).toBe(true);
    if (!first.ok || !retry.ok) throw new Error('unreachable');
    expect(retry.result).toEqual(first.result);
    expect(retry.events).toEqual([]);
    expect(retry.state).toBe(stateAfterFirst);
    expect(h.state.counters['svc-a']).toBe(1);
    expect(h.state.tickets.size).toBe(1);
    expect(h.state.seq).toBe(1);
  });

  it('the remembered answer is the first one even after the ticket has moved on', () => {
    const h = harness();
    h.open('w1', clerk1);
    const first = h.ok<IssuedTicket>(issueA('r-1'), kiosk);
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.start', windowId: 'w1' }, clerk1);
    const retry = h.ok<IssuedTicket>(issueA('r-1'), kiosk);
    expect(retry.ticket.status).toBe('waiting');
    expect(retry).toEqual(first);
  });

  it('the answer is a copy, never the live ticket inside the new hall state', () => {
    const h = harness();
    const issued = h.ok<IssuedTicket>(issueA('r-1'), kiosk);
    expect(issued.ticket).toEqual(h.state.tickets.get(issued.ticket.id));
    expect(issued.ticket).not.toBe(h.state.tickets.get(issued.ticket.id));
    const remembered = h.state.requests[0]?.result as IssuedTicket;
    expect(remembered.ticket).not.toBe(h.state.tickets.get(issued.ticket.id));
  });

  it('gives the same answer whether or not the state went through JSON between commands (as a store persists it)', () => {
    const inMemory = harness();
    const persisted = harness();
    const throughJson = (state: HallState) => hallFromJson(JSON.stringify(state));
    for (const h of [inMemory, persisted]) {
      h.open('w1', clerk1);
      h.ok<IssuedTicket>(issueA('r-1'), kiosk);
      if (h === persisted) h.state = throughJson(h.state);
      h.callNext('w1', clerk1);
      if (h === persisted) h.state = throughJson(h.state);
    }
    const fromMemory = execute(inMemory.state, issueA('r-1'), kiosk, inMemory.env);
    const fromStore = execute(persisted.state, issueA('r-1'), kiosk, persisted.env);
    if (!fromMemory.ok || !fromStore.ok) throw new Error('retry failed');
    expect(fromMemory.result).toEqual(fromStore.result);
  });

  it('a double-clicked call-next calls one ticket, not two', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    const first = h.ok({ type: 'window.call-next', windowId: 'w1', requestId: 'click-1' }, clerk1);
    const again = h.ok({ type: 'window.call-next', windowId: 'w1', requestId: 'click-1' }, clerk1);
    expect(again).toEqual(first);
    expect(h.lastEvents).toEqual([]);
    expect(h.eventsOfType('ticket:called')).toHaveLength(1);
    expect(h.state.tickets.values().filter((ticket) => ticket.status === 'waiting')).toHaveLength(1);
  });

  it('the same requestId from another actor is a different request', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    h.issue('svc-a');
    h.issue('svc-a');
    const one = h.ok({ type: 'window.call-next', windowId: 'w1', requestId: 'x' }, clerk1);
    const two = h.ok({ type: 'window.call-next', windowId: 'w2', requestId: 'x' }, clerk2);
    expect(two).not.toEqual(one);
    expect(h.eventsOfType('ticket:called')).toHaveLength(2);
    const kioskTicket = h.ok<IssuedTicket>(issueA('x'), kiosk);
    expect(kioskTicket.ticket.number).toBe('A003');
  });

  it('a different requestId (or none) from the same actor executes again', () => {
    const h = harness();
    h.ok(issueA('r-1'), kiosk);
    h.ok(issueA('r-2'), kiosk);
    h.ok(issueA(), kiosk);
    h.ok(issueA(), kiosk);
    expect(h.state.counters['svc-a']).toBe(4);
  });

  it('a failed command is not remembered: the retry runs once the hall allows it', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.call-next', windowId: 'w1', requestId: 'c1' }, clerk1).code).toBe('QUEUE_EMPTY');
    h.issue('svc-a');
    const call = h.ok({ type: 'window.call-next', windowId: 'w1', requestId: 'c1' }, clerk1);
    expect(call.ticket.number).toBe('A001');
  });

  it('remembers the last 200 requests of the hall; older ones run again', () => {
    const h = harness();
    h.ok(issueA('old'), kiosk);
    for (let i = 0; i < 200; i++) h.ok({ type: 'announcement.post', text: `n${i}`, requestId: `p${i}` }, supervisor);
    expect(h.state.requests).toHaveLength(200);
    const again = h.ok<IssuedTicket>(issueA('old'), kiosk);
    expect(again.ticket.number).toBe('A002');
    const recent = h.ok<IssuedTicket>(issueA('old'), kiosk);
    expect(recent.ticket.number).toBe('A002');
  });

  it('returns the remembered answer even across midnight, without rolling the day over', () => {
    const h = harness();
    const first = h.ok<IssuedTicket>(issueA('r-1'), kiosk);
    h.advance(16 * 60);
    const retry = h.run(issueA('r-1'), kiosk);
    expect(retry.ok && retry.events).toEqual([]);
    expect(retry.ok && retry.result).toEqual(first);
    expect(h.state.day).toBe('2026-03-02');
  });
});
