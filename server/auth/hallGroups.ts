import type { HallStore } from '../store/port.js';

/** The prefix of an account's hallIds entry that stands for every hall of a group (docs/oversight.md). */
export const GROUP_PREFIX = 'group:';

export function isGroupEntry(entry: string): boolean {
  return entry.startsWith(GROUP_PREFIX);
}

/**
 * Which halls carry which group name, from the halls' configurations. Built on first use and kept until a
 * hall's configuration changes in this process (`invalidate`), or for at most TTL_MS, so that a hall moved
 * into a group by another process (Redis) is seen within seconds.
 */
const TTL_MS = 5_000;

export class HallGroups {
  private index: { builtAt: number; halls: Promise<Array<{ id: string; group: readonly string[] }>> } | undefined;

  constructor(
    private readonly halls: Pick<HallStore, 'listHalls' | 'loadHall'>,
    private readonly clock: () => number = Date.now,
  ) {}

  invalidate(): void {
    this.index = undefined;
  }

  /**
   * The account's entries with every `group:<name>` expanded to the ids of the halls in that group. The
   * group entries themselves stay in the list (no hall id starts with them in practice), so an admin scoped
   * to a group may give that group to another account.
   */
  async expand(entries: readonly string[]): Promise<string[]> {
    const names = entries.filter(isGroupEntry).map((entry) => entry.slice(GROUP_PREFIX.length));
    if (names.length === 0) return [...entries];
    const expanded = new Set(entries);
    for (const hall of await this.all()) {
      if (names.some((name) => hall.group.includes(name))) expanded.add(hall.id);
    }
    return [...expanded];
  }

  /** Every group name some hall carries, for the account editor's picker. */
  async names(): Promise<string[]> {
    return [...new Set((await this.all()).flatMap((hall) => hall.group))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  }

  private all(): Promise<Array<{ id: string; group: readonly string[] }>> {
    const now = this.clock();
    if (this.index && now - this.index.builtAt < TTL_MS && now >= this.index.builtAt) return this.index.halls;
    const halls = this.build();
    this.index = { builtAt: now, halls };
    // A failed read is not kept: the next request tries again.
    halls.catch(() => {
      if (this.index?.halls === halls) this.index = undefined;
    });
    return halls;
  }

  private async build(): Promise<Array<{ id: string; group: readonly string[] }>> {
    const summaries = await this.halls.listHalls();
    const states = await Promise.all(summaries.map((summary) => this.halls.loadHall(summary.id)));
    return states.flatMap((state) => (state ? [{ id: state.config.id, group: state.config.group ?? [] }] : []));
  }
}
