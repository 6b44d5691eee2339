import type { HallOverview, OverviewAttention } from '../overview.js';

/**
 * The county overview's order (docs/oversight.md), shared by the server's snapshot and the page that
 * keeps its rows sorted as they change.
 */

/** Most urgent first (docs/oversight.md). */
export const ATTENTION_ORDER: readonly OverviewAttention[] = ['unserved', 'over-wait-limit', 'no-window-open', 'devices-offline', 'overdue-cases'];

/**
 * The overview's order: by the most urgent attention kind (none last), then the longest wait, then the
 * name; archived halls at the bottom.
 */
export function compareRows(a: HallOverview, b: HallOverview): number {
  if ((a.archived ?? false) !== (b.archived ?? false)) return a.archived ? 1 : -1;
  const rank = (row: HallOverview) => (row.attention.length === 0 ? ATTENTION_ORDER.length : Math.min(...row.attention.map((kind) => ATTENTION_ORDER.indexOf(kind))));
  return rank(a) - rank(b) || b.longestWaitMinutes - a.longestWaitMinutes || a.name.localeCompare(b.name, 'zh-CN') || a.hallId.localeCompare(b.hallId);
}
