/**
 * Compares two V8 heap snapshots (v8.writeHeapSnapshot): which kinds of
 * objects grew, by self size, so "heap per board" can be broken down.
 * Also usable alone: `npx tsx tests/bench/lib/heapDiff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [N]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  kind: string;
  count: number;
  bytes: number;
}

function groups(file: string): Map<string, HeapGroup> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const types = data.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, HeapGroup>();
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt]!]!;
    const name = data.strings[data.nodes[i + nameAt]!] ?? '';
    let kind: string;
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') kind = '(strings)';
    else if (type === 'code') kind = '(compiled code)';
    else if (type === 'closure') kind = '(closures)';
    else if (type === 'array') kind = '(internal arrays)';
    else if (type === 'number' || type === 'heap number') kind = '(numbers)';
    else if (type === 'object') kind = name.startsWith('system / ') ? `(system) ${name.slice(9)}` : name || '(object)';
    else kind = `(${type}) ${name}`.slice(0, 80);
    const group = out.get(kind) ?? { kind, count: 0, bytes: 0 };
    group.count++;
    group.bytes += data.nodes[i + sizeAt]!;
    out.set(kind, group);
  }
  return out;
}

/** Growth from `before` to `after`, largest first; `per` divides counts and bytes (e.g. by the number of boards). */
export function heapDiff(before: string, after: string, per = 1, top = 25): HeapGroup[] {
  const a = groups(before);
  const b = groups(after);
  const kinds = new Set([...a.keys(), ...b.keys()]);
  const diff: HeapGroup[] = [];
  for (const kind of kinds) {
    const x = a.get(kind) ?? { kind, count: 0, bytes: 0 };
    const y = b.get(kind) ?? { kind, count: 0, bytes: 0 };
    diff.push({ kind, count: Math.round(((y.count - x.count) / per) * 100) / 100, bytes: Math.round((y.bytes - x.bytes) / per) });
  }
  return diff.sort((p, q) => q.bytes - p.bytes).slice(0, top);
}

export function formatHeapDiff(diff: HeapGroup[], per: number): string {
  const lines = [`  heap growth per board (self size, divided by ${per}):`];
  for (const g of diff) lines.push(`    ${String(g.bytes).padStart(7)} B  ${String(g.count).padStart(7)} objects  ${g.kind}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [before, after, n] = process.argv.slice(2);
  if (!before || !after) throw new Error('usage: heapDiff.ts BEFORE AFTER [N]');
  const per = Number(n ?? 1);
  console.log(formatHeapDiff(heapDiff(before, after, per, 40), per));
}
