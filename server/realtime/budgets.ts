/**
 * What one socket may ask of the server, so that no client, authenticated or
 * not, can make the server work for everyone else (issue 13 item 2).
 *
 * - Every socket has a budget of requests per minute per kind of event
 *   (SOCKET_BUDGETS). Over it, the request is answered RATE_LIMITED with
 *   `retryAfterSeconds` and nothing else is done. A socket that keeps sending
 *   far beyond its budget (FLOOD_DISCONNECT refusals in one window) is cut off:
 *   answering refusals is cheap but not free.
 * - Sockets per client address are capped (HALLQ_MAX_CONNECTIONS_PER_IP), in
 *   this process: a hall's boards, window screens and kiosks often share one
 *   NAT address, so the default leaves room for a big hall.
 *
 * Counters are fixed one-minute windows kept on the socket itself and made on
 * first use, so a board that only listens costs nothing extra.
 */

export type BudgetKind = 'sync' | 'rate' | 'issue' | 'other';

/** Requests per socket per minute. Staff sockets are counted for sync only (their commands have the staff limit). */
export const SOCKET_BUDGETS: Readonly<Record<'public' | 'staff', Readonly<Record<BudgetKind, number>>>> = {
  // A board syncs after a gap or a reconnect; a window screen rates once per citizen; a phone takes a number or two.
  public: { sync: 30, rate: 10, issue: 10, other: 60 },
  staff: { sync: 120, rate: Infinity, issue: Infinity, other: Infinity },
};

export const BUDGET_WINDOW_MS = 60_000;
/** Refusals in one window after which the socket is disconnected. */
export const FLOOD_DISCONNECT = 200;

export function budgetKindOf(event: string): BudgetKind {
  if (event === 'hall:sync') return 'sync';
  if (event === 'ticket:rate') return 'rate';
  if (event === 'ticket:issue') return 'issue';
  return 'other';
}

export interface BudgetState {
  windowStart: number;
  spent: Record<BudgetKind, number>;
  refused: number;
}

export type Spend = { ok: true } | { ok: false; retryAfterSeconds: number; disconnect: boolean };

/** Spends one request of `event` from the socket's budget (the state lives on socket.data.budget). */
export function spend(holder: { budget?: BudgetState }, audience: 'public' | 'staff', event: string, now: number): Spend {
  let state = holder.budget;
  if (!state || now - state.windowStart >= BUDGET_WINDOW_MS) {
    state = holder.budget = { windowStart: now, spent: { sync: 0, rate: 0, issue: 0, other: 0 }, refused: 0 };
  }
  const kind = budgetKindOf(event);
  if (state.spent[kind] < SOCKET_BUDGETS[audience][kind]) {
    state.spent[kind] += 1;
    return { ok: true };
  }
  state.refused += 1;
  const retryAfterSeconds = Math.max(1, Math.ceil((state.windowStart + BUDGET_WINDOW_MS - now) / 1000));
  return { ok: false, retryAfterSeconds, disconnect: state.refused >= FLOOD_DISCONNECT };
}

/** Open sockets per client address, in this process. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Counts a socket of `address` unless the address is at its cap; `release` once, when it closes. */
  admit(address: string): { release: () => void } | null {
    const count = this.open.get(address) ?? 0;
    if (count >= this.maxPerAddress) return null;
    this.open.set(address, count + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(address) ?? 1) - 1;
        if (left <= 0) this.open.delete(address);
        else this.open.set(address, left);
      },
    };
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
