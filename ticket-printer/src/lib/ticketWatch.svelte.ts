import type { TicketStatusView } from '../../../server/protocol/viewTypes.js';
import { HallSync } from '../../../client/hallSync.svelte.js';
import { request } from './api.js';

export type WatchedTicket = TicketStatusView & { hallId: string };

/**
 * The citizen's phone following one ticket: the hall's public event stream
 * says when its service's queue changed, and the ticket's own status is then fetched
 * (the public stream carries no ticket ids, so "people ahead" is the
 * server's count, not a guess). `onCalled` fires once per call or recall.
 */
export class TicketWatch {
  ticket = $state<WatchedTicket | null>(null);
  missing = $state(false);
  sync = $state<HallSync | null>(null);
  private refresh: ReturnType<typeof setTimeout> | undefined;
  private calls = 0;

  constructor(
    private readonly ticketId: string,
    private readonly onCalled: (ticket: WatchedTicket) => void,
  ) {
    void this.load().then(() => {
      if (!this.ticket) return;
      this.sync = new HallSync({
        hallId: this.ticket.hallId,
        client: 'phone',
        // What happened before the socket was up (or while the phone was offline) is in no event: read the ticket again.
        onSnapshot: () => this.scheduleLoad(0),
        onEvent: (event) => {
          const number = (event as { ticket?: { number?: string } }).ticket?.number;
          const mine = number === this.ticket?.number;
          if (mine && (event.type === 'ticket:called' || event.type === 'ticket:recalled')) this.calls += 1;
          // Only events that moved this ticket's service (its count or estimate, in the event's board change) can move
          // the people ahead of it: the phone reads its ticket again for those alone.
          const serviceId = this.ticket?.serviceId;
          const moved = event.board?.services?.some((service) => service.id === serviceId) === true;
          if (mine || moved) this.scheduleLoad(mine ? 0 : 300);
        },
      });
    });
  }

  private scheduleLoad(delayMs: number): void {
    clearTimeout(this.refresh);
    this.refresh = setTimeout(() => void this.load(), delayMs);
  }

  private async load(): Promise<void> {
    const answer = await request<WatchedTicket>('GET', `/api/tickets/${encodeURIComponent(this.ticketId)}`);
    if (!answer.ok) {
      if (answer.error.code === 'TICKET_NOT_FOUND') this.missing = true;
      return;
    }
    const before = this.ticket;
    this.ticket = answer.data;
    const newlyCalled = answer.data.status === 'called' && (before?.status !== 'called' || this.calls > 0);
    if (before && newlyCalled) {
      this.calls = 0;
      this.onCalled(answer.data);
    }
  }

  /** Reads the ticket again now (after the page rated it, say). */
  reload(): void {
    this.scheduleLoad(0);
  }

  close(): void {
    clearTimeout(this.refresh);
    this.sync?.close();
  }
}
