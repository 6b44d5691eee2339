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
