/**
 * The bundled synthesis's figures for docs/voice.md ("Bundled synthesis: the choice and its
 * figures"): `npx tsc -p tsconfig.build.json && npx tsx tests/bench/voiceSynth.ts`. Runs the compiled
 * server (dist/), as production does, in this process on a temporary data directory.
 *
 * CPU is the process's (user + system) over a step in which only the synthesizer's thread works,
 * so it is the thread's CPU; wall times on a shared machine are longer.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { round, summarize } from './lib/stats.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dist = (path: string) => import(join(ROOT, 'dist', 'server', path));
const { BundledSynthesizer } = (await dist('voice/synth.js')) as typeof import('../../server/voice/synth.js');
const { startServer } = (await dist('server.js')) as typeof import('../../server/server.js');
const { loadConfig } = (await dist('config.js')) as typeof import('../../server/config.js');
const { voiceClipCatalog, DEFAULT_CALL_TEMPLATE_ZH, announcementWords } = (await dist('protocol/voice.js')) as typeof import('../../server/protocol/voice.js');

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

function packageBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? packageBytes(path) : statSync(path).size);
  }, 0);
}

const results: Record<string, unknown> = { loadAverageAtStart: loadavg()[0], cpus: cpus().length };
results.installBytes = packageBytes(join(ROOT, 'node_modules', '@echogarden', 'espeak-ng-emscripten'));

// The thread's start: three fresh synthesizers.
const starts: number[] = [];
for (let i = 0; i < 3; i++) {
  const synth = new BundledSynthesizer();
  await synth.voiceFor('fr');
  starts.push(synth.stats.startMs!);
  await synth.close();
}
results.workerStartMs = summarize(starts);

// Per word, cold (first synthesis) and cached, over the zh catalog's words.
{
  const synth = new BundledSynthesizer();
  await synth.voiceFor('fr');
  const words = voiceClipCatalog('zh', DEFAULT_CALL_TEMPLATE_ZH).filter((clip) => clip.name !== 'chime');
  const cold: number[] = [];
  const engine: number[] = [];
  for (const word of words) {
    const before = process.cpuUsage();
    const engineBefore = synth.stats.synthMs;
    await synth.synthesizeWord(word.text, 'zh');
    cold.push(cpuMs(before));
    engine.push(synth.stats.synthMs - engineBefore);
  }
  const cached: number[] = [];
  for (const word of words) {
    const begun = performance.now();
    await synth.synthesizeWord(word.text, 'zh');
    cached.push(performance.now() - begun);
  }
  results.perWordColdCpuMs = summarize(cold);
  results.perWordEngineMs = summarize(engine);
  results.perWordCachedMs = summarize(cached);
  await synth.close();
}

// Per call, every word new: on a fresh thread (its first Chinese word loads the voice and the
// WebAssembly is not yet optimised), and on a thread that has already spoken (the server's case
// after any call or the warm-up), with the call's own words not yet said.
{
  const calls = [['A001', 3], ['B120', 11], ['C007', 105]] as const;
  const fresh: number[] = [];
  const warm: number[] = [];
  for (const [ticketNumber, windowNumber] of calls) {
    const words = announcementWords({ ticketNumber, windowNumber }, 'zh', DEFAULT_CALL_TEMPLATE_ZH);
    const synth = new BundledSynthesizer();
    await synth.voiceFor('fr');
    let before = process.cpuUsage();
    for (const word of words) await synth.synthesizeWord(word.text, 'zh');
    fresh.push(cpuMs(before));
    await synth.close();

    const spoken = new BundledSynthesizer();
    // Another call's words first (none of them in this call), as a server that has said other calls.
    const said = new Set(words.map((word) => word.text));
    for (const other of voiceClipCatalog('zh', null).filter((clip) => clip.name !== 'chime' && !said.has(clip.text)).slice(0, 12)) {
      await spoken.synthesizeWord(other.text, 'zh');
    }
    before = process.cpuUsage();
    for (const word of words) await spoken.synthesizeWord(word.text, 'zh');
    warm.push(cpuMs(before));
    await spoken.close();
  }
  results.perCallFreshThreadCpuMs = summarize(fresh);
  results.perCallSpokenThreadCpuMs = summarize(warm);
}

// The server: warm-up of the demo hall, then the route, uncached (each call new, its words cached) and cached (the same call again).
async function withServer<T>(warmUp: boolean, body: (url: string, server: Awaited<ReturnType<typeof startServer>>) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-voice-bench-'));
  const config = { ...loadConfig([], {}), port: 0, host: '127.0.0.1', dataDir, adminPassword: 'bench-admin-secret', logLevel: 'silent' as const };
  const server = await startServer(config, { announce: () => undefined, voiceWarmUp: warmUp, log: pino({ level: 'silent' }) });
  try {
    return await body(server.url, server);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function get(url: string): Promise<number> {
  const begun = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return performance.now() - begun;
}

const announcement = (base: string, ticket: string, window: number) => `${base}/api/halls/demo/voice/announcement.wav?lang=zh&ticket=${ticket}&window=${window}`;

await withServer(false, async (url) => {
  // No warm-up: the first call of the day waits for its words (thread start included).
  results.routeFirstCallNoWarmUpMs = round(await get(announcement(url, 'A001', 3)), 1);
  results.routeSecondCallNewWordsMs = round(await get(announcement(url, 'B234', 5)), 1);
});

await withServer(true, async (url, server) => {
  const warm = await server.voice.warmUp;
  results.warmUp = warm;
  const uncached: number[] = [];
  for (let i = 0; i < 200; i++) uncached.push(await get(announcement(url, `A${String(i + 100).padStart(3, '0')}`, (i % 8) + 1)));
  const cached: number[] = [];
  for (let i = 0; i < 200; i++) cached.push(await get(announcement(url, 'A100', 1)));
  const before = process.cpuUsage();
  for (let i = 0; i < 100; i++) await get(announcement(url, `B${String(i + 300).padStart(3, '0')}`, (i % 8) + 1));
  results.routeUncachedCpuMsPerCall = round(cpuMs(before) / 100, 2);
  results.routeUncachedMs = summarize(uncached);
  results.routeCachedMs = summarize(cached);
});

console.log(JSON.stringify(results, (_key, value) => (typeof value === 'number' ? round(value, 2) : value), 2));
