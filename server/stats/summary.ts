import type { RatingLevel } from '../protocol/model.js';
import type { DurationSummary, Satisfaction, WaitBucket } from '../protocol/stats.js';

/**
 * Nearest-rank percentile (no interpolation): the ⌈p·n⌉-th smallest sample.
 * Every reported figure is then a time somebody actually waited, which is
 * what an assessment can be argued about.
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function summarise(samples: readonly number[]): DurationSummary {
  if (samples.length === 0) return { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    meanSeconds: Math.round(total / sorted.length),
    medianSeconds: nearestRank(sorted, 0.5),
    p90Seconds: nearestRank(sorted, 0.9),
  };
}

/** Bucket edges of the wait distribution in minutes; the last bucket is open-ended. */
export const WAIT_BUCKET_EDGES = [0, 5, 10, 15, 30, 60] as const;

export function waitDistribution(waitSeconds: readonly number[]): WaitBucket[] {
  const buckets: WaitBucket[] = WAIT_BUCKET_EDGES.map((fromMinutes, index) => ({
    fromMinutes,
    toMinutes: WAIT_BUCKET_EDGES[index + 1] ?? null,
    count: 0,
  }));
  for (const seconds of waitSeconds) {
    const minutes = seconds / 60;
    const bucket = buckets.findLast((candidate) => minutes >= candidate.fromMinutes);
    if (bucket) bucket.count += 1;
  }
  return buckets;
}

export const RATING_LEVELS: readonly RatingLevel[] = [5, 4, 3, 2, 1];

/** The hall's old 满意率: 非常满意 and 满意 over every citizen's rating. Not 好评率 (ratings.ts), which counts 基本满意 too. */
export function satisfaction(levels: Record<RatingLevel, number>): Satisfaction {
  const rated = RATING_LEVELS.reduce((sum, level) => sum + levels[level], 0);
  return { levels: { ...levels }, rated, rate: rated === 0 ? null : (levels[5] + levels[4]) / rated };
}
