/**
 * The board's Web Audio: the server's announcements (docs/voice.md) fetched and
 * decoded ahead of their turn, and played one buffer at a time. Times are
 * taken from the AudioContext's own clock and given as epoch ms, so the log
 * says when a sound really started and ended, not when the page asked for it.
 */

/** What the server's X-HallQ-Voice-Source says the announcement is made of. */
export type ServerVoiceSource = 'pack' | 'synthesis' | 'mixed';

export interface ServerAudio {
  buffer: AudioBuffer;
  /** The words in order, `name:source` (X-HallQ-Voice-Clips); empty for the chime. */
  clips: string[];
  source: ServerVoiceSource;
}

export interface Played {
  startedAt: number;
  endedAt: number;
  /** 'timeout': the buffer never ended (the context was suspended under it) and was stopped. */
  outcome: 'played' | 'timeout';
}

/** A server that does not answer this fast is taken as down for this phrase: the next source says it. */
const FETCH_TIMEOUT_MS = 6000;
/** Recent announcements kept decoded: a repeat, a recall and the probe cost nothing. */
const CACHE_SIZE = 24;
/** Scheduling a few ms ahead lets the start time be exact instead of "as soon as possible". */
const START_LEAD_S = 0.01;
/** How much longer than its length a buffer may take before the watchdog frees the queue. */
const WATCHDOG_SLACK_MS = 3000;

/** X-HallQ-Voice-Clips → the clip list; names that are not ASCII come percent-encoded. */
export function parseClips(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

function voiceSourceOf(header: string | null): ServerVoiceSource {
  return header === 'pack' || header === 'mixed' ? header : 'synthesis';
}

export class AudioPlayer {
  private context: AudioContext | null = null;
  private unsupported = false;
  private readonly cache = new Map<string, Promise<ServerAudio>>();
  private chimeLoading: Promise<ServerAudio> | null = null;

  /** The page's one AudioContext, made on first use; null where the browser has no Web Audio. */
  audioContext(): AudioContext | null {
    if (this.context || this.unsupported) return this.context;
    const Context = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    try {
      if (Context) this.context = new Context();
    } catch {
      // A browser without an audio device may refuse to make one.
    }
    this.unsupported = this.context === null;
    return this.context;
  }

  /**
   * Fetches and decodes `url` once; a failure is forgotten, so the next call tries the server again.
   * `fresh`: ask the server again (revalidating the browser's copy) instead of taking what was kept.
   */
  load(url: string, fresh = false): Promise<ServerAudio> {
    const cached = fresh ? undefined : this.cache.get(url);
    if (cached) {
      // Least recently used goes first: refresh this one's place.
      this.cache.delete(url);
      this.cache.set(url, cached);
      return cached;
    }
    const loading = this.fetchAndDecode(url, fresh ? 'no-cache' : 'default');
    this.cache.delete(url);
    this.cache.set(url, loading);
    loading.catch(() => {
      if (this.cache.get(url) === loading) this.cache.delete(url);
    });
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return loading;
  }

  /** The hall's chime, kept for the life of the page once it loaded. */
  chime(url: string): Promise<ServerAudio> {
    if (!this.chimeLoading) {
      const loading = this.fetchAndDecode(url);
      this.chimeLoading = loading;
      loading.catch(() => {
        if (this.chimeLoading === loading) this.chimeLoading = null;
      });
    }
    return this.chimeLoading;
  }

  private async fetchAndDecode(url: string, cache: RequestCache = 'default'): Promise<ServerAudio> {
    const context = this.audioContext();
    if (!context) throw new Error('this browser has no Web Audio');
    const response = await fetch(url, { cache, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    const buffer = await context.decodeAudioData(bytes);
    if (buffer.duration <= 0) throw new Error(`${url}: no sound in it`);
    return { buffer, clips: parseClips(response.headers.get('X-HallQ-Voice-Clips')), source: voiceSourceOf(response.headers.get('X-HallQ-Voice-Source')) };
  }

  /** Whether sound can play now: the context is running (or could be resumed without a tap). */
  async running(): Promise<boolean> {
    const context = this.audioContext();
    if (!context) return false;
    if (context.state === 'suspended') await Promise.race([context.resume().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 300))]);
    return context.state === 'running';
  }

  /** Plays one buffer to its end; resolves when the context says it ended. */
  play(buffer: AudioBuffer): Promise<Played> {
    const context = this.audioContext()!;
    const node = context.createBufferSource();
    node.buffer = buffer;
    node.connect(context.destination);
    const at = context.currentTime + START_LEAD_S;
    const startedAt = this.epochOf(at);
    return new Promise((resolve) => {
      const done = (outcome: Played['outcome']) => {
        clearTimeout(watchdog);
        node.onended = null;
        resolve({ startedAt, endedAt: this.epochOf(context.currentTime), outcome });
      };
      const watchdog = setTimeout(() => {
        done('timeout');
        try {
          node.stop();
        } catch {
          // Never started: nothing to stop.
        }
      }, buffer.duration * 1000 + WATCHDOG_SLACK_MS);
      node.onended = () => done('played');
      node.start(at);
    });
  }

  /** The built-in chime, two soft tones, when the server's cannot be had. */
  async tones(): Promise<Played | null> {
    const context = this.audioContext();
    if (!context || context.state !== 'running') return null;
    const first = context.currentTime + START_LEAD_S;
    // The "ding-dong" halls are used to.
    [659.25, 523.25].forEach((frequency, index) => {
      const start = first + index * 0.32;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.32);
    });
    const end = first + 0.64;
    await new Promise((resolve) => setTimeout(resolve, (end - context.currentTime) * 1000 + 20));
    return { startedAt: this.epochOf(first), endedAt: this.epochOf(Math.max(end, context.currentTime)), outcome: 'played' };
  }

  /** A time on the context's clock as epoch ms, through the output timestamp when the browser gives one. */
  epochOf(contextTime: number): number {
    const context = this.context!;
    const stamp = context.getOutputTimestamp?.();
    if (stamp && stamp.contextTime !== undefined && stamp.performanceTime !== undefined && stamp.performanceTime > 0) {
      return performance.timeOrigin + stamp.performanceTime + (contextTime - stamp.contextTime) * 1000;
    }
    return Date.now() + (contextTime - context.currentTime) * 1000;
  }
}
