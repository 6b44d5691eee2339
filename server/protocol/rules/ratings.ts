import type { HallConfig, RatingLevel, RatingSettings } from '../model.js';
import { addWorkingDays } from './time.js';

/**
 * 好差评 as the national system reads it (国办发〔2019〕51号, GB/T 39734-2020): five levels; 不满意 and
 * 非常不满意 are 差评, the other three are not. Every screen, report and export asks these functions, so
 * the definition lives in one place.
 */

/** 差评 content after GB/T 39734-2020, the default list a 差评 chooses its reasons from. */
export const DEFAULT_BAD_RATING_REASONS: readonly string[] = [
  '服务态度差',
  '办事效率低',
  '一次性告知不到位',
  '多次跑腿',
  '环境设施差',
  '其他',
];

export const DEFAULT_RATING_PERIOD_DAYS = 7;
export const DEFAULT_CASE_DUE_WORKING_DAYS = 5;
export const DEFAULT_RATING_AFTER_DAYS = 7;

/** 差评: 不满意 (2) and 非常不满意 (1). */
export function isBadRating(level: RatingLevel): boolean {
  return level <= 2;
}

/** 好评 in 好评率: 非常满意, 满意 and 基本满意. */
export function isGoodRating(level: RatingLevel): boolean {
  return level >= 3;
}

/** The hall's 好差评 settings with every default filled in. */
export function ratingSettings(config: Pick<HallConfig, 'ratings'>): Required<RatingSettings> {
  const given = config.ratings ?? {};
  return {
    periodDays: given.periodDays ?? DEFAULT_RATING_PERIOD_DAYS,
    reasons: given.reasons && given.reasons.length > 0 ? given.reasons : [...DEFAULT_BAD_RATING_REASONS],
    caseDueWorkingDays: given.caseDueWorkingDays ?? DEFAULT_CASE_DUE_WORKING_DAYS,
    defaultLevel: given.defaultLevel ?? null,
    defaultAfterDays: given.defaultAfterDays ?? DEFAULT_RATING_AFTER_DAYS,
  };
}

/** The local day a 差评 case opened on `openedDay` must be closed by, in the hall's working days. */
export function caseDueDay(openedDay: string, config: Pick<HallConfig, 'ratings' | 'holidays' | 'makeUpWorkdays'>): string {
  return addWorkingDays(openedDay, ratingSettings(config).caseDueWorkingDays, config);
}

/** A case is overdue once its due day has ended and it is still not closed. */
export function isCaseOverdue(rc: { dueDay: string; status: string }, today: string): boolean {
  return rc.status !== 'closed' && today > rc.dueDay;
}
