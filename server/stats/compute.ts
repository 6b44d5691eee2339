import type { HallEvent } from '../protocol/events.js';
import type { HallConfig, Ticket, WindowRuntime } from '../protocol/model.js';
import { localTime } from '../domain/time.js';
import { eachDay, localMidnight, addDays } from './days.js';
import { Names } from './names.js';
import { waitDistribution } from './summary.js';
import { CaseBook } from './ratings.js';
import { Tally, TallyMap } from './tally.js';
import type { KnownClerk, StatsReport } from '../protocol/stats.js';
import { windowTimes } from './windowTime.js';
import { bookingFigures } from './bookings.js';
import { FirstCalls } from './waits.js';

export interface StatsRange {
  /** First hall-local day, YYYY-MM-DD. */
  from: string;
  /** Last hall-local day, included. */
  to: string;
}

export interface StatsOptions {
  /** Window times of a range that reaches the present end here. */
  now: number;
  /** The hall's windows now, for windows open since before the range with no event in it. */
  liveWindows?: Record<string, WindowRuntime>;
  /** Names and staff numbers of clerks the events of the range do not name. */
  clerks?: Record<string, KnownClerk>;
}

/** Epoch-ms span of a range of local days: [00:00 of `from`, 00:00 after `to`). */
export function rangeSpan(range: StatsRange, timeZone: string): { start: number; end: number } {
  return { start: localMidnight(range.from, timeZone), end: localMidnight(addDays(range.to, 1), timeZone) };
}

/**
 * The hall-local day a ticket was issued on, if it is inside the range: a
 * ticket belongs to that day, whenever it is called, served, rated or
 * expires. Memoised per ticket id because every event of a ticket asks.
 */
export function ticketDays(range: StatsRange, timeZone: string): (ticket: Ticket) => string | undefined {
  const days = new Map<string, string | undefined>();
  return (ticket) => {
    if (days.has(ticket.id)) return days.get(ticket.id);
    const day = localTime(ticket.issuedAt, timeZone).day;
    const inRange = day >= range.from && day <= range.to ? day : undefined;
    days.set(ticket.id, inRange);
    return inRange;
  };
}

/**
 * The statistics of a hall for a range of local days, from its event log.
 * `events` must hold, in `seq` order, every event from the range's first
 * moment on (later ones are fine: finishing, rating and expiry of the
 * range's tickets may come after it). Definitions: docs/stats.md.
 */
export function computeStats(events: readonly HallEvent[], config: HallConfig, range: StatsRange, options: StatsOptions): StatsReport {
  const timeZone = config.timeZone;
  const dayOf = ticketDays(range, timeZone);
  const names = new Names(config, options.clerks);
  if (options.liveWindows) names.learnLive(options.liveWindows);

  const totals = new Tally();
  const services = new TallyMap();
  const windows = new TallyMap();
  const clerks = new TallyMap();
  const days = new TallyMap();
  const months = new TallyMap();
  const arrivals: number[] = Array.from({ length: 24 }, () => 0);
  const allWaits: number[] = [];
  const firstCalls = new FirstCalls();
  /** Issued tickets with no end yet, and where their issue put them. */
  const open = new Map<string, { day: string; serviceId: string }>();
  /** The day of every ticket rated, for its 差评 case (case events name the ticket, not its day). */
  const ratedDays = new Map<string, string>();
  const cases = new CaseBook((ticketId) => ratedDays.get(ticketId), timeZone);

  for (const event of events) {
    names.learn(event);
    cases.apply(event);
    if (!('ticket' in event)) continue;
    const ticket = event.ticket;
    const day = dayOf(ticket);
    if (day === undefined) continue;
    /** The hall, the ticket's day and the service it is in (or `serviceId`). */
    const ticketGroups = (serviceId = ticket.serviceId) => [totals, days.of(day), months.of(monthOf(day)), services.of(serviceId)];
    /** The same, plus the window and the clerk when known. */
    const allGroups = (windowId: string | undefined, clerkId: string | undefined, serviceId?: string) => [
      ...ticketGroups(serviceId),
      ...(windowId !== undefined ? [windows.of(windowId)] : []),
      ...(clerkId !== undefined ? [clerks.of(clerkId)] : []),
    ];

    switch (event.type) {
      case 'ticket:issued':
      case 'appointment:checked-in': {
        for (const tally of ticketGroups()) tally.counts.issued += 1;
        const local = localTime(ticket.issuedAt, timeZone);
        arrivals[Math.floor(local.minutes / 60)]! += 1;
        open.set(ticket.id, { day, serviceId: ticket.serviceId });
        break;
      }
      case 'ticket:called': {
        const groups = allGroups(event.windowId, event.clerkId);
        for (const tally of groups) {
          tally.counts.calls += 1;
          if (event.outOfOrder) tally.counts.outOfOrder += 1;
        }
        const seconds = firstCalls.waitOf(event);
        if (seconds !== undefined) {
          allWaits.push(seconds);
          for (const tally of groups) tally.waitSeconds.push(seconds);
        }
        break;
      }
      case 'ticket:finished': {
        const began = ticket.startedAt ?? ticket.calledAt ?? event.at;
        const seconds = ((ticket.finishedAt ?? event.at) - began) / 1000;
        for (const tally of allGroups(event.windowId, ticket.clerkId)) {
          tally.counts.served += 1;
          tally.outcomes[event.outcome] += 1;
          tally.serviceSeconds.push(seconds);
        }
        open.delete(ticket.id);
        break;
      }
      case 'ticket:no-show':
        for (const tally of allGroups(event.windowId, ticket.clerkId)) tally.counts.noShow += 1;
        break;
      case 'ticket:requeued':
        for (const tally of ticketGroups()) tally.counts.requeued += 1;
        break;
      case 'ticket:transferred':
        for (const tally of allGroups(event.fromWindowId, ticket.clerkId, ticket.transfer?.fromServiceId)) tally.counts.transferred += 1;
        break;
      case 'ticket:cancelled':
        for (const tally of ticketGroups()) tally.counts.cancelled += 1;
        open.delete(ticket.id);
        break;
      case 'ticket:expired':
        for (const tally of ticketGroups()) tally.counts.expired += 1;
        open.delete(ticket.id);
        break;
      // A rating given days later (QR code, default) counts for the ticket's day, like everything of the ticket.
      case 'ticket:rated':
        for (const tally of allGroups(event.windowId, event.clerkId)) tally.rating.addRating(event.level, event.channel ?? 'unrecorded');
        ratedDays.set(ticket.id, day);
        break;
    }
  }

  for (const { day, serviceId } of open.values()) {
    for (const tally of [totals, days.of(day), months.of(monthOf(day)), services.of(serviceId)]) tally.counts.unfinished += 1;
  }
  // Cases as the log has them at the report: overdue is judged on the report's own local day.
  const today = localTime(options.now, timeZone).day;
  for (const rc of cases.cases.values()) {
    const groups = [totals, days.of(rc.day), months.of(monthOf(rc.day)), services.of(rc.serviceId)];
    if (rc.windowId !== undefined) groups.push(windows.of(rc.windowId));
    if (rc.clerkId !== undefined) groups.push(clerks.of(rc.clerkId));
    for (const tally of groups) tally.rating.addCase(rc, today);
  }

  const span = rangeSpan(range, timeZone);
  const clock = { start: span.start, end: Math.max(span.start, Math.min(span.end, options.now)) };
  const times = windowTimes(events, config.windows.map((window) => window.id), options.liveWindows ?? {}, clock);
  for (const [windowId, spent] of times.windows) {
    windows.of(windowId).openMs += spent.openMs;
    windows.of(windowId).pausedMs += spent.pausedMs;
    totals.openMs += spent.openMs;
    totals.pausedMs += spent.pausedMs;
  }
  for (const [clerkId, spent] of times.clerks) {
    clerks.of(clerkId).openMs += spent.openMs;
    clerks.of(clerkId).pausedMs += spent.pausedMs;
  }

  const configuredServices = config.services.map((service) => service.id);
  const configuredWindows = config.windows.map((window) => window.id);
  // Days after the report's own have no figures yet: listing them as zeros read as a hall that served nobody.
  const listedDays = eachDay(range.from, range.to < today ? range.to : today);
  return {
    hallId: config.id,
    hallName: config.name,
    ...(config.nameAlt ? { hallNameAlt: config.nameAlt } : {}),
    timeZone,
    from: range.from,
    to: range.to,
    generatedAt: options.now,
    totals: { ...totals.ticketFigures(), ...totals.windowTime() },
    services: unionOf(configuredServices, services).map((serviceId) => ({
      serviceId,
      name: names.service(serviceId),
      ...names.serviceAlt(serviceId),
      ...services.of(serviceId).ticketFigures(),
    })),
    windows: unionOf(configuredWindows, windows).map((windowId) => ({
      windowId,
      ...names.window(windowId),
      ...windows.of(windowId).staffFigures(),
    })),
    clerks: [...clerks.byKey.keys()]
      .map((clerkId) => ({ clerkId, ...names.clerk(clerkId), ...clerks.of(clerkId).staffFigures() }))
      .sort((a, b) => (a.staffNo ?? a.name).localeCompare(b.staffNo ?? b.name, 'zh-CN')),
    days: listedDays.map((day) => ({ day, ...days.of(day).ticketFigures() })),
    months: [...new Set(listedDays.map(monthOf))].map((month) => ({ month, ...months.of(month).ticketFigures() })),
    arrivals,
    waitDistribution: waitDistribution(allWaits),
    bookings: bookingFigures(events, range, timeZone, (serviceId) => names.service(serviceId)),
  };
}

const monthOf = (day: string): string => day.slice(0, 7);

/** Configured ids in their configured order, then ids only the events know (a removed service or window). */
function unionOf(configured: readonly string[], tallies: TallyMap): string[] {
  const known = new Set(configured);
  return [...configured, ...[...tallies.byKey.keys()].filter((id) => !known.has(id)).sort()];
}
