/** The outbox's timing; the defaults are what a hall runs with, tests shorten them. */
export interface OutboxTiming {
  /** The wait after the first failure; doubled after each further one (default 1 s). */
  retryBaseMs: number;
  /** The longest wait between attempts (default 10 min). */
  retryMaxMs: number;
  /** An endpoint that has not answered by then failed (default 10 s). */
  timeoutMs: number;
  /**
   * How often every endpoint is looked at without a nudge (default 5 s): commits of this process
   * nudge at once, another process's commits (Redis) and a lease given up are found by this.
   */
  pollMs: number;
  /** How long a delivering process holds an endpoint without renewing (default 60 s, above timeoutMs). */
  leaseMs: number;
}

export const DEFAULT_OUTBOX_TIMING: OutboxTiming = {
  retryBaseMs: 1000,
  retryMaxMs: 600_000,
  timeoutMs: 10_000,
  pollMs: 5000,
  leaseMs: 60_000,
};

/** The wait before the next attempt after `failures` failures in a row (1 s, 2 s, 4 s … 10 min). */
export function retryDelayMs(failures: number, timing: Pick<OutboxTiming, 'retryBaseMs' | 'retryMaxMs'>): number {
  if (failures <= 0) return 0;
  // 2^30 is far past any maximum; capping the exponent keeps the number finite.
  return Math.min(timing.retryMaxMs, timing.retryBaseMs * 2 ** Math.min(failures - 1, 30));
}
