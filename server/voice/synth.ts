/**
 * Bundled synthesis (docs/voice.md): eSpeak NG, compiled to WebAssembly, says every word a hall's
 * voice pack lacks, offline. It runs in a worker thread (synthWorker.ts) started on first use, one
 * engine reused for every word; the words come back trimmed of silence and are kept in memory per
 * (language, text), as a hall says the same few dozen words all day.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { CLIP_SAMPLE_RATE } from '../protocol/voice.js';
import { LruCache } from './lru.js';
import { trimSilence } from './audio.js';
import type { SynthReply, SynthRequest, VoiceEntry } from './synthProtocol.js';

/** A language the bundled synthesizer cannot speak (no eSpeak NG voice for it). */
export class VoiceNotAvailable extends Error {
  constructor(readonly lang: string) {
    super(`the bundled synthesizer has no voice for ${lang}`);
    this.name = 'VoiceNotAvailable';
  }
}

/** What the announcer needs of a synthesizer; tests may give their own. */
export interface WordSynthesizer {
  /** The eSpeak voice of a language, or null when it has none ('ii', 彝文, has none). */
  voiceFor(lang: string): Promise<string | null>;
  /** One word as 16-bit mono samples at CLIP_SAMPLE_RATE, silence trimmed; VoiceNotAvailable without a voice. */
  synthesizeWord(text: string, lang: string): Promise<Int16Array>;
  /** The language codes it is known to speak now (for the admin page's pack list). */
  spokenLanguages?(): readonly string[];
}

/** Chinese boards speak Mandarin: eSpeak calls it cmn, not zh (its zh is a language family). */
const FIXED_VOICES: Record<string, string> = { zh: 'cmn', en: 'en' };

/** The words of every hall's catalogs in three languages are a few hundred; this bounds a hall whose template keeps changing. */
const WORD_CACHE_ENTRIES = 1024;
/**
 * What counts as silence around a synthesized word. eSpeak's silence is digital (|sample| ≤ 8), so
 * the microphone threshold of a recording (RMS 328, −40 dBFS) would cut its weak consonants: 73 ms of
 * the final f of the letter F (which then sounds like "eh"), 18 ms of the h of 号, 13 ms of the end
 * of "two". At RMS 16 (−66 dBFS) at most 3 ms of fading tail goes.
 */
const SYNTHESIS_SILENCE_RMS = 16;
/** After a thread failed to start, requests are refused at once (so boards use the browser voice) for this long. */
const RESTART_BACKOFF_MS = 30_000;
/** A word takes eSpeak tens of milliseconds; a thread that does not answer in this long is stuck and is replaced. */
const REQUEST_TIMEOUT_MS = 15_000;

interface Pending {
  resolve(samples: Int16Array): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Running {
  worker: Worker;
  ready: Promise<VoiceEntry[]>;
  pending: Map<number, Pending>;
}

export interface SynthStats {
  /** Time from starting the thread to its engine being ready, once it has started. */
  startMs?: number;
  /** Words synthesized (cache misses) and the engine's time spent on them. */
  words: number;
  synthMs: number;
}

export class BundledSynthesizer implements WordSynthesizer {
  private running: Running | undefined;
  private voices: VoiceEntry[] | undefined;
  private nextId = 1;
  private closed = false;
  private readonly words = new LruCache<string, Promise<Int16Array>>(WORD_CACHE_ENTRIES);
  readonly stats: SynthStats = { words: 0, synthMs: 0 };

  /** When the thread last failed before it was ready (the package missing or broken): no new one for a while. */
  private failedStartAt: number | undefined;

  /** `workerFile` replaces the thread's file (tests of a synthesizer that cannot start). */
  constructor(
    private readonly log?: Logger,
    private readonly workerFile?: URL,
  ) {}

  async voiceFor(lang: string): Promise<string | null> {
    const fixed = FIXED_VOICES[lang];
    if (fixed) return fixed;
    return pickVoice(await this.start().ready, lang);
  }

  /**
   * zh and en, and once the thread has listed its voices every language they speak. Asked before
   * that (the warm-up starts it at boot), it starts the thread and answers what it knows.
   */
  spokenLanguages(): readonly string[] {
    if (!this.voices && !this.closed) {
      try {
        this.start();
      } catch {
        // Failed lately: zh and en are still what it would speak.
      }
    }
    const languages = new Set(Object.keys(FIXED_VOICES));
    for (const voice of this.voices ?? []) {
      for (const language of voice.languages) languages.add(language.name).add(language.name.split('-')[0]!);
    }
    return [...languages];
  }

  synthesizeWord(text: string, lang: string): Promise<Int16Array> {
    const key = `${lang}\n${text}`;
    const cached = this.words.get(key);
    if (cached) return cached;
    const made = this.synthesize(text, lang);
    this.words.set(key, made);
    // A failure is not remembered: the next call tries again (a thread that crashed is restarted).
    made.catch(() => {
      if (this.words.peek(key) === made) this.words.delete(key);
    });
    return made;
  }

  /** Stops the thread; a later word would start a new one, but a closed synthesizer refuses. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    this.fail(running, new Error('the synthesizer was stopped'));
    await running.worker.terminate();
  }

  private async synthesize(text: string, lang: string): Promise<Int16Array> {
    const voice = await this.voiceFor(lang);
    if (!voice) throw new VoiceNotAvailable(lang);
    const running = this.start();
    await running.ready;
    const id = this.nextId++;
    const samples = await new Promise<Int16Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.log?.error({ text, lang }, 'the voice synthesizer did not answer; restarting it');
        this.restart(running, new Error(`synthesizing "${text}" (${lang}) took over ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      running.pending.set(id, { resolve, reject, timer });
      running.worker.postMessage({ id, voice, text } satisfies SynthRequest);
    });
    return trimSilence(samples, CLIP_SAMPLE_RATE, SYNTHESIS_SILENCE_RMS);
  }

  private start(): Running {
    if (this.closed) throw new Error('the synthesizer was stopped');
    if (this.running) return this.running;
    // A thread that cannot start would otherwise be started again by every request of every board.
    if (this.failedStartAt !== undefined && performance.now() - this.failedStartAt < RESTART_BACKOFF_MS) {
      throw new Error('the voice synthesizer failed to start a moment ago; it is tried again shortly');
    }
    const begun = performance.now();
    const worker = this.workerFile ? new Worker(this.workerFile, { execArgv: [] }) : workerThread();
    // The server's close stops it; until then it must not keep a process alive that has nothing else to do.
    worker.unref();
    const pending = new Map<number, Pending>();
    let markReady: (voices: VoiceEntry[]) => void = () => undefined;
    let started = false;
    let rejectReady: (error: Error) => void = () => undefined;
    const ready = new Promise<VoiceEntry[]>((resolve, reject) => {
      markReady = (voices) => {
        started = true;
        resolve(voices);
      };
      rejectReady = reject;
    });
    const markFailed = (error: Error) => {
      if (started) return;
      this.failedStartAt = performance.now();
      rejectReady(error);
    };
    // Waited for by every word; a start that fails must not also be an unhandled rejection.
    ready.catch(() => undefined);
    const running: Running = { worker, ready, pending };
    worker.on('message', (reply: SynthReply) => {
      if (reply.kind === 'ready') {
        if (reply.sampleRate !== CLIP_SAMPLE_RATE) {
          const error = new Error(`eSpeak NG speaks at ${reply.sampleRate} Hz, not ${CLIP_SAMPLE_RATE}`);
          markFailed(error);
          this.restart(running, error);
          return;
        }
        this.stats.startMs = performance.now() - begun;
        this.log?.info({ startMs: Math.round(this.stats.startMs), voices: reply.voices.length }, 'voice synthesizer (eSpeak NG) ready');
        this.voices = reply.voices;
        markReady(reply.voices);
        return;
      }
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      clearTimeout(waiting.timer);
      if (reply.kind === 'error') return waiting.reject(new Error(reply.message));
      this.stats.words++;
      this.stats.synthMs += reply.ms;
      waiting.resolve(reply.samples);
    });
    worker.on('error', (error) => {
      this.log?.error({ err: error }, 'the voice synthesizer failed');
      markFailed(error);
      this.restart(running, error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`the voice synthesizer stopped (exit ${code})`);
      markFailed(error);
      this.restart(running, error);
    });
    this.running = running;
    return running;
  }

  /** Fails what waits on a thread that is gone; the next word starts a fresh one. */
  private restart(running: Running, error: Error): void {
    this.fail(running, error);
    if (this.running !== running) return;
    this.running = undefined;
    void running.worker.terminate();
  }

  private fail(running: Running, error: Error): void {
    for (const waiting of running.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    running.pending.clear();
  }
}

/**
 * The voice for a BCP 47 code: one that speaks the code itself (pt-br), else its primary language
 * (pt); of several, the one eSpeak ranks best for it (roa/fr over fr-BE and fr-CH for fr).
 */
export function pickVoice(voices: readonly VoiceEntry[], lang: string): string | null {
  const wanted = lang.toLowerCase();
  for (const candidate of [wanted, wanted.split('-')[0]!]) {
    let best: { identifier: string; priority: number } | undefined;
    for (const voice of voices) {
      const entry = voice.languages.find((language) => language.name === candidate);
      if (entry && (!best || entry.priority < best.priority)) best = { identifier: voice.identifier, priority: entry.priority };
    }
    if (best) return best.identifier;
  }
  return null;
}

/**
 * The worker's file next to this one: synthWorker.js in dist/ (compiled by tsc, `npm start`), or
 * synthWorker.ts when the server runs from source (tsx, vitest). Node 20 does not pass tsx's loader
 * on to a worker (neither inherited nor with `--import tsx` in its execArgv), so from source the
 * thread starts with a line of JavaScript that imports the worker through tsx's own API.
 */
function workerThread(): Worker {
  // No flags of the server's own (an --input-type=module of `node -e` would refuse the worker's file): it needs none.
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./synthWorker.js', import.meta.url), { execArgv: [] });
  const worker = new URL('./synthWorker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsxEsmApi())}).then((tsx) => tsx.tsImport(${JSON.stringify(worker)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
}

/** tsx's ESM API (its CommonJS build's tsImport looks for a file that is not there); 排班模拟's worker starts the same way. */
export function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exported = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  return pathToFileURL(join(dirname(manifest), exported)).href;
}
