import { describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import type { WindowResult } from '../../server/domain/handlers/windows.js';
import { admin, clerk1, clerk2, clerk3, harness, kiosk, publicActor, supervisor } from '../helpers/engineHarness.js';

describe('window sign-in (open) and sign-out (close)', () => {
  it('opens a closed window for a clerk and records who', () => {
    const h = harness();
    const result = h.ok<WindowResult>({ type: 'window.open', windowId: 'w1' }, clerk1);
    expect(result.window).toMatchObject({ status: 'open', clerk: { id: 'clerk1', name: '张三' }, openedAt: h.clock.now });
    expect(h.state.windows.w1?.status).toBe('open');
    expect(h.lastEvents).toEqual([
      expect.objectContaining({ type: 'window:opened', windowId: 'w1', clerk: expect.objectContaining({ id: 'clerk1' }), actor: 'user:clerk1', seq: 1 }),
    ]);
  });

  it('signing in again at your own window is a harmless no-op (no event)', () => {
    const h = harness();
    h.open('w1', clerk1);
    const seq = h.state.seq;
    h.open('w1', clerk1);
    expect(h.lastEvents).toEqual([]);
    expect(h.state.seq).toBe(seq);
  });

  it('refuses to open a window another clerk holds (WINDOW_BUSY), even for a supervisor', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.open', windowId: 'w1' }, clerk2).code).toBe('WINDOW_BUSY');
    expect(h.fail({ type: 'window.open', windowId: 'w1' }, supervisor).code).toBe('WINDOW_BUSY');
  });

  it('refuses unknown windows and non-staff actors', () => {
    const h = harness();
    expect(h.fail({ type: 'window.open', windowId: 'w9' }, clerk1).code).toBe('WINDOW_NOT_FOUND');
    expect(h.fail({ type: 'window.open', windowId: 'w1' }, kiosk).code).toBe('FORBIDDEN');
    expect(h.fail({ type: 'window.open', windowId: 'w1' }, publicActor).code).toBe('FORBIDDEN');
  });

  it('a clerk holds one window at a time (CLERK_HOLDS_OTHER_WINDOW) until signing out', () => {
    const h = harness();
    h.open('w1', clerk1);
    const failure = h.fail({ type: 'window.open', windowId: 'w2' }, clerk1);
    expect(failure).toEqual({ code: 'CLERK_HOLDS_OTHER_WINDOW', details: { windowId: 'w1' } });
    h.ok({ type: 'window.close', windowId: 'w1' }, clerk1);
    h.open('w2', clerk1);
    expect(h.state.windows.w2?.clerk?.id).toBe('clerk1');
  });

  it('a paused window still counts as held', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'lunch' }, clerk1);
    expect(h.fail({ type: 'window.open', windowId: 'w2' }, clerk1).code).toBe('CLERK_HOLDS_OTHER_WINDOW');
  });

  it('supervisors and admins may hold several windows', () => {
    const h = harness();
    h.open('w1', supervisor);
    h.open('w2', supervisor);
    h.open('w3', admin);
    h.open('w4', admin);
    expect(Object.values(h.state.windows).map((w) => w.clerk?.id)).toEqual(['sup1', 'sup1', 'admin1', 'admin1']);
  });

  it('closes: clears clerk and pause, records who signed out', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'meeting', note: '开会' }, clerk1);
    h.ok({ type: 'window.close', windowId: 'w1' }, clerk1);
    expect(h.state.windows.w1).toEqual({ status: 'closed', priorityStreak: 0 });
    expect(h.lastEvents[0]).toMatchObject({ type: 'window:closed', windowId: 'w1', clerk: { id: 'clerk1' } });
  });

  it('refuses to close with a ticket at the window (WINDOW_HAS_TICKET) and to close a closed window', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    h.callNext('w1', clerk1);
    expect(h.fail({ type: 'window.close', windowId: 'w1' }, clerk1)).toEqual({
      code: 'WINDOW_HAS_TICKET',
      details: { windowId: 'w1', ticketId: ticket.id },
    });
    h.finish('w1', clerk1);
    h.ok({ type: 'window.close', windowId: 'w1' }, clerk1);
    expect(h.fail({ type: 'window.close', windowId: 'w1' }, clerk1).code).toBe('WINDOW_CLOSED');
    expect(h.fail({ type: 'window.close', windowId: 'w1' }, supervisor).code).toBe('WINDOW_CLOSED');
  });

  it('re-opening resets the priority streak', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a', { priority: true });
    h.callNext('w1', clerk1);
    h.finish('w1', clerk1);
    expect(h.state.windows.w1?.priorityStreak).toBe(1);
    h.ok({ type: 'window.close', windowId: 'w1' }, clerk1);
    h.open('w1', clerk1);
    expect(h.state.windows.w1?.priorityStreak).toBe(0);
  });
});

describe('pause and resume (暂离)', () => {
  it('pauses with a reason and note, resumes with the paused duration', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'away', note: '5分钟后回来' }, clerk1);
    expect(h.state.windows.w1).toMatchObject({ status: 'paused', pauseReason: 'away', pauseNote: '5分钟后回来', pausedAt: h.clock.now });
    expect(h.lastEvents[0]).toMatchObject({ type: 'window:paused', windowId: 'w1', reason: 'away', note: '5分钟后回来' });
    h.advance(7);
    h.ok({ type: 'window.resume', windowId: 'w1' }, clerk1);
    expect(h.lastEvents[0]).toMatchObject({ type: 'window:resumed', windowId: 'w1', pausedSeconds: 420 });
    expect(h.state.windows.w1?.status).toBe('open');
    expect(h.state.windows.w1?.pauseReason).toBeUndefined();
    expect(h.state.windows.w1?.pauseNote).toBeUndefined();
  });

  it('refuses to pause twice and to resume an open window', () => {
    const h = harness();
    h.open('w1', clerk1);
    expect(h.fail({ type: 'window.resume', windowId: 'w1' }, clerk1).code).toBe('WINDOW_NOT_PAUSED');
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'lunch' }, clerk1);
    expect(h.fail({ type: 'window.pause', windowId: 'w1', reason: 'other' }, clerk1).code).toBe('WINDOW_PAUSED');
  });

  it('a paused window does not call (WINDOW_PAUSED), but the current ticket can still be finished', () => {
    const h = harness();
    h.open('w1', clerk1);
    const a = h.issue('svc-a');
    h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'away' }, clerk1);
    expect(h.fail({ type: 'window.call-next', windowId: 'w1' }, clerk1).code).toBe('WINDOW_PAUSED');
    expect(h.fail({ type: 'window.call', windowId: 'w1', ticketId: a.id }, clerk1).code).toBe('WINDOW_PAUSED');
    h.finish('w1', clerk1);
    expect(h.state.tickets.get(a.id)?.status).toBe('served');
  });

  it('a paused window can be closed', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'other' }, clerk1);
    h.ok({ type: 'window.close', windowId: 'w1' }, clerk1);
    expect(h.state.windows.w1?.status).toBe('closed');
  });
});

describe('A/B post take-over (AB岗)', () => {
  it('another clerk takes over an open window; previous clerk recorded; current ticket and pause carry over', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'away' }, clerk1);
    const result = h.ok<WindowResult>({ type: 'window.take-over', windowId: 'w1' }, clerk2);
    expect(result.window).toMatchObject({ status: 'paused', clerk: { id: 'clerk2' }, currentTicketId: ticket.id });
    expect(h.lastEvents).toEqual([
      expect.objectContaining({
        type: 'window:taken-over',
        windowId: 'w1',
        clerk: expect.objectContaining({ id: 'clerk2' }),
        previousClerk: expect.objectContaining({ id: 'clerk1' }),
        actor: 'user:clerk2',
      }),
    ]);
    // the new clerk acts; the old one no longer may
    h.ok({ type: 'window.resume', windowId: 'w1' }, clerk2);
    expect(h.fail({ type: 'window.finish', windowId: 'w1', outcome: 'completed' }, clerk1).code).toBe('WINDOW_NOT_HELD');
    h.ok({ type: 'window.finish', windowId: 'w1', outcome: 'completed' }, clerk2);
    // and the old clerk is free to sign in elsewhere
    h.open('w2', clerk1);
  });

  it('calls made after a take-over are attributed to the new clerk', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk2);
    const call = h.callNext('w1', clerk2);
    expect(call.ticket.clerkId).toBe('clerk2');
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:called', clerkId: 'clerk2' });
  });

  it('refuses to take over a closed window, and a clerk who already holds another window', () => {
    const h = harness();
    expect(h.fail({ type: 'window.take-over', windowId: 'w1' }, clerk2).code).toBe('WINDOW_CLOSED');
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    expect(h.fail({ type: 'window.take-over', windowId: 'w1' }, clerk2).code).toBe('CLERK_HOLDS_OTHER_WINDOW');
    expect(h.fail({ type: 'window.take-over', windowId: 'w1' }, kiosk).code).toBe('FORBIDDEN');
  });

  it('taking over your own window is a no-op; a supervisor may take over while holding others', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.ok({ type: 'window.take-over', windowId: 'w1' }, clerk1);
    expect(h.lastEvents).toEqual([]);
    h.open('w2', supervisor);
    h.ok({ type: 'window.take-over', windowId: 'w1' }, supervisor);
    expect(h.state.windows.w1?.clerk?.id).toBe('sup1');
    expect(h.state.windows.w2?.clerk?.id).toBe('sup1');
  });
});

describe('acting on windows: who may', () => {
  const windowCommands = (ticketId: string): Command[] => [
    { type: 'window.call-next', windowId: 'w1' },
    { type: 'window.call', windowId: 'w1', ticketId },
    { type: 'window.recall', windowId: 'w1' },
    { type: 'window.start', windowId: 'w1' },
    { type: 'window.finish', windowId: 'w1', outcome: 'completed' },
    { type: 'window.no-show', windowId: 'w1' },
    { type: 'window.requeue', windowId: 'w1', ticketId },
    { type: 'window.transfer', windowId: 'w1', serviceId: 'svc-b' },
    { type: 'window.pause', windowId: 'w1', reason: 'away' },
    { type: 'window.resume', windowId: 'w1' },
    { type: 'window.close', windowId: 'w1' },
  ];

  it('a clerk may not act on a window held by someone else (WINDOW_NOT_HELD)', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.open('w2', clerk2);
    const ticket = h.issue('svc-a');
    h.callNext('w1', clerk1);
    for (const command of windowCommands(ticket.id)) {
      expect(h.fail(command, clerk2).code, command.type).toBe('WINDOW_NOT_HELD');
      expect(h.fail(command, clerk3).code, command.type).toBe('WINDOW_NOT_HELD');
    }
  });

  it('nobody acts on a closed window (WINDOW_CLOSED)', () => {
    const h = harness();
    const ticket = h.issue('svc-a');
    for (const command of windowCommands(ticket.id)) {
      expect(h.fail(command, clerk1).code, command.type).toBe('WINDOW_CLOSED');
      expect(h.fail(command, supervisor).code, command.type).toBe('WINDOW_CLOSED');
    }
  });

  it('devices and the public may not act on windows (FORBIDDEN)', () => {
    const h = harness();
    h.open('w1', clerk1);
    const ticket = h.issue('svc-a');
    for (const command of windowCommands(ticket.id)) {
      expect(h.fail(command, kiosk).code, command.type).toBe('FORBIDDEN');
      expect(h.fail(command, publicActor).code, command.type).toBe('FORBIDDEN');
    }
  });

  it('a supervisor (and an admin) may act on any open window, attributed to them', () => {
    const h = harness();
    h.open('w1', clerk1);
    h.issue('svc-a');
    h.issue('svc-a');
    const call = h.callNext('w1', supervisor);
    expect(h.lastEvents[0]).toMatchObject({ type: 'ticket:called', actor: 'user:sup1', clerkId: 'clerk1' });
    expect(call.ticket.number).toBe('A001');
    h.ok({ type: 'window.start', windowId: 'w1' }, admin);
    h.ok({ type: 'window.finish', windowId: 'w1', outcome: 'accepted' }, supervisor);
    h.ok({ type: 'window.pause', windowId: 'w1', reason: 'other' }, admin);
    h.ok({ type: 'window.resume', windowId: 'w1' }, supervisor);
    h.ok({ type: 'window.close', windowId: 'w1' }, supervisor);
    expect(h.state.windows.w1?.status).toBe('closed');
  });

  it('unknown windows are WINDOW_NOT_FOUND for every window command', () => {
    const h = harness();
    const ticket = h.issue('svc-a');
    for (const command of windowCommands(ticket.id)) {
      const bad = { ...command, windowId: 'nope' } as Command;
      expect(h.fail(bad, supervisor).code, command.type).toBe('WINDOW_NOT_FOUND');
    }
  });
});
