import type { Command } from '../../protocol/commands.js';
import { type Ctx, liveTicket, requireWindow, snapshot } from '../context.js';
import { fail } from '../failure.js';
import type { RatingChannel, RatingLevel, Ticket } from '../../protocol/model.js';
import { present } from '../../protocol/present.js';
import { caseDueDay, isBadRating, ratingSettings } from '../../protocol/rules/ratings.js';
import { defaultRatingDueAt, ratingEndsAt } from '../../protocol/rules/rateable.js';

/** A 差评's reasons: at least one, each from the hall's list (REASON_REQUIRED names the list to choose from). */
function badRatingReasons(ctx: Ctx, given: string[]): string[] {
  const allowed = ratingSettings(ctx.state.config).reasons;
  if (given.length === 0) fail('REASON_REQUIRED', { reasons: allowed });
  const unknown = given.filter((reason) => !allowed.includes(reason));
  if (unknown.length > 0) fail('VALIDATION_FAILED', { field: 'reasons', unknown, reasons: allowed });
  return [...new Set(given)];
}

/**
 * The ticket a rating names by id: the live one, or (QR / desk, after the ticket left the live state) the
 * finished ticket the server read from the store for this very id. The store's copy carries any rating given
 * since, so ALREADY_RATED holds across channels and days.
 */
function ticketById(ctx: Ctx, ticketId: string, stored: Ticket | undefined): Readonly<Ticket> {
  const live = liveTicket(ctx.state, ticketId);
  if (live) return live;
  if (stored !== undefined && stored.id === ticketId && ctx.state.config.services.some((service) => service.id === stored.serviceId)) return stored;
  fail('NOT_RATEABLE', { ticketId });
}

/**
 * 好差评, 一次一评: one rating per served ticket, by whichever channel comes first. The citizen rates on the
 * paired window screen (by its window: what was just finished there) or by their own link (the QR code on the
 * slip, the e-ticket: by the ticket's secret id); the guide desk records the citizen's word (supervisors and
 * admins, by ticket id, recorded as 'desk' with who entered it). A clerk never rates. Which device or link may
 * use which route is the permission check's (server/auth/permissions.ts); this is the engine's own guard.
 */
export function rate(ctx: Ctx, command: Extract<Command, { type: 'ticket.rate' }>): Ticket {
  const { actor } = ctx;
  let channel: RatingChannel;
  let ticket: Readonly<Ticket>;
  if (actor.kind === 'staff') {
    if (actor.user.role === 'clerk' || command.ticketId === undefined) fail('FORBIDDEN', { reason: 'only the guide desk (supervisors, admins) records a rating, by ticket' });
    channel = 'desk';
    ticket = ticketById(ctx, command.ticketId, command.stored);
  } else if (command.ticketId !== undefined) {
    channel = 'qr';
    ticket = ticketById(ctx, command.ticketId, command.stored);
  } else if (command.windowId !== undefined) {
    channel = 'window-screen';
    const lastId = requireWindow(ctx, command.windowId).runtime.lastFinishedTicketId;
    const last = lastId ? ctx.state.tickets.get(lastId) : undefined;
    if (!last) fail('NOT_RATEABLE', { windowId: command.windowId });
    ticket = last;
  } else {
    fail('VALIDATION_FAILED', { reason: 'ticketId or windowId is required' });
  }
  if (ticket.status !== 'served') fail('NOT_RATEABLE', { ticketId: ticket.id });
  if (ticket.rating !== undefined) fail('ALREADY_RATED', { ticketId: ticket.id });
  // Checked here as well as by pruning, which only runs when a command arrives.
  if (ctx.now >= (ratingEndsAt(ticket, channel, ctx.state.config) ?? Infinity)) fail('NOT_RATEABLE', { ticketId: ticket.id });
  if (command.ticketNumber !== undefined && command.ticketNumber !== ticket.number) {
    // The screen showed another number than the one now due for rating: never rate the wrong service.
    fail('NOT_RATEABLE', { ticketId: ticket.id, shown: command.ticketNumber });
  }
  const bad = isBadRating(command.level);
  const reasons = bad ? badRatingReasons(ctx, command.reasons ?? []) : [];
  const rated = emitRating(ctx, ticket, command.level, channel, {
    ...(bad ? { reasons } : {}),
    ...present({ note: command.note }),
    ...(actor.kind === 'staff' ? { recordedBy: { id: actor.user.id, name: actor.user.name } } : {}),
  });
  if (bad) {
    ctx.emit({
      type: 'rating-case:opened',
      case: {
        id: rated.id,
        ticketId: rated.id,
        ticketNumber: rated.number,
        serviceId: rated.serviceId,
        ...present({ windowId: rated.windowId, clerkId: rated.clerkId, caseNumber: rated.caseNumber, note: command.note, followUpPhone: command.followUpPhone }),
        level: command.level,
        reasons,
        channel,
        openedAt: ctx.now,
        dueDay: caseDueDay(ctx.state.day, ctx.state.config),
        status: 'open',
      },
    });
  }
  return snapshot(rated);
}

function emitRating(
  ctx: Ctx,
  ticket: Readonly<Ticket>,
  level: RatingLevel,
  channel: RatingChannel,
  extra: { reasons?: string[]; note?: string; recordedBy?: { id: string; name: string } },
): Ticket {
  const rated: Ticket = { ...snapshot(ticket), rating: level, ratedVia: channel };
  ctx.emit({
    type: 'ticket:rated',
    ticket: rated,
    level,
    channel,
    ...present({ windowId: rated.windowId, clerkId: rated.clerkId }),
    ...extra,
  });
  return rated;
}

/**
 * The hall's default rating (ratings.defaultLevel; off unless set) for services nobody rated: recorded as
 * channel 'default', never as the citizen's, once no channel may rate any more (after the rating period and
 * `defaultAfterDays`, whichever is later), so a default never races the citizen. A 差评 is only ever the
 * citizen's word (it opens a case and needs reasons): a default level of 1 or 2 is not applied.
 */
export function rateByDefault(ctx: Ctx, command: Extract<Command, { type: 'ticket.rate-default' }>): { rated: number } {
  const { defaultLevel } = ratingSettings(ctx.state.config);
  if (defaultLevel === null || isBadRating(defaultLevel)) return { rated: 0 };
  let rated = 0;
  for (const given of command.tickets) {
    const ticket = liveTicket(ctx.state, given.id) ?? given;
    if (!ctx.state.config.services.some((service) => service.id === ticket.serviceId)) continue;
    if (ticket.status !== 'served' || ticket.rating !== undefined) continue;
    const due = Math.max(defaultRatingDueAt(ticket, ctx.state.config) ?? Infinity, ratingEndsAt(ticket, 'qr', ctx.state.config) ?? Infinity);
    if (ctx.now < due) continue;
    emitRating(ctx, ticket, defaultLevel, 'default', {});
    rated += 1;
  }
  return { rated };
}
