/**
 * The floor's hall: the least state that answers the commands the bench
 * sends (issue, open a window, call the next ticket) with O(1) work per
 * command whatever the number of waiting tickets. One event per command.
 * Not a product: no calling rules beyond first come first served, no day, no
 * personal data. Speaks the payload shapes of HallQ's protocol that the bench
 * clients read (tests/bench/lib/clients.ts).
 */

export interface FloorTicket {
  id: string;
  number: string;
  serviceId: string;
  issuedAt: number;
}

export type FloorEvent =
  | { type: 'ticket:issued'; seq: number; hallId: string; at: number; ticket: FloorTicket }
  | { type: 'ticket:called'; seq: number; hallId: string; at: number; windowId: string; ticket: FloorTicket; finishedId?: string }
  | { type: 'window:opened'; seq: number; hallId: string; at: number; windowId: string };

export type FloorRefusal = 'NOT_FOUND' | 'WINDOW_NOT_OPEN' | 'NO_TICKET_WAITING';

export interface FloorView {
  hallId: string;
  seq: number;
  services: Array<{ serviceId: string; waiting: number }>;
  windows: Array<{ windowId: string; open: boolean; current: string | null }>;
}

export class FloorHall {
  seq = 0;
  private readonly prefix = new Map<string, string>();
  private readonly issuedCount = new Map<string, number>();
  private readonly waitingCount = new Map<string, number>();
  /** Waiting tickets, oldest first: a array with a moving head, compacted now and then. */
  private queue: FloorTicket[] = [];
  private head = 0;
  private readonly windows = new Map<string, { open: boolean; current: FloorTicket | null }>();
  private nextId = 0;

  constructor(
    readonly hallId: string,
    serviceIds: readonly string[],
    windowIds: readonly string[],
  ) {
    serviceIds.forEach((id, i) => {
      this.prefix.set(id, String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String.fromCharCode(65 + Math.floor(i / 26) - 1) : ''));
      this.issuedCount.set(id, 0);
      this.waitingCount.set(id, 0);
    });
    for (const id of windowIds) this.windows.set(id, { open: false, current: null });
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** People ahead of a new ticket in its service: kept as a count, not counted. */
  issue(serviceId: string, at: number): { ticket: FloorTicket; ahead: number; event: FloorEvent } | FloorRefusal {
    const prefix = this.prefix.get(serviceId);
    if (prefix === undefined) return 'NOT_FOUND';
    const n = this.issuedCount.get(serviceId)! + 1;
    this.issuedCount.set(serviceId, n);
    const ahead = this.waitingCount.get(serviceId)!;
    this.waitingCount.set(serviceId, ahead + 1);
    const ticket: FloorTicket = { id: `${this.hallId}-${++this.nextId}`, number: `${prefix}${String(n).padStart(3, '0')}`, serviceId, issuedAt: at };
    this.queue.push(ticket);
    return { ticket, ahead, event: { type: 'ticket:issued', seq: ++this.seq, hallId: this.hallId, at, ticket } };
  }

  open(windowId: string, at: number): FloorEvent | FloorRefusal {
    const window = this.windows.get(windowId);
    if (!window) return 'NOT_FOUND';
    window.open = true;
    return { type: 'window:opened', seq: ++this.seq, hallId: this.hallId, at, windowId };
  }

  /** Finishes the window's current ticket and calls the oldest waiting one, as one event. */
  callNext(windowId: string, at: number): { ticket: FloorTicket; finished: FloorTicket | null; event: FloorEvent } | FloorRefusal {
    const window = this.windows.get(windowId);
    if (!window) return 'NOT_FOUND';
    if (!window.open) return 'WINDOW_NOT_OPEN';
    if (this.head >= this.queue.length) return 'NO_TICKET_WAITING';
    const ticket = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.waitingCount.set(ticket.serviceId, this.waitingCount.get(ticket.serviceId)! - 1);
    const finished = window.current;
    window.current = ticket;
    const event: FloorEvent = {
      type: 'ticket:called',
      seq: ++this.seq,
      hallId: this.hallId,
      at,
      windowId,
      ticket,
      ...(finished ? { finishedId: finished.id } : {}),
    };
    return { ticket, finished, event };
  }

  view(): FloorView {
    return {
      hallId: this.hallId,
      seq: this.seq,
      services: [...this.waitingCount].map(([serviceId, waiting]) => ({ serviceId, waiting })),
      windows: [...this.windows].map(([windowId, w]) => ({ windowId, open: w.open, current: w.current?.number ?? null })),
    };
  }
}
