/**
 * Hall-local calendar arithmetic. Uses the platform's Intl time-zone database
 * (full ICU ships with Node) rather than fixed offsets, so halls outside
 * Asia/Shanghai and historical offsets stay correct.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface LocalTime {
  /** YYYY-MM-DD */
  day: string;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const MINUTE_MS = 60_000;

/**
 * Per time zone, the local time of the last UTC minute asked for. A local time has minute resolution and
 * every offset in use is a whole number of minutes, so all instants of one UTC minute share it: a busy
 * hall formats once a minute instead of on every command (formatToParts is the costly part). A minute
 * that does not map onto one local minute (a historical offset with seconds) is never cached.
 */
const byMinute = new Map<string, { minute: number; local: LocalTime | null }>();

export function localTime(epochMs: number, timeZone: string): LocalTime {
  const minute = Math.floor(epochMs / MINUTE_MS);
  const cached = byMinute.get(timeZone);
  if (cached && cached.minute === minute && cached.local) return { ...cached.local };
  const local = computeLocalTime(epochMs, timeZone);
  if (!cached || cached.minute !== minute) {
    const start = computeLocalTime(minute * MINUTE_MS, timeZone);
    const end = computeLocalTime(minute * MINUTE_MS + MINUTE_MS - 1, timeZone);
    const whole = start.day === end.day && start.minutes === end.minutes && start.minutes === local.minutes && start.day === local.day;
    byMinute.set(timeZone, { minute, local: whole ? local : null });
  }
  return { ...local };
}

function computeLocalTime(epochMs: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** "08:30" → 510 */
export function clockMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * The local day `workingDays` working days after `day`: weekends and the
 * hall's holidays do not count, make-up working days (调休上班) do. 承诺时限
 * is counted this way; the day of acceptance itself is not counted.
 */
export function addWorkingDays(day: string, workingDays: number, calendar: { holidays?: string[]; makeUpWorkdays?: string[] } = {}): string {
  const holidays = new Set(calendar.holidays ?? []);
  const makeUp = new Set(calendar.makeUpWorkdays ?? []);
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const cursor = new Date(Date.UTC(year, month - 1, date));
  let left = workingDays;
  while (left > 0) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    const iso = cursor.toISOString().slice(0, 10);
    const weekend = cursor.getUTCDay() === 0 || cursor.getUTCDay() === 6;
    if (makeUp.has(iso) || (!weekend && !holidays.has(iso))) left -= 1;
  }
  return cursor.toISOString().slice(0, 10);
}

/** "2026-11-27 10:05" in the hall's time zone, for printed slips and notices. */
export function localDateTime(epochMs: number, timeZone: string): string {
  const local = localTime(epochMs, timeZone);
  const minutes = String(local.minutes % 60).padStart(2, '0');
  return `${local.day} ${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${minutes}`;
}
