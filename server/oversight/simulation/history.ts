import type { HallConfig } from '../../protocol/model.js';
import { addDays } from '../../stats/days.js';

/** 逢场天: the day of the month ends in one of `lastDigits` (逢二五八 = [2, 5, 8]) or the day is listed. */
export function isMarketDay(config: Pick<HallConfig, 'marketDays'>, day: string): boolean {
  const market = config.marketDays;
  if (!market) return false;
  if (market.dates?.includes(day)) return true;
  return market.lastDigits?.includes(Number(day.slice(-1))) ?? false;
}

const weekday = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();

/** How far back the history is looked for: a year of days at most. */
const LOOK_BACK_DAYS = 366;

/**
 * The days to learn `day`'s arrivals from, latest first: the last `count` market days before it when it
 * is one, else the last `count` same weekdays that are not market days — each before `today` and for
 * which `hasTickets` holds (a closed day teaches nothing).
 */
export async function historyDays(
  config: Pick<HallConfig, 'marketDays'>,
  day: string,
  today: string,
  count: number,
  hasTickets: (day: string) => Promise<boolean>,
): Promise<string[]> {
  const market = isMarketDay(config, day);
  const found: string[] = [];
  let candidate = addDays(day < today ? day : today, -1);
  for (let step = 0; step < LOOK_BACK_DAYS && found.length < count; step++, candidate = addDays(candidate, -1)) {
    const fits = market ? isMarketDay(config, candidate) : weekday(candidate) === weekday(day) && !isMarketDay(config, candidate);
    if (fits && (await hasTickets(candidate))) found.push(candidate);
  }
  return found;
}
