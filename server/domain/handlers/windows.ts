import type { Command } from '../../protocol/commands.js';
import { type Ctx, requireHeld, requireWindow, staffOf } from '../context.js';
import { fail } from '../failure.js';
import type { Clerk, HallState, Ticket, WindowRuntime } from '../../protocol/model.js';

export interface WindowResult {
  windowId: string;
  window: WindowRuntime;
}

function result(ctx: Ctx, windowId: string): WindowResult {
  return { windowId, window: structuredClone(ctx.state.windows[windowId]!) };
}

/** The window a clerk already holds in this hall, other than `exceptId`. */
export function windowHeldBy(state: HallState, clerkId: string, exceptId?: string): string | undefined {
  return Object.entries(state.windows).find(
    ([id, runtime]) => id !== exceptId && runtime.status !== 'closed' && runtime.clerk?.id === clerkId,
  )?.[0];
}

/** A clerk holds one window at a time; supervisors and admins may hold several. */
function assertMayHoldAnother(ctx: Ctx, clerk: Clerk, windowId: string): void {
  if (clerk.role !== 'clerk') return;
  const other = windowHeldBy(ctx.state, clerk.id, windowId);
  if (other !== undefined) fail('CLERK_HOLDS_OTHER_WINDOW', { windowId: other });
}

export function open(ctx: Ctx, command: Extract<Command, { type: 'window.open' }>): WindowResult {
  const clerk = staffOf(ctx.actor);
  const { runtime } = requireWindow(ctx, command.windowId);
  if (runtime.status !== 'closed') {
    // Signing in again where you already are (a reloaded panel) is harmless.
    if (runtime.clerk?.id === clerk.id) return result(ctx, command.windowId);
    fail('WINDOW_BUSY', { windowId: command.windowId, clerk: runtime.clerk?.name });
  }
  assertMayHoldAnother(ctx, clerk, command.windowId);
  ctx.emit({ type: 'window:opened', windowId: command.windowId, clerk: { ...clerk } });
  return result(ctx, command.windowId);
}

/** AB岗: another clerk covers an open window; its current ticket and pause state carry over. */
export function takeOver(ctx: Ctx, command: Extract<Command, { type: 'window.take-over' }>): WindowResult {
  const clerk = staffOf(ctx.actor);
  const { runtime } = requireWindow(ctx, command.windowId);
  if (runtime.status === 'closed') fail('WINDOW_CLOSED', { windowId: command.windowId });
  if (runtime.clerk?.id === clerk.id) return result(ctx, command.windowId);
  assertMayHoldAnother(ctx, clerk, command.windowId);
  const previousClerk = runtime.clerk;
  ctx.emit({
    type: 'window:taken-over',
    windowId: command.windowId,
    clerk: { ...clerk },
    ...(previousClerk ? { previousClerk: { ...previousClerk } } : {}),
  });
  return result(ctx, command.windowId);
}

export function pause(ctx: Ctx, command: Extract<Command, { type: 'window.pause' }>): WindowResult {
  const { runtime } = requireHeld(ctx, command.windowId);
  if (runtime.status === 'paused') fail('WINDOW_PAUSED', { windowId: command.windowId });
  ctx.emit({
    type: 'window:paused',
    windowId: command.windowId,
    reason: command.reason,
    ...(command.note !== undefined ? { note: command.note } : {}),
  });
  return result(ctx, command.windowId);
}

export function resume(ctx: Ctx, command: Extract<Command, { type: 'window.resume' }>): WindowResult {
  const { runtime } = requireHeld(ctx, command.windowId);
  if (runtime.status !== 'paused') fail('WINDOW_NOT_PAUSED', { windowId: command.windowId });
  const pausedSeconds = Math.max(0, Math.round((ctx.now - (runtime.pausedAt ?? ctx.now)) / 1000));
  ctx.emit({ type: 'window:resumed', windowId: command.windowId, pausedSeconds });
  return result(ctx, command.windowId);
}

export function close(ctx: Ctx, command: Extract<Command, { type: 'window.close' }>): WindowResult {
  const { runtime } = requireHeld(ctx, command.windowId);
  if (runtime.currentTicketId !== undefined) {
    fail('WINDOW_HAS_TICKET', { windowId: command.windowId, ticketId: runtime.currentTicketId });
  }
  const clerk = runtime.clerk;
  // Tickets transferred to this very window would otherwise wait for it all day; they go to their service's queue, still in front.
  const released: Ticket[] = [];
  for (const ticket of ctx.state.tickets.values()) {
    if (ticket.status === 'waiting' && ticket.transfer?.toWindowId === command.windowId) {
      const { toWindowId: _closed, ...unpinned } = ticket.transfer;
      released.push({ ...ticket, transfer: unpinned });
    }
  }
  ctx.emit({ type: 'window:closed', windowId: command.windowId, released, ...(clerk ? { clerk: { ...clerk } } : {}) });
  return result(ctx, command.windowId);
}
