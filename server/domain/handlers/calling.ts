import type { Command } from '../../protocol/commands.js';
import { type Ctx, type WindowRef, currentTicket, requireHeld, requireTicket, snapshot } from '../context.js';
import { fail } from '../failure.js';
import type { CallReason, Outcome, Ticket } from '../../protocol/model.js';
import { withoutPhone } from '../../protocol/rules/notify.js';
import { type TransferSituation, transferToServiceValid, transferToWindowValid } from '../../protocol/rules/transfer.js';
import { rankAfter, selectNext, serviceConfig, tierAt, transferredAwayFrom, windowCanServe, windowConfig } from '../queue.js';

export interface CallResult {
  ticket: Ticket;
  reason: CallReason;
  outOfOrder: boolean;
  /** The ticket that was still current and got finished as `completed` first. */
  finished?: Ticket;
}

function requireCallable(ref: WindowRef): void {
  if (ref.runtime.status === 'paused') fail('WINDOW_PAUSED', { windowId: ref.config.id });
}

function finishCurrent(ctx: Ctx, ref: WindowRef, outcome: Outcome, automatic: boolean, caseNumber?: string): Ticket {
  const current = currentTicket(ctx, ref);
  const began = current.startedAt ?? current.calledAt ?? ctx.now;
  const serviceSeconds = Math.max(0, Math.round((ctx.now - began) / 1000));
  const ticket: Ticket = { ...withoutPhone(current), status: 'served', finishedAt: ctx.now, outcome, ...(caseNumber !== undefined ? { caseNumber } : {}) };
  ctx.emit({
    type: 'ticket:finished',
    ticket,
    windowId: ref.config.id,
    outcome,
    serviceSeconds,
    automatic,
    ...(caseNumber !== undefined ? { caseNumber } : {}),
  });
  return snapshot(ticket);
}

function assignToWindow(ctx: Ctx, ref: WindowRef, waiting: Readonly<Ticket>, reason: CallReason, outOfOrder: boolean): Ticket {
  const clerk = ref.runtime.clerk;
  // The mark stops giving priority once called, but the receiving clerk still needs the note.
  const { startedAt: _started, transfer, receivedTransfer: _previous, ...rest } = waiting;
  const ticket: Ticket = {
    ...rest,
    status: 'called',
    windowId: ref.config.id,
    calledAt: ctx.now,
    callReason: reason,
    recallCount: 0,
    ...(transfer ? { receivedTransfer: transfer } : {}),
    ...(clerk ? { clerkId: clerk.id } : {}),
  };
  ctx.emit({
    type: 'ticket:called',
    ticket,
    windowId: ref.config.id,
    windowNumber: ref.config.number,
    reason,
    outOfOrder,
    ...(clerk ? { clerkId: clerk.id } : {}),
  });
  return snapshot(ticket);
}

/** One button on a hardware caller: finish whatever is current, then call by the rules. */
export function callNext(ctx: Ctx, command: Extract<Command, { type: 'window.call-next' }>): CallResult {
  const ref = requireHeld(ctx, command.windowId);
  requireCallable(ref);
  const selection = selectNext(ctx.state, ref.config.id, ctx.now);
  if (!selection) fail('QUEUE_EMPTY', { windowId: ref.config.id });
  const finished = ref.runtime.currentTicketId ? finishCurrent(ctx, ref, 'completed', true) : undefined;
  const ticket = assignToWindow(ctx, ref, selection.ticket, selection.reason, false);
  return { ticket, reason: selection.reason, outOfOrder: false, ...(finished ? { finished } : {}) };
}

/** Calling a chosen ticket out of order is allowed, and audited through `outOfOrder`. */
export function callSpecific(ctx: Ctx, command: Extract<Command, { type: 'window.call' }>): CallResult {
  const ref = requireHeld(ctx, command.windowId);
  requireCallable(ref);
  const ticket = requireTicket(ctx, command.ticketId);
  if (ticket.status !== 'waiting') fail('TICKET_NOT_WAITING', { ticketId: ticket.id, status: ticket.status });
  if (transferredAwayFrom(ref.config.id, ticket)) fail('TICKET_TRANSFERRED_AWAY', { ticketId: ticket.id, fromWindowId: ref.config.id });
  if (!windowCanServe(ref.config, ticket)) fail('SERVICE_NOT_AT_WINDOW', { ticketId: ticket.id, serviceId: ticket.serviceId });
  const expected = selectNext(ctx.state, ref.config.id, ctx.now);
  const outOfOrder = expected?.ticket.id !== ticket.id;
  const finished = ref.runtime.currentTicketId ? finishCurrent(ctx, ref, 'completed', true) : undefined;
  const reason: CallReason = outOfOrder ? 'manual' : (expected?.reason ?? 'manual');
  const called = assignToWindow(ctx, ref, ticket, reason, outOfOrder);
  return { ticket: called, reason, outOfOrder, ...(finished ? { finished } : {}) };
}

export function recall(ctx: Ctx, command: Extract<Command, { type: 'window.recall' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const current = currentTicket(ctx, ref);
  if (current.status !== 'called') fail('TICKET_ALREADY_STARTED', { ticketId: current.id });
  const ticket: Ticket = { ...current, recallCount: current.recallCount + 1 };
  ctx.emit({
    type: 'ticket:recalled',
    ticket,
    windowId: ref.config.id,
    windowNumber: ref.config.number,
    recallCount: ticket.recallCount,
  });
  return snapshot(ticket);
}

export function start(ctx: Ctx, command: Extract<Command, { type: 'window.start' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const current = currentTicket(ctx, ref);
  if (current.status !== 'called') fail('TICKET_ALREADY_STARTED', { ticketId: current.id });
  const ticket: Ticket = { ...current, status: 'serving', startedAt: ctx.now };
  ctx.emit({ type: 'ticket:started', ticket, windowId: ref.config.id });
  return snapshot(ticket);
}

export function finish(ctx: Ctx, command: Extract<Command, { type: 'window.finish' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  return finishCurrent(ctx, ref, command.outcome, false, command.caseNumber);
}

export function noShow(ctx: Ctx, command: Extract<Command, { type: 'window.no-show' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const current = currentTicket(ctx, ref);
  if (current.status !== 'called') fail('TICKET_ALREADY_STARTED', { ticketId: current.id });
  const ticket: Ticket = { ...current, status: 'no-show', noShowCount: current.noShowCount + 1 };
  ctx.emit({ type: 'ticket:no-show', ticket, windowId: ref.config.id });
  return snapshot(ticket);
}

/** 过号重排: a citizen who missed the call comes back and goes behind the next N people. */
export function requeue(ctx: Ctx, command: Extract<Command, { type: 'window.requeue' }>): Ticket {
  requireHeld(ctx, command.windowId);
  const missed = requireTicket(ctx, command.ticketId);
  if (missed.status !== 'no-show') fail('TICKET_NOT_NO_SHOW', { ticketId: missed.id, status: missed.status });
  const after = command.after ?? ctx.state.config.policy.requeueAfter;
  const rank = rankAfter(ctx.state, missed, after, ctx.now);
  const { windowId: _window, calledAt: _called, ...rest } = missed;
  const ticket: Ticket = { ...rest, status: 'waiting', rank: rank === 'end' ? ctx.state.rankCounter + 1 : rank };
  ctx.emit({ type: 'ticket:requeued', ticket, after });
  return snapshot(ticket);
}

/**
 * 转窗 / 首问负责: the current ticket goes to another service or window and is
 * called there before the ordinary queue, keeping the citizen near the front.
 */
export function transfer(ctx: Ctx, command: Extract<Command, { type: 'window.transfer' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const current = currentTicket(ctx, ref);
  const toServiceId = command.serviceId ?? current.serviceId;
  if (!serviceConfig(ctx.state, toServiceId)) fail('SERVICE_NOT_FOUND', { serviceId: toServiceId });
  const situation: TransferSituation = {
    windowIds: ctx.state.config.windows.map((window) => window.id),
    serves: (windowId, serviceId) => {
      const window = windowConfig(ctx.state, windowId);
      return window !== undefined && tierAt(window, serviceId) !== undefined;
    },
    runtimes: ctx.state.windows,
  };
  if (command.toWindowId !== undefined) {
    const target = windowConfig(ctx.state, command.toWindowId);
    // A window removed from the configuration (or one this state has no live entry for) is no target.
    if (!target || !Object.hasOwn(ctx.state.windows, target.id)) fail('WINDOW_NOT_FOUND', { windowId: command.toWindowId });
    if (!transferToWindowValid(situation, ref.config.id, toServiceId, target.id)) {
      fail('TRANSFER_TARGET_INVALID', { windowId: target.id, serviceId: toServiceId });
    }
  } else if (!transferToServiceValid(situation, ref.config.id, current.serviceId, toServiceId)) {
    fail('TRANSFER_TARGET_INVALID', { serviceId: toServiceId });
  }
  const { windowId: _window, calledAt: _called, startedAt: _started, ...rest } = current;
  const ticket: Ticket = {
    ...rest,
    serviceId: toServiceId,
    status: 'waiting',
    transfer: {
      fromWindowId: ref.config.id,
      fromServiceId: current.serviceId,
      at: ctx.now,
      ...(command.toWindowId !== undefined ? { toWindowId: command.toWindowId } : {}),
      ...(command.note !== undefined ? { note: command.note } : {}),
    },
  };
  ctx.emit({
    type: 'ticket:transferred',
    ticket,
    fromWindowId: ref.config.id,
    toServiceId,
    ...(command.toWindowId !== undefined ? { toWindowId: command.toWindowId } : {}),
    ...(command.note !== undefined ? { note: command.note } : {}),
  });
  return snapshot(ticket);
}
