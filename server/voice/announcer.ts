/**
 * A call said as one WAV (docs/voice.md): the words of protocol/voice.ts, each from the hall's
 * voice pack or, where the pack lacks it or the hall does not use packs, from the bundled
 * synthesizer; never silence for want of one recording.
 *
 * Two caches, both bounded: the samples of pack clips per (hall, language, name, updatedAt), so a
 * clip recorded again on any process has a new key and is used at once; and the finished WAV per
 * (hall, language, text, fingerprint of the clips used), so every board of a hall asking for the same
 * call gets it without a second assembly. Which clips a pack has is asked once per request (one
 * cheap listing, no audio), which is what makes a new recording heard at once.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { HallConfig } from '../protocol/model.js';
import {
  CLIP_SAMPLE_RATE,
  DEFAULT_VOICE_SOURCES,
  type CallToSay,
  type VoiceSource,
  type VoiceWord,
  announcementText,
  announcementWords,
  callTemplateOf,
} from '../protocol/voice.js';
import type { VoiceClipRecord, VoiceStore } from '../store/port.js';
import { LruCache } from './lru.js';
import { concatWithGaps, decodeWavPcm16, encodeWav } from './audio.js';
import { VoiceNotAvailable, type WordSynthesizer } from './synth.js';
import { builtInChime } from './chime.js';

/**
 * Silence between two words. Clips are stored and synthesized with their silence trimmed, so
 * without it the digits of A001 run together (两个「零」 would merge into one long vowel). 80 ms is
 * about the pause a speaker leaves between digits read one by one, and short enough that the
 * dozen gaps of a call add under a second. One gap everywhere, not longer ones between phrases:
 * a call is short, and an even rhythm is what a listener counts digits by.
 */
export const WORD_GAP_MS = 80;

const CLIP_CACHE_ENTRIES = 1024;
const ANNOUNCEMENT_CACHE_ENTRIES = 200;

export type WordSource = 'pack' | 'synthesis';

export interface SaidWord {
  name: string;
  text: string;
  source: WordSource;
  /** Its samples in the WAV (at CLIP_SAMPLE_RATE). */
  samples: number;
}

export interface Announcement {
  wav: Buffer;
  words: SaidWord[];
  source: WordSource | 'mixed';
  /** Samples of the whole call, gaps included. */
  samples: number;
  durationMs: number;
  /** Strong ETag of the WAV, computed once. */
  etag: string;
}

/** A call that would have to be assembled anew, refused by the caller's budget (`announce`'s `admit`). */
export interface Refused {
  refused: true;
}

/** Why a call cannot be said: the word none of the hall's allowed sources can say (null: the language has no template). */
export interface Unavailable {
  unavailable: true;
  lang: string;
  word: string | null;
}

export interface Chime {
  wav: Buffer;
  source: 'pack' | 'built-in';
  etag: string;
}

export class Announcer {
  private readonly clips = new LruCache<string, Int16Array>(CLIP_CACHE_ENTRIES);
  private readonly announcements = new LruCache<string, Announcement>(ANNOUNCEMENT_CACHE_ENTRIES);
  private readonly assembling = new Map<string, Promise<Announcement | Unavailable>>();
  private defaultChime: Chime | undefined;

  constructor(
    private readonly deps: { voice: VoiceStore; synth: WordSynthesizer; log?: Logger },
    private readonly gapMs = WORD_GAP_MS,
  ) {}

  /**
   * `admit` is asked only when the call must be assembled anew (not cached, not under way): an
   * anonymous caller's budget is spent on the work it causes, so thirty boards of one hall asking for
   * the same call spend one assembly, not thirty.
   */
  async announce(hall: HallConfig, lang: string, call: CallToSay, admit?: () => Promise<boolean>): Promise<Announcement | Unavailable | Refused> {
    const template = callTemplateOf(lang, hall);
    if (template === null) return { unavailable: true, lang, word: null };
    const words = announcementWords(call, lang, template);
    const sources = hall.voice?.sources ?? DEFAULT_VOICE_SOURCES;
    const pack = sources.includes('pack') ? await this.packClips(hall.id, lang) : new Map<string, number>();
    const maySynthesize = sources.includes('synthesis');
    const missing = words.find((word) => !pack.has(word.name));
    if (missing && !maySynthesize) return { unavailable: true, lang, word: missing.name };

    const fingerprint = words.map((word) => (pack.has(word.name) ? `${word.name}@${pack.get(word.name)}` : `${word.name}~`)).join(',');
    const key = `${hall.id}\n${lang}\n${announcementText(words, lang)}\n${fingerprint}\n${this.gapMs}`;
    const cached = this.announcements.get(key);
    if (cached) return cached;
    // Every board of the hall asks for a new call the moment its event arrives: one assembly for all.
    const inFlight = this.assembling.get(key);
    if (inFlight) return inFlight;
    if (admit && !(await admit())) return { refused: true };
    const assembled = this.assemble(hall.id, lang, words, pack, maySynthesize, key);
    this.assembling.set(key, assembled);
    try {
      return await assembled;
    } finally {
      this.assembling.delete(key);
    }
  }

  private async assemble(
    hallId: string,
    lang: string,
    words: readonly VoiceWord[],
    pack: ReadonlyMap<string, number>,
    maySynthesize: boolean,
    key: string,
  ): Promise<Announcement | Unavailable> {

    // Each distinct word once, all at once: a cold process reads its clips (a round trip each on Redis)
    // and hands the synthesizer its words without waiting for one before asking for the next.
    const audio = new Map<string, Promise<{ source: WordSource; samples: Int16Array } | null>>();
    for (const word of words) {
      if (audio.has(word.name)) continue;
      const said = this.wordAudio(hallId, lang, word, pack.get(word.name), maySynthesize);
      // A store failure is thrown where it is awaited below; the words not awaited then must not be unhandled.
      said.catch(() => undefined);
      audio.set(word.name, said);
    }
    const parts: Array<{ word: VoiceWord; source: WordSource; samples: Int16Array }> = [];
    for (const word of words) {
      const said = await audio.get(word.name)!;
      if (!said) return { unavailable: true, lang, word: word.name };
      parts.push({ word, ...said });
    }
    const samples = concatWithGaps(
      parts.map((part) => part.samples),
      this.gapMs,
      CLIP_SAMPLE_RATE,
    );
    const wav = encodeWav(samples, CLIP_SAMPLE_RATE);
    const used = new Set(parts.map((part) => part.source));
    const announcement: Announcement = {
      wav,
      words: parts.map((part) => ({ name: part.word.name, text: part.word.text, source: part.source, samples: part.samples.length })),
      source: used.size > 1 ? 'mixed' : (parts[0]?.source ?? 'synthesis'),
      samples: samples.length,
      durationMs: Math.round((samples.length * 1000) / CLIP_SAMPLE_RATE),
      etag: etagOf(wav),
    };
    // A call that fell back for a clip listed but gone is not kept: the pack changed under it.
    if (parts.every((part) => part.source === 'pack' || !pack.has(part.word.name))) this.announcements.set(key, announcement);
    return announcement;
  }

  /** The languages the bundled synthesizer speaks, as the admin page's pack list shows them. */
  synthesisLanguages(): readonly string[] {
    return this.deps.synth.spokenLanguages?.() ?? [];
  }

  /** The chime before a call: the zh pack's `chime` where the hall uses packs, else the built-in two-tone one. */
  async chime(hall: HallConfig): Promise<Chime> {
    const sources: readonly VoiceSource[] = hall.voice?.sources ?? DEFAULT_VOICE_SOURCES;
    if (sources.includes('pack')) {
      const listed = (await this.packClips(hall.id, 'zh')).get('chime');
      const recorded = listed !== undefined ? await this.packClip(hall.id, 'zh', 'chime', listed) : null;
      if (recorded) {
        const wav = encodeWav(recorded, CLIP_SAMPLE_RATE);
        return { wav, source: 'pack', etag: etagOf(wav) };
      }
    }
    if (!this.defaultChime) {
      const wav = encodeWav(builtInChime(CLIP_SAMPLE_RATE), CLIP_SAMPLE_RATE);
      this.defaultChime = { wav, source: 'built-in', etag: etagOf(wav) };
    }
    return this.defaultChime;
  }

  /** A word from the pack if it is listed there, else synthesized if the hall allows; null when neither can say it. */
  private async wordAudio(
    hallId: string,
    lang: string,
    word: VoiceWord,
    updatedAt: number | undefined,
    maySynthesize: boolean,
  ): Promise<{ source: WordSource; samples: Int16Array } | null> {
    const recorded = updatedAt !== undefined ? await this.packClip(hallId, lang, word.name, updatedAt) : null;
    if (recorded) return { source: 'pack', samples: recorded };
    // Not in the pack, or removed since it was listed: the synthesizer says it, if the hall allows.
    if (!maySynthesize) return null;
    const synthesized = await this.synthesize(word, lang);
    return synthesized ? { source: 'synthesis', samples: synthesized } : null;
  }

  /** The names the hall's pack holds for a language, with each clip's updatedAt. */
  private async packClips(hallId: string, lang: string): Promise<Map<string, number>> {
    const listed = await this.deps.voice.listClips(hallId, lang);
    return new Map(listed.filter((clip) => clip.lang === lang).map((clip) => [clip.name, clip.updatedAt]));
  }

  private async packClip(hallId: string, lang: string, name: string, updatedAt: number): Promise<Int16Array | null> {
    const key = `${hallId}\n${lang}\n${name}\n${updatedAt}`;
    const cached = this.clips.get(key);
    if (cached) return cached;
    const record = await this.deps.voice.getClip(hallId, lang, name);
    // Replaced since the listing: the newer recording is read on the next request, under its own key.
    if (!record || record.updatedAt !== updatedAt) return record ? samplesOf(record) : null;
    const samples = samplesOf(record);
    if (samples) this.clips.set(key, samples);
    return samples;
  }

  private async synthesize(word: VoiceWord, lang: string): Promise<Int16Array | null> {
    try {
      const samples = await this.deps.synth.synthesizeWord(word.text, lang);
      // A word the engine says as nothing (a symbol it cannot read) would be a silent hole in the call.
      return samples.length > 0 ? samples : null;
    } catch (error) {
      // A synthesizer that failed (its package missing, its thread crashed) cannot say the word either:
      // the board is told VOICE_UNAVAILABLE and speaks with the browser voice where the hall allows it.
      if (!(error instanceof VoiceNotAvailable)) this.deps.log?.warn({ err: error, word: word.name, lang }, 'the bundled synthesizer failed; the call is unavailable');
      return null;
    }
  }
}

/** A stored clip's samples; null for one that is not what the store promises (16-bit mono at CLIP_SAMPLE_RATE), so it is synthesized instead. */
function samplesOf(record: VoiceClipRecord): Int16Array | null {
  try {
    const { samples, sampleRate } = decodeWavPcm16(record.wav);
    return sampleRate === CLIP_SAMPLE_RATE && samples.length > 0 ? samples : null;
  } catch {
    return null;
  }
}

function etagOf(wav: Buffer): string {
  return `"${createHash('sha256').update(wav).digest('base64url').slice(0, 27)}"`;
}
