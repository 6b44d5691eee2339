import type { HallEvent } from '../../../server/protocol/events.js';
import { request } from '../../../client/api.js';
import { LOG_SIZE, isLogged } from './supervisor.js';

/** How far back the first read of the log goes (one request: the server answers up to 1000 events). */
const HISTORY_EVENTS = 500;

/**
 * The hall's recent event log for the supervisor view: the last LOG_SIZE
 * events worth showing, newest first, in sequence with no gaps.
 *
 * It starts from `GET /api/halls/:hallId/events?since=…` (staff token: full
 * events, with actors) a little before the snapshot's seq, then applies the
 * live events of the staff socket in seq order. A gap (an event whose seq is
 * not the next one, or a reconnect) is filled by reading the log again from
 * the last seq applied. Nothing polls.
 */
export class EventLog {
  /** Newest first. */
  entries = $state.raw<HallEvent[]>([]);
  /** Every event read, for learning staff names (not only the shown ones). */
  seen = $state.raw<HallEvent[]>([]);
  loaded = $state(false);

  private last = -1;
  private loading = false;
  private again = false;
  private closed = false;

  constructor(private readonly options: { hallId: string; token: string }) {}

  close(): void {
    this.closed = true;
  }

  /** A staff snapshot arrived (first connect or reconnect): catch up from it. */
  fromSnapshot(seq: number): void {
    if (this.last < 0 || seq < this.last) {
      // First time, or the server's log went back (data restored): start again.
      this.entries = [];
      this.last = Math.max(0, seq - HISTORY_EVENTS);
    }
    void this.load();
  }

  /** A live event from the socket. */
  push(event: HallEvent): void {
    if (this.last < 0 || event.seq <= this.last) return;
    if (event.seq === this.last + 1 && !this.loading) this.apply([event]);
    else void this.load();
  }

  private apply(events: HallEvent[]): void {
    const fresh = events.filter((event) => event.seq > this.last);
    if (fresh.length === 0) return;
    this.last = fresh.at(-1)!.seq;
    this.seen = [...this.seen, ...fresh].slice(-HISTORY_EVENTS);
    this.entries = [...fresh.filter(isLogged).reverse(), ...this.entries].slice(0, LOG_SIZE);
  }

  private async load(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    this.again = false;
    try {
      for (let page = 0; page < 20 && !this.closed; page++) {
        const answer = await request<{ events: HallEvent[]; complete: boolean }>(
          'GET',
          `/api/halls/${encodeURIComponent(this.options.hallId)}/events?since=${this.last}`,
          { token: this.options.token },
        );
        if (!answer.ok) break;
        this.apply(answer.data.events);
        if (answer.data.complete || answer.data.events.length === 0) break;
      }
      this.loaded = true;
    } finally {
      this.loading = false;
    }
    if (this.again && !this.closed) void this.load();
  }
}
