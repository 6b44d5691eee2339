import type { HallState } from '../../protocol/model.js';

type RequestEntry = HallState['requests'][number];

export interface RequestDiff {
  /** (ord, entry) of the entries that need a new field, in order. */
  inserts: Array<[ord: number, entry: RequestEntry]>;
  /** Fields of the entries gone. */
  deletes: number[];
  /** The field of each entry of `after`, in order. */
  ords: number[];
  /** The highest ord handed out so far. */
  lastOrd: number;
}

/**
 * How the requests hash goes from `before` (stored under `beforeOrds`) to
 * `after`, the same rule as the SQLite adapter's hall_requests: an entry of
 * `after` keeps its field if it is the very object `before` had, at a place
 * after the entries kept so far (fields are read back in ord order); any other
 * entry gets a new field above all others; the fields of the entries of
 * `before` not kept are deleted. So the engine's append-and-trim-the-oldest
 * writes one field per new answer and deletes one per dropped answer instead
 * of rewriting up to 200 answers per command.
 */
export function diffRequests(
  before: readonly RequestEntry[],
  beforeOrds: readonly number[],
  after: readonly RequestEntry[],
  lastOrd: number,
): RequestDiff {
  const diff: RequestDiff = { inserts: [], deletes: [], ords: new Array<number>(after.length), lastOrd };
  let j = 0; // entries of `before` from j on may still be kept
  for (let i = 0; i < after.length; i++) {
    const entry = after[i]!;
    let p = j;
    while (p < before.length && before[p] !== entry) p++;
    // Not found: a new entry; as its field goes last, no later entry can keep an older field.
    for (; j < p; j++) diff.deletes.push(beforeOrds[j]!);
    if (p < before.length) {
      diff.ords[i] = beforeOrds[p]!;
      j = p + 1;
    } else {
      diff.ords[i] = ++diff.lastOrd;
      diff.inserts.push([diff.ords[i]!, entry]);
    }
  }
  for (; j < before.length; j++) diff.deletes.push(beforeOrds[j]!);
  return diff;
}
