/**
 * A hall's live tickets as a persistent map: `edit()` gives a command its own map in time proportional to
 * the number of buckets, not of tickets, and writing a ticket copies only its bucket. A plain object had
 * to be copied whole for every command (the largest cost of a busy hall: issue 16).
 *
 * It reads like the object it replaces: entries in insertion order (a replaced ticket keeps its place, a
 * removed and re-added one goes last), own keys only (an id such as "__proto__" is just an id), and JSON
 * as an object keyed by id, so stored and sent shapes do not change.
 *
 * A map handed out of a command is never written again: `edit()` makes both the original and the edit
 * copy a bucket before writing into it, so neither can change the other.
 *
 * Its workings are private fields, invisible to JSON, structuredClone and deep-equality helpers: tests
 * compare maps by their entries (tests/helpers/ticketMapEquality.ts), and a copy is made with `edit()`.
 */
interface Entry<T> {
  ticket: T;
  /** Insertion order, over this map and every map edited from it. */
  order: number;
}

const MIN_BUCKETS = 16;
/** Past this many entries per bucket on average the buckets are doubled (once, O(n), amortised). */
const BUCKET_LOAD = 64;

export class TicketMap<T> implements Iterable<T> {
  #buckets: Array<Map<string, Entry<T>>>;
  /** Buckets this map may write in place (copied since the last edit() of it, or made by it). */
  #owned: Set<number>;
  #count: number;
  #nextOrder: number;

  private constructor(buckets: Array<Map<string, Entry<T>>>, owned: Set<number>, count: number, nextOrder: number) {
    this.#buckets = buckets;
    this.#owned = owned;
    this.#count = count;
    this.#nextOrder = nextOrder;
  }

  static empty<T>(): TicketMap<T> {
    return new TicketMap<T>(freshBuckets<T>(MIN_BUCKETS), allOwned(MIN_BUCKETS), 0, 0);
  }

  /** From an object keyed by id (a stored or sent hall), in its key order. */
  static fromRecord<T>(record: Readonly<Record<string, T>>): TicketMap<T> {
    const map = TicketMap.empty<T>();
    for (const id of Object.keys(record)) {
      const ticket = record[id];
      if (ticket !== undefined) map.set(id, ticket);
    }
    return map;
  }

  static fromTickets<T extends { id: string }>(tickets: Iterable<T>): TicketMap<T> {
    const map = TicketMap.empty<T>();
    for (const ticket of tickets) map.set(ticket.id, ticket);
    return map;
  }

  get size(): number {
    return this.#count;
  }

  get(id: string): T | undefined {
    return this.#bucketOf(id).get(id)?.ticket;
  }

  has(id: string): boolean {
    return this.#bucketOf(id).has(id);
  }

  /** A map of the same tickets that may be written without changing this one. */
  edit(): TicketMap<T> {
    // From now on neither map owns a bucket: each copies one before its first write.
    this.#owned = new Set();
    return new TicketMap<T>(this.#buckets.slice(), new Set(), this.#count, this.#nextOrder);
  }

  set(id: string, ticket: T): void {
    const index = this.#indexOf(id);
    const bucket = this.#writable(index);
    const old = bucket.get(id);
    if (old) {
      bucket.set(id, { ticket, order: old.order });
      return;
    }
    bucket.set(id, { ticket, order: this.#nextOrder++ });
    this.#count++;
    if (this.#count > this.#buckets.length * BUCKET_LOAD) this.#grow();
  }

  delete(id: string): boolean {
    const index = this.#indexOf(id);
    if (!this.#buckets[index]!.has(id)) return false;
    this.#writable(index).delete(id);
    this.#count--;
    return true;
  }

  /** Tickets in insertion order. Sorting makes this O(n log n): for views and checks, not for every command. */
  values(): T[] {
    return this.#ordered().map((entry) => entry.ticket);
  }

  entries(): Array<[string, T]> {
    return this.#orderedWithIds().map(([id, entry]) => [id, entry.ticket]);
  }

  keys(): string[] {
    return this.#orderedWithIds().map(([id]) => id);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.values()[Symbol.iterator]();
  }

  toRecord(): Record<string, T> {
    const record: Record<string, T> = {};
    for (const [id, entry] of this.#orderedWithIds()) {
      if (id === '__proto__') Object.defineProperty(record, id, { value: entry.ticket, enumerable: true, writable: true, configurable: true });
      else record[id] = entry.ticket;
    }
    return record;
  }

  toJSON(): Record<string, T> {
    return this.toRecord();
  }

  #ordered(): Entry<T>[] {
    return this.#orderedWithIds().map(([, entry]) => entry);
  }

  #orderedWithIds(): Array<[string, Entry<T>]> {
    const all: Array<[string, Entry<T>]> = [];
    for (const bucket of this.#buckets) for (const pair of bucket) all.push(pair);
    return all.sort((a, b) => a[1].order - b[1].order);
  }

  #bucketOf(id: string): Map<string, Entry<T>> {
    return this.#buckets[this.#indexOf(id)]!;
  }

  #indexOf(id: string): number {
    return hash(id) & (this.#buckets.length - 1);
  }

  #writable(index: number): Map<string, Entry<T>> {
    if (!this.#owned.has(index)) {
      this.#buckets[index] = new Map(this.#buckets[index]);
      this.#owned.add(index);
    }
    return this.#buckets[index]!;
  }

  #grow(): void {
    const size = this.#buckets.length * 2;
    const buckets = freshBuckets<T>(size);
    for (const bucket of this.#buckets) for (const [id, entry] of bucket) buckets[hash(id) & (size - 1)]!.set(id, entry);
    this.#buckets = buckets;
    this.#owned = allOwned(size);
  }
}

function freshBuckets<T>(size: number): Array<Map<string, Entry<T>>> {
  return Array.from({ length: size }, () => new Map<string, Entry<T>>());
}

function allOwned(size: number): Set<number> {
  return new Set(Array.from({ length: size }, (_, k) => k));
}

/** FNV-1a over the UTF-16 code units: ids are random, any even spread will do. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < id.length; k++) {
    h ^= id.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
