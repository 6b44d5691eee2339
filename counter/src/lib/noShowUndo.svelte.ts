import { NO_SHOW_UNDO_MS } from './panel.js';

export interface PendingNoShow {
  ticketId: string;
  number: string;
  until: number;
}

/**
 * F4's wait before the no-show is sent (why it is the panel's and not the
 * engine's: docs/architecture.md, Counter panel). `send` runs when the time is
 * up; `take` ends the wait (撤销, 叫号 first, or the ticket or window changed)
 * and answers what was pending.
 */
export class NoShowUndo {
  pending = $state<PendingNoShow | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: () => void,
    private readonly delayMs = NO_SHOW_UNDO_MS,
  ) {}

  start(ticket: { id: string; number: string }, now = Date.now()): void {
    if (this.pending) return;
    this.pending = { ticketId: ticket.id, number: ticket.number, until: now + this.delayMs };
    this.timer = setTimeout(() => this.send(), this.delayMs);
  }

  take(): PendingNoShow | null {
    clearTimeout(this.timer);
    const pending = this.pending;
    this.pending = null;
    return pending;
  }

  /** Whole seconds left, for the countdown (at least 1 while pending). */
  secondsLeft(now: number): number {
    return this.pending ? Math.max(1, Math.ceil((this.pending.until - now) / 1000)) : 0;
  }
}
