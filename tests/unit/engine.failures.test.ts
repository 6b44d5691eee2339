import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import { execute } from '../../server/domain/engine.js';
import type { Actor, Appointment, HallState } from '../../server/protocol/model.js';
import { ErrorCode } from '../../server/protocol/errors.js';
import { MINUTE, clerk1, clerk2, clerk3, harness, kiosk, local, publicActor, supervisor, type Harness } from '../helpers/engineHarness.js';
import { hallFromJson, plainHall } from '../helpers/plainHall.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // A TicketMap's entries are its tickets (its workings are private fields, which freezing does not reach).
    for (const child of value instanceof TicketMap ? value.values() : Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A hall with something in every state: open, paused and closed windows; waiting, called, serving, no-show and served tickets; a booking; an announcement. */
function busyHall(): { h: Harness; ids: Record<string, string>; appointment: Appointment } {
  const h = harness();
  h.open('w1', clerk1);
  h.open('w2', clerk2);
  h.open('w4', supervisor);
  const served = h.issue('svc-a');
  const noShow = h.issue('svc-a');
  const called = h.issue('svc-a');
  const serving = h.issue('svc-b');
  const waiting = h.issue('svc-a');
  h.issue('svc-c');
  h.issue('svc-c');
  h.issue('svc-c');
  h.ok({ type: 'window.call', windowId: 'w1', ticketId: served.id }, clerk1);
  h.advance(3);
  h.finish('w1', clerk1);
  h.ok({ type: 'window.call', windowId: 'w1', ticketId: noShow.id }, clerk1);
  h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
  h.ok({ type: 'window.call', windowId: 'w1', ticketId: called.id }, clerk1);
  h.ok({ type: 'window.call', windowId: 'w2', ticketId: serving.id }, clerk2);
  h.ok({ type: 'window.start', windowId: 'w2' }, clerk2);
  h.ok({ type: 'window.pause', windowId: 'w4', reason: 'lunch' }, supervisor);
  const appointment = h.ok<Appointment>({ type: 'appointment.create', serviceId: 'svc-a', slotStart: h.clock.now + 60 * MINUTE, slotEnd: h.clock.now + 90 * MINUTE });
  h.ok({ type: 'announcement.post', text: '通知', expiresAt: h.clock.now + 60 * MINUTE }, supervisor);
  h.ok({ type: 'ticket.rate', windowId: 'w1', level: 5, requestId: 'rate-1' }, publicActor);
  return { h, ids: { served: served.id, noShow: noShow.id, called: called.id, serving: serving.id, waiting: waiting.id }, appointment };
}

describe('failed commands', () => {
  const { h, ids, appointment } = busyHall();
  const cases: Array<[string, Command, Actor, string]> = [
    ['unknown service', { type: 'ticket.issue', serviceId: 'x', channel: 'kiosk', priority: false }, kiosk, 'SERVICE_NOT_FOUND'],
    ['cap reached', { type: 'ticket.issue', serviceId: 'svc-c', channel: 'kiosk', priority: false }, kiosk, 'CAP_REACHED'],
    ['cancel called', { type: 'ticket.cancel', ticketId: ids.called! }, clerk1, 'TICKET_NOT_WAITING'],
    ['cancel served', { type: 'ticket.cancel', ticketId: ids.served! }, clerk1, 'TICKET_FINISHED'],
    ['cancel by kiosk', { type: 'ticket.cancel', ticketId: ids.waiting! }, kiosk, 'FORBIDDEN'],
    ['rate again', { type: 'ticket.rate', windowId: 'w1', level: 1 }, publicActor, 'ALREADY_RATED'],
    ['rate serving', { type: 'ticket.rate', ticketId: ids.serving!, level: 1 }, publicActor, 'NOT_RATEABLE'],
    ['open busy', { type: 'window.open', windowId: 'w1' }, clerk2, 'WINDOW_BUSY'],
    ['open second', { type: 'window.open', windowId: 'w3' }, clerk1, 'CLERK_HOLDS_OTHER_WINDOW'],
    ['take over by holder', { type: 'window.take-over', windowId: 'w1' }, clerk2, 'CLERK_HOLDS_OTHER_WINDOW'],
    ['take over closed', { type: 'window.take-over', windowId: 'w3' }, supervisor, 'WINDOW_CLOSED'],
    ['pause paused', { type: 'window.pause', windowId: 'w4', reason: 'away' }, supervisor, 'WINDOW_PAUSED'],
    ['resume open', { type: 'window.resume', windowId: 'w1' }, clerk1, 'WINDOW_NOT_PAUSED'],
    ['close with ticket', { type: 'window.close', windowId: 'w1' }, clerk1, 'WINDOW_HAS_TICKET'],
    ['act on other window', { type: 'window.recall', windowId: 'w2' }, clerk1, 'WINDOW_NOT_HELD'],
    ['call next paused', { type: 'window.call-next', windowId: 'w4' }, supervisor, 'WINDOW_PAUSED'],
    ['call not waiting', { type: 'window.call', windowId: 'w1', ticketId: ids.serving! }, clerk1, 'TICKET_NOT_WAITING'],
    ['call unknown', { type: 'window.call', windowId: 'w1', ticketId: 'nope' }, clerk1, 'TICKET_NOT_FOUND'],
    ['call elsewhere', { type: 'window.call', windowId: 'w2', ticketId: 'nope' }, clerk2, 'TICKET_NOT_FOUND'],
    ['recall serving', { type: 'window.recall', windowId: 'w2' }, clerk2, 'TICKET_ALREADY_STARTED'],
    ['start serving', { type: 'window.start', windowId: 'w2' }, clerk2, 'TICKET_ALREADY_STARTED'],
    ['no-show serving', { type: 'window.no-show', windowId: 'w2' }, clerk2, 'TICKET_ALREADY_STARTED'],
    ['requeue waiting', { type: 'window.requeue', windowId: 'w1', ticketId: ids.waiting! }, clerk1, 'TICKET_NOT_NO_SHOW'],
    ['transfer same service', { type: 'window.transfer', windowId: 'w1' }, clerk1, 'TRANSFER_TARGET_INVALID'],
    ['transfer closed window', { type: 'window.transfer', windowId: 'w1', toWindowId: 'w3', serviceId: 'svc-c' }, clerk1, 'TRANSFER_TARGET_INVALID'],
    ['finish nothing', { type: 'window.finish', windowId: 'w4', outcome: 'completed' }, supervisor, 'NO_CURRENT_TICKET'],
    ['appointment slot', { type: 'appointment.create', serviceId: 'svc-a', slotStart: 2, slotEnd: 1 }, supervisor, 'APPOINTMENT_SLOT_INVALID'],
    ['check-in early', { type: 'appointment.check-in', code: appointment.code }, kiosk, 'APPOINTMENT_TOO_EARLY'],
    ['check-in unknown', { type: 'appointment.check-in', code: 'zzz' }, kiosk, 'APPOINTMENT_NOT_FOUND'],
    ['remove unknown', { type: 'announcement.remove', announcementId: 'nope' }, supervisor, 'ANNOUNCEMENT_NOT_FOUND'],
    ['post by public', { type: 'announcement.post', text: 'x' }, publicActor, 'FORBIDDEN'],
  ];

  it.each(cases)('%s → ok:false with a known error code, state deep-equal', (_name, command, actor, code) => {
    const before = plainHall(h.state);
    const outcome = execute(h.state, command, actor, h.env);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe(code);
    expect(Object.values(ErrorCode)).toContain(outcome.error.code);
    expect(isDeepStrictEqual(plainHall(h.state), before)).toBe(true);
  });

  it('a refusal on the first command of a new day leaves the old day in place (rollover discarded)', () => {
    const before = plainHall(h.state);
    const outcome = execute(h.state, { type: 'window.call-next', windowId: 'w4' }, supervisor, { now: local('2026-03-03T08:00'), ids: h.ids });
    expect(outcome.ok).toBe(false);
    expect(isDeepStrictEqual(plainHall(h.state), before)).toBe(true);
  });

  it('the engine never writes to its input, not even on success (deep-frozen input)', () => {
    const { h: fresh, ids: freshIds } = busyHall();
    const frozen = deepFreeze(hallFromJson(JSON.stringify(fresh.state)));
    const commands: Array<[Command, Actor]> = [
      [{ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: true }, kiosk],
      [{ type: 'window.call-next', windowId: 'w1' }, clerk1],
      [{ type: 'window.recall', windowId: 'w1' }, clerk1],
      [{ type: 'window.no-show', windowId: 'w1' }, clerk1],
      [{ type: 'window.requeue', windowId: 'w1', ticketId: freshIds.noShow! }, clerk1],
      [{ type: 'window.transfer', windowId: 'w2', serviceId: 'svc-a' }, clerk2],
      [{ type: 'window.finish', windowId: 'w2', outcome: 'accepted', caseNumber: 'X1' }, clerk2],
      [{ type: 'window.take-over', windowId: 'w4' }, clerk3],
      [{ type: 'window.resume', windowId: 'w4' }, supervisor],
      [{ type: 'ticket.cancel', ticketId: freshIds.waiting! }, clerk1],
      [{ type: 'announcement.post', text: 'x' }, supervisor],
    ];
    for (const [command, actor] of commands) {
      const outcome = execute(frozen, command, actor, fresh.env);
      expect(outcome.ok, command.type).toBe(true);
    }
    // a whole new day on a frozen state, too
    const nextDay = execute(frozen, { type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false }, kiosk, {
      now: local('2026-03-03T09:00'),
      ids: fresh.ids,
    });
    expect(nextDay.ok).toBe(true);
  });

  it('a failed command does not touch the remembered requests either', () => {
    const { h: fresh } = busyHall();
    const before = structuredClone(fresh.state.requests) as HallState['requests'];
    fresh.fail({ type: 'window.call-next', windowId: 'w4', requestId: 'q' }, supervisor);
    expect(fresh.state.requests).toEqual(before);
  });
});
