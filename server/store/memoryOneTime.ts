import { BoundedExpiringMap } from './boundedMap.js';
import { type OneTimeStore, StoreError } from './port.js';

/**
 * The one-time values of a store served by one process (SQLite: the file has one writing server,
 * see sqlite/sqliteStore.ts), kept in that process's memory. Nothing is lost that matters on a
 * restart: a login under way is started again, a hand-over code is a minute's worth.
 */
export class MemoryOneTimeStore implements OneTimeStore {
  private readonly kinds = new Map<string, BoundedExpiringMap<string>>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  async put(kind: string, key: string, value: string, options: { ttlMs: number; max: number }): Promise<void> {
    this.check();
    let map = this.kinds.get(kind);
    if (!map) {
      map = new BoundedExpiringMap<string>(options.max, options.ttlMs, this.now);
      this.kinds.set(kind, map);
    }
    map.set(key, value);
  }

  async take(kind: string, key: string): Promise<string | null> {
    this.check();
    return this.kinds.get(kind)?.take(key) ?? null;
  }

  shutdown(): void {
    this.closed = true;
    this.kinds.clear();
  }

  private check(): void {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'the store is closed');
  }
}
