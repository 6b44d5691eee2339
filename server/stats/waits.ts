import type { HallEvent } from '../protocol/events.js';

/**
 * Waiting as docs/stats.md defines it: first call − issue, once per ticket;
 * a later call (after a requeue or a transfer) is not a new wait. One
 * definition for the reports and for 排班模拟, which measures its replays
 * with it so that a replay and the day it replays are compared alike.
 */
export class FirstCalls {
  private readonly called = new Set<string>();

  /** The wait in seconds when this is the ticket's first call, else undefined. */
  waitOf(event: Extract<HallEvent, { type: 'ticket:called' }>): number | undefined {
    if (this.called.has(event.ticket.id)) return undefined;
    this.called.add(event.ticket.id);
    return (event.at - event.ticket.issuedAt) / 1000;
  }
}
