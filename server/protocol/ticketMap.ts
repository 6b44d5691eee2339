import type { Ticket } from './model.js';

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
 */
interface Entry {
  ticket: Ticket;
  /** Insertion order, over this map and every map edited from it. */
  order: number;
}

const MIN_BUCKETS = 16;
/** Past this many entries per bucket on average the buckets are doubled (once, O(n), amortised). */
const BUCKET_LOAD = 64;

export class TicketMap implements Iterable<Ticket> {
  private buckets: Array<Map<string, Entry>>;
  /** Buckets this map may write in place (copied since the last edit() of it, or made by it). */
  private owned: Set<number>;
  private count: number;
  private nextOrder: number;

  private constructor(buckets: Array<Map<string, Entry>>, owned: Set<number>, count: number, nextOrder: number) {
    this.buckets = buckets;
    this.owned = owned;
    this.count = count;
    this.nextOrder = nextOrder;
  }

  static empty(): TicketMap {
    return new TicketMap(freshBuckets(MIN_BUCKETS), allOwned(MIN_BUCKETS), 0, 0);
  }

  /** From an object keyed by id (a stored or sent hall), in its key order. */
  static fromRecord(record: Readonly<Record<string, Ticket>>): TicketMap {
    const map = TicketMap.empty();
    for (const id of Object.keys(record)) {
      const ticket = record[id];
      if (ticket !== undefined) map.set(id, ticket);
    }
    return map;
  }

  static fromTickets(tickets: Iterable<Ticket>): TicketMap {
    const map = TicketMap.empty();
    for (const ticket of tickets) map.set(ticket.id, ticket);
    return map;
  }

  get size(): number {
    return this.count;
  }

  get(id: string): Ticket | undefined {
    return this.bucketOf(id).get(id)?.ticket;
  }

  has(id: string): boolean {
    return this.bucketOf(id).has(id);
  }

  /** A map of the same tickets that may be written without changing this one. */
  edit(): TicketMap {
    // From now on neither map owns a bucket: each copies one before its first write.
    this.owned = new Set();
    return new TicketMap(this.buckets.slice(), new Set(), this.count, this.nextOrder);
  }

  set(id: string, ticket: Ticket): void {
    const index = this.indexOf(id);
    const bucket = this.writable(index);
    const old = bucket.get(id);
    if (old) {
      bucket.set(id, { ticket, order: old.order });
      return;
    }
    bucket.set(id, { ticket, order: this.nextOrder++ });
    this.count++;
    if (this.count > this.buckets.length * BUCKET_LOAD) this.grow();
  }

  delete(id: string): boolean {
    const index = this.indexOf(id);
    if (!this.buckets[index]!.has(id)) return false;
    this.writable(index).delete(id);
    this.count--;
    return true;
  }

  /** Tickets in insertion order. Sorting makes this O(n log n): for views and checks, not for every command. */
  values(): Ticket[] {
    return this.ordered().map((entry) => entry.ticket);
  }

  keys(): string[] {
    return this.ordered().map((entry) => entry.ticket.id);
  }

  [Symbol.iterator](): Iterator<Ticket> {
    return this.values()[Symbol.iterator]();
  }

  toRecord(): Record<string, Ticket> {
    const record: Record<string, Ticket> = {};
    for (const [id, entry] of this.orderedWithIds()) {
      if (id === '__proto__') Object.defineProperty(record, id, { value: entry.ticket, enumerable: true, writable: true, configurable: true });
      else record[id] = entry.ticket;
    }
    return record;
  }

  toJSON(): Record<string, Ticket> {
    return this.toRecord();
  }

  private ordered(): Entry[] {
    return this.orderedWithIds().map(([, entry]) => entry);
  }

  private orderedWithIds(): Array<[string, Entry]> {
    const all: Array<[string, Entry]> = [];
    for (const bucket of this.buckets) for (const pair of bucket) all.push(pair);
    return all.sort((a, b) => a[1].order - b[1].order);
  }

  private bucketOf(id: string): Map<string, Entry> {
    return this.buckets[this.indexOf(id)]!;
  }

  private indexOf(id: string): number {
    return hash(id) & (this.buckets.length - 1);
  }

  private writable(index: number): Map<string, Entry> {
    if (!this.owned.has(index)) {
      this.buckets[index] = new Map(this.buckets[index]);
      this.owned.add(index);
    }
    return this.buckets[index]!;
  }

  private grow(): void {
    const size = this.buckets.length * 2;
    const buckets = freshBuckets(size);
    for (const bucket of this.buckets) for (const [id, entry] of bucket) buckets[hash(id) & (size - 1)]!.set(id, entry);
    this.buckets = buckets;
    this.owned = allOwned(size);
  }
}

function freshBuckets(size: number): Array<Map<string, Entry>> {
  return Array.from({ length: size }, () => new Map<string, Entry>());
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
