/**
 * The replay's simulated clock: what happens next, in time order. At one
 * instant, lower `rank` runs first (a window that finishes is free before the
 * arrivals of that instant are seen), then the order things were scheduled.
 */
export interface Happening {
  at: number;
  rank: number;
  run(): void;
}

interface Entry extends Happening {
  seq: number;
}

export class Agenda {
  private readonly heap: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(happening: Happening): void {
    const entry = { ...happening, seq: this.seq++ };
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  take(): Happening | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at !== b.at ? a.at < b.at : a.rank !== b.rank ? a.rank < b.rank : a.seq < b.seq;
}
