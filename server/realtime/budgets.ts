/**
 * What one socket may ask of the server, so that no client, authenticated or
 * not, can make the server work for everyone else (issue 13 item 2).
 *
 * - Every socket has a budget of requests per minute per kind of event
 *   (SOCKET_BUDGETS), as a bucket that holds a minute's worth and refills
 *   continuously, so a screen that had a burst of catch-ups is served again a
 *   few seconds later, not a minute later. Over it, the request is answered
 *   RATE_LIMITED with `retryAfterSeconds` and nothing else is done. A socket
 *   that keeps sending far beyond its budget (FLOOD_DISCONNECT refusals within
 *   a minute) is cut off: answering refusals is cheap but not free.
 * - Sockets per client address are capped (HALLQ_MAX_CONNECTIONS_PER_IP), in
 *   this process: a hall's boards, window screens and kiosks often share one
 *   NAT address, so the default leaves room for a big hall.
 *
 * The buckets are kept on the socket itself and made on first use, so a board
 * that only listens costs nothing extra.
 */

export type BudgetKind = 'sync' | 'rate' | 'issue' | 'other';

/** Requests per socket per minute. Staff sockets are counted for sync only (their commands have the staff limit). */
export const SOCKET_BUDGETS: Readonly<Record<'public' | 'staff', Readonly<Record<BudgetKind, number>>>> = {
  // A board syncs after a gap or a reconnect; a window screen rates once per citizen; a phone takes a number or two.
  public: { sync: 60, rate: 10, issue: 10, other: 60 },
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
  /** Requests left per kind, refilled at `budget / BUDGET_WINDOW_MS` per ms up to `budget`. */
  left: Record<BudgetKind, number>;
  at: number;
  /** Refusals, decaying like the buckets refill (FLOOD_DISCONNECT per minute). */
  refused: number;
}

export type Spend = { ok: true } | { ok: false; retryAfterSeconds: number; disconnect: boolean };

/** Spends one request of `event` from the socket's budget (the state lives on socket.data.budget). */
export function spend(holder: { budget?: BudgetState }, audience: 'public' | 'staff', event: string, now: number): Spend {
  const budgets = SOCKET_BUDGETS[audience];
  let state = holder.budget;
  if (!state) state = holder.budget = { left: { ...budgets }, at: now, refused: 0 };
  const elapsed = Math.max(0, now - state.at);
  state.at = now;
  for (const kind of Object.keys(state.left) as BudgetKind[]) {
    // Unlimited kinds (staff commands) are never counted: Infinity × 0 would be NaN.
    if (budgets[kind] !== Infinity) state.left[kind] = Math.min(budgets[kind], state.left[kind] + (elapsed * budgets[kind]) / BUDGET_WINDOW_MS);
  }
  state.refused = Math.max(0, state.refused - (elapsed * FLOOD_DISCONNECT) / BUDGET_WINDOW_MS);
  const kind = budgetKindOf(event);
  if (budgets[kind] === Infinity) return { ok: true };
  if (state.left[kind] >= 1) {
    state.left[kind] -= 1;
    return { ok: true };
  }
  state.refused += 1;
  const retryAfterSeconds = Math.max(1, Math.ceil(((1 - state.left[kind]) * BUDGET_WINDOW_MS) / budgets[kind] / 1000));
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
