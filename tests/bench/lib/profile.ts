/**
 * Summarises a V8 .cpuprofile (written by `node --cpu-prof`): self time by
 * function and by origin (a node_modules package, a server/ folder, node internals, GC, idle).
 * Also usable alone: `npx tsx tests/bench/lib/profile.ts FILE.cpuprofile`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  byOrigin: Array<{ origin: string; ms: number; percent: number }>;
  byFunction: Array<{ fn: string; ms: number; percent: number }>;
}

export function originOf(url: string, functionName: string): string {
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return '(gc)';
  if (functionName === '(program)') return '(program: native/uncategorised)';
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  const server = /\/(?:dist\/)?server\/([^/]+)(?:\/|$)/.exec(url);
  if (server) return `server/${server[1]!.replace(/\.(js|ts)$/, '')}`;
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
    const short = url ? `${url.replace(/^file:\/\//, '').split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${short}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busy = total - (origins.get('(idle)') ?? 0);
  // (idle) is reported apart; percentages are of busy time.
  const rank = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / Math.max(1, busy)) * 1000) / 10 }));
  const idle = origins.get('(idle)') ?? 0;
  origins.delete('(idle)');
  functions.delete('(idle)');
  return {
    file,
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    byOrigin: rank(origins).map(({ name, ms, percent }) => ({ origin: name, ms, percent })),
    byFunction: rank(functions).map(({ name, ms, percent }) => ({ fn: name, ms, percent })),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const busy = summary.totalMs - summary.idleMs;
  const lines = [
    `${summary.file}: ${summary.totalMs} ms sampled, ${busy} ms busy (${Math.round((busy / Math.max(1, summary.totalMs)) * 100)}%); percentages are of busy time`,
    '  by origin (self time):',
  ];
  for (const o of summary.byOrigin) lines.push(`    ${o.percent.toFixed(1).padStart(5)}%  ${String(o.ms).padStart(8)} ms  ${o.origin}`);
  lines.push('  top functions (self time):');
  for (const f of summary.byFunction) lines.push(`    ${f.percent.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(8)} ms  ${f.fn}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of process.argv.slice(2)) console.log(formatProfile(summarizeProfile(file)));
}
