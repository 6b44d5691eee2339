/**
 * A map whose entries are taken once and expire: logins under way and one-time hand-over codes of
 * a single-process store (memoryOneTime.ts). Bounded, so anonymous requests that start logins and
 * never finish cannot grow the server's memory.
 */
export class BoundedExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  set(key: string, value: V): void {
    this.sweep();
    // A key set again moves to the end, so that insertion order stays age order.
    this.entries.delete(key);
    // Insertion order is age order: the oldest give way.
    while (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  /** The value, removed: a state or a code is good for one use. */
  take(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return entry.expiresAt > this.now() ? entry.value : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) break; // the rest are younger
      this.entries.delete(key);
    }
  }
}
