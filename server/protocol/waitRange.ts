/**
 * An estimate shown as a range, because a single figure reads as a promise:
 * the queue's pace varies, and a citizen who was told "12 minutes" and waits
 * 20 feels lied to. Shared by slips, the kiosk and the e-ticket page.
 */
export function waitRange(minutes: number): { low: number; high: number } {
  if (minutes <= 0) return { low: 0, high: 0 };
  const low = Math.max(0, Math.floor(minutes * 0.75));
  const high = Math.max(low + 1, Math.ceil(minutes * 1.25));
  // Beyond half an hour, five-minute steps: nobody plans to the minute that far ahead.
  if (high > 30) return { low: Math.floor(low / 5) * 5, high: Math.ceil(high / 5) * 5 };
  return { low, high };
}

/**
 * What a screen may truthfully say about the wait for a service: nobody to
 * serve it (no window open for it: 「暂无窗口办理」, never "no wait"), nobody
 * ahead, or a range. With people ahead the range never reads "no wait", even
 * when a fast average rounds the estimate down to nothing.
 */
export type WaitSummary = { kind: 'unserved' } | { kind: 'none' } | { kind: 'range'; low: number; high: number };

export function waitSummary(ahead: number, estimatedWaitMinutes: number, windowsServing: number): WaitSummary {
  if (windowsServing === 0) return { kind: 'unserved' };
  if (ahead === 0) return { kind: 'none' };
  return { kind: 'range', ...waitRange(Math.max(1, estimatedWaitMinutes)) };
}
