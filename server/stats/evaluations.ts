import type { HallEvent } from '../protocol/events.js';
import type { HallConfig } from '../protocol/model.js';
import { type StatsRange, ticketDays } from './compute.js';
import { Names } from './names.js';
import type { EvaluationRecord, KnownClerk } from '../protocol/stats.js';

/**
 * Every 好差评 rating of the range's tickets, oldest first: the same tickets
 * as the report's satisfaction figures (a ticket belongs to its issue day),
 * so the export's row count equals `totals.satisfaction.rated` (citizens')
 * plus `totals.ratings.defaulted.count` (the hall's defaults, marked by their channel).
 */
export function listEvaluations(
  events: readonly HallEvent[],
  config: HallConfig,
  range: StatsRange,
  clerks: Record<string, KnownClerk> = {},
): EvaluationRecord[] {
  const dayOf = ticketDays(range, config.timeZone);
  // Names first: the event naming a clerk (a window closing) may come after their ratings.
  const names = new Names(config, clerks);
  for (const event of events) names.learn(event);
  const records: EvaluationRecord[] = [];
  for (const event of events) {
    if (event.type !== 'ticket:rated' || dayOf(event.ticket) === undefined) continue;
    const window = event.windowId !== undefined ? names.window(event.windowId) : undefined;
    const clerk = event.clerkId !== undefined ? names.clerk(event.clerkId) : undefined;
    records.push({
      at: event.at,
      ticketNumber: event.ticket.number,
      serviceId: event.ticket.serviceId,
      serviceName: names.service(event.ticket.serviceId),
      windowId: event.windowId ?? null,
      windowNumber: window?.number ?? null,
      windowName: window?.name ?? null,
      clerkId: event.clerkId ?? null,
      clerkName: clerk?.name ?? null,
      staffNo: clerk?.staffNo ?? null,
      level: event.level,
      channel: event.channel ?? 'unrecorded',
      reasons: event.reasons ?? [],
    });
  }
  return records;
}
