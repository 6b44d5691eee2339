import type { Command } from '../commands.js';
import { type Ctx, type WindowRef, currentTicket, ownTicket, requireHeld, requireTicket, snapshot } from '../context.js';
import { fail } from '../failure.js';
import type { CallReason, Outcome, Ticket } from '../model.js';
import { type TransferSituation, transferToServiceValid, transferToWindowValid } from '../../protocol/rules/transfer.js';
import { RECENT_CALLS_KEPT, rankAfter, selectNext, serviceConfig, tierAt, waitingCounts, windowConfig } from '../queue.js';
/** Service-time samples outside this range are typing mistakes, not service; they would skew the estimate. */
const MIN_SAMPLE_SECONDS = 10;
const MAX_SAMPLE_SECONDS = 4 * 3600;
const AVERAGE_WEIGHT = 0.2;

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
  const ticket = currentTicket(ctx, ref);
  const began = ticket.startedAt ?? ticket.calledAt ?? ctx.now;
  const serviceSeconds = Math.max(0, Math.round((ctx.now - began) / 1000));
  ticket.status = 'served';
  ticket.finishedAt = ctx.now;
  ticket.outcome = outcome;
  if (caseNumber !== undefined) ticket.caseNumber = caseNumber;
  ref.runtime.lastFinishedTicketId = ticket.id;
  delete ref.runtime.currentTicketId;
  recordServiceTime(ctx, ticket.serviceId, serviceSeconds);
  ctx.emit({
    type: 'ticket:finished',
    ticket: snapshot(ticket),
    windowId: ref.config.id,
    outcome,
    serviceSeconds,
    automatic,
    ...(caseNumber !== undefined ? { caseNumber } : {}),
  });
  return snapshot(ticket);
}

function recordServiceTime(ctx: Ctx, serviceId: string, seconds: number): void {
  if (seconds < MIN_SAMPLE_SECONDS || seconds > MAX_SAMPLE_SECONDS) return;
  const stats = ctx.state.serviceStats[serviceId];
  if (!stats) {
    ctx.state.serviceStats[serviceId] = { avgServiceSeconds: seconds, samples: 1 };
    return;
  }
  stats.avgServiceSeconds = stats.avgServiceSeconds * (1 - AVERAGE_WEIGHT) + seconds * AVERAGE_WEIGHT;
  stats.samples += 1;
}

function assignToWindow(ctx: Ctx, ref: WindowRef, ticket: Ticket, reason: CallReason, outOfOrder: boolean): void {
  const clerk = ref.runtime.clerk;
  ticket.status = 'called';
  ticket.windowId = ref.config.id;
  ticket.calledAt = ctx.now;
  ticket.callReason = reason;
  ticket.recallCount = 0;
  delete ticket.startedAt;
  // The mark stops giving priority once called, but the receiving clerk still needs the note.
  if (ticket.transfer) ticket.receivedTransfer = ticket.transfer;
  else delete ticket.receivedTransfer;
  delete ticket.transfer;
  if (clerk) ticket.clerkId = clerk.id;
  ref.runtime.currentTicketId = ticket.id;
  ref.runtime.priorityStreak = reason === 'priority' ? ref.runtime.priorityStreak + 1 : 0;
  pushRecentCall(ctx, ref, ticket, false);
  ctx.emit({
    type: 'ticket:called',
    ticket: snapshot(ticket),
    windowId: ref.config.id,
    windowNumber: ref.config.number,
    reason,
    outOfOrder,
    waiting: waitingCounts(ctx.state),
    ...(clerk ? { clerkId: clerk.id } : {}),
  });
}

function pushRecentCall(ctx: Ctx, ref: WindowRef, ticket: Ticket, recall: boolean): void {
  ctx.state.recentCalls.unshift({
    ticketNumber: ticket.number,
    serviceId: ticket.serviceId,
    windowId: ref.config.id,
    windowNumber: ref.config.number,
    at: ctx.now,
    recall,
  });
  ctx.state.recentCalls.length = Math.min(ctx.state.recentCalls.length, RECENT_CALLS_KEPT);
}

/** One button on a hardware caller: finish whatever is current, then call by the rules. */
export function callNext(ctx: Ctx, command: Extract<Command, { type: 'window.call-next' }>): CallResult {
  const ref = requireHeld(ctx, command.windowId);
  requireCallable(ref);
  const selection = selectNext(ctx.state, ref.config.id, ctx.now);
  if (!selection) fail('QUEUE_EMPTY', { windowId: ref.config.id });
  const finished = ref.runtime.currentTicketId ? finishCurrent(ctx, ref, 'completed', true) : undefined;
  const ticket = ownTicket(ctx, selection.ticket);
  assignToWindow(ctx, ref, ticket, selection.reason, false);
  return { ticket: snapshot(ticket), reason: selection.reason, outOfOrder: false, ...(finished ? { finished } : {}) };
}

/** Calling a chosen ticket out of order is allowed, and audited through `outOfOrder`. */
export function callSpecific(ctx: Ctx, command: Extract<Command, { type: 'window.call' }>): CallResult {
  const ref = requireHeld(ctx, command.windowId);
  requireCallable(ref);
  const ticket = requireTicket(ctx, command.ticketId);
  if (ticket.status !== 'waiting') fail('TICKET_NOT_WAITING', { ticketId: ticket.id, status: ticket.status });
  const pinned = ticket.transfer?.toWindowId;
  if (pinned !== undefined ? pinned !== ref.config.id : tierAt(ref.config, ticket.serviceId) === undefined) {
    fail('SERVICE_NOT_AT_WINDOW', { ticketId: ticket.id, serviceId: ticket.serviceId });
  }
  const expected = selectNext(ctx.state, ref.config.id, ctx.now);
  const outOfOrder = expected?.ticket.id !== ticket.id;
  const finished = ref.runtime.currentTicketId ? finishCurrent(ctx, ref, 'completed', true) : undefined;
  const reason: CallReason = outOfOrder ? 'manual' : (expected?.reason ?? 'manual');
  assignToWindow(ctx, ref, ticket, reason, outOfOrder);
  return { ticket: snapshot(ticket), reason, outOfOrder, ...(finished ? { finished } : {}) };
}

export function recall(ctx: Ctx, command: Extract<Command, { type: 'window.recall' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const ticket = currentTicket(ctx, ref);
  if (ticket.status !== 'called') fail('TICKET_ALREADY_STARTED', { ticketId: ticket.id });
  ticket.recallCount += 1;
  pushRecentCall(ctx, ref, ticket, true);
  ctx.emit({
    type: 'ticket:recalled',
    ticket: snapshot(ticket),
    windowId: ref.config.id,
    windowNumber: ref.config.number,
    recallCount: ticket.recallCount,
  });
  return snapshot(ticket);
}

export function start(ctx: Ctx, command: Extract<Command, { type: 'window.start' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const ticket = currentTicket(ctx, ref);
  if (ticket.status !== 'called') fail('TICKET_ALREADY_STARTED', { ticketId: ticket.id });
  ticket.status = 'serving';
  ticket.startedAt = ctx.now;
  ctx.emit({ type: 'ticket:started', ticket: snapshot(ticket), windowId: ref.config.id });
  return snapshot(ticket);
}

export function finish(ctx: Ctx, command: Extract<Command, { type: 'window.finish' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  return finishCurrent(ctx, ref, command.outcome, false, command.caseNumber);
}

export function noShow(ctx: Ctx, command: Extract<Command, { type: 'window.no-show' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const ticket = currentTicket(ctx, ref);
  if (ticket.status !== 'called') fail('TICKET_ALREADY_STARTED', { ticketId: ticket.id });
  ticket.status = 'no-show';
  ticket.noShowCount += 1;
  delete ref.runtime.currentTicketId;
  ctx.emit({ type: 'ticket:no-show', ticket: snapshot(ticket), windowId: ref.config.id });
  return snapshot(ticket);
}

/** 过号重排: a citizen who missed the call comes back and goes behind the next N people. */
export function requeue(ctx: Ctx, command: Extract<Command, { type: 'window.requeue' }>): Ticket {
  requireHeld(ctx, command.windowId);
  const ticket = requireTicket(ctx, command.ticketId);
  if (ticket.status !== 'no-show') fail('TICKET_NOT_NO_SHOW', { ticketId: ticket.id, status: ticket.status });
  const after = command.after ?? ctx.state.config.policy.requeueAfter;
  const rank = rankAfter(ctx.state, ticket, after, ctx.now);
  if (rank === 'end') ctx.state.rankCounter += 1;
  ticket.rank = rank === 'end' ? ctx.state.rankCounter : rank;
  ticket.status = 'waiting';
  delete ticket.windowId;
  delete ticket.calledAt;
  ctx.emit({ type: 'ticket:requeued', ticket: snapshot(ticket), after, waiting: waitingCounts(ctx.state) });
  return snapshot(ticket);
}

/**
 * 转窗 / 首问负责: the current ticket goes to another service or window and is
 * called there before the ordinary queue, keeping the citizen near the front.
 */
export function transfer(ctx: Ctx, command: Extract<Command, { type: 'window.transfer' }>): Ticket {
  const ref = requireHeld(ctx, command.windowId);
  const ticket = currentTicket(ctx, ref);
  const toServiceId = command.serviceId ?? ticket.serviceId;
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
    if (!target) fail('WINDOW_NOT_FOUND', { windowId: command.toWindowId });
    if (!transferToWindowValid(situation, ref.config.id, toServiceId, target.id)) {
      fail('TRANSFER_TARGET_INVALID', { windowId: target.id, serviceId: toServiceId });
    }
  } else if (!transferToServiceValid(situation, ref.config.id, ticket.serviceId, toServiceId)) {
    fail('TRANSFER_TARGET_INVALID', { serviceId: toServiceId });
  }
  const fromServiceId = ticket.serviceId;
  ticket.serviceId = toServiceId;
  ticket.status = 'waiting';
  ticket.transfer = {
    fromWindowId: ref.config.id,
    fromServiceId,
    at: ctx.now,
    ...(command.toWindowId !== undefined ? { toWindowId: command.toWindowId } : {}),
    ...(command.note !== undefined ? { note: command.note } : {}),
  };
  delete ticket.windowId;
  delete ticket.calledAt;
  delete ticket.startedAt;
  delete ref.runtime.currentTicketId;
  ctx.emit({
    type: 'ticket:transferred',
    ticket: snapshot(ticket),
    fromWindowId: ref.config.id,
    toServiceId,
    waiting: waitingCounts(ctx.state),
    ...(command.toWindowId !== undefined ? { toWindowId: command.toWindowId } : {}),
    ...(command.note !== undefined ? { note: command.note } : {}),
  });
  return snapshot(ticket);
}
