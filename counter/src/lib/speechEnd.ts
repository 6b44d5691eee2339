import { CLIP_MAX_MS } from '../../../server/protocol/voice.js';

/**
 * When the recorder stops by itself, so an admin recording a whole pack says a word and goes on
 * to the next without reaching for 停止: once a word was heard and a short silence followed, or
 * after ~3 s of speech (a clip is one word), and at the latest at the pack's 10 s limit.
 * Pure: fed the microphone's level, it answers, so the rule is unit-tested without a microphone.
 */

export interface SpeechEndRule {
  /** RMS level (0…1) above which the microphone hears speech, not room noise. */
  speechLevel: number;
  /** Silence after speech that ends the word. */
  silenceMs: number;
  /** Speech this long ends the recording even without a pause (a clip is one word; a noisy room never falls silent). */
  speechMaxMs: number;
  /** The pack's limit for a clip. */
  maxMs: number;
}

export const SPEECH_END: SpeechEndRule = { speechLevel: 0.02, silenceMs: 700, speechMaxMs: 3000, maxMs: CLIP_MAX_MS };

export type SpeechState = 'waiting' | 'speaking' | 'done';

export class SpeechEnd {
  private speechFrom: number | null = null;
  private lastLoudAt = 0;
  private finished = false;

  constructor(private readonly rule: SpeechEndRule = SPEECH_END) {}

  /** `level` of the microphone `atMs` after recording began; answers whether to go on. */
  feed(level: number, atMs: number): SpeechState {
    if (this.finished) return 'done';
    if (level >= this.rule.speechLevel) {
      this.speechFrom ??= atMs;
      this.lastLoudAt = atMs;
    }
    const spoke = this.speechFrom !== null;
    if (atMs >= this.rule.maxMs || (spoke && (atMs - this.lastLoudAt >= this.rule.silenceMs || atMs - this.speechFrom! >= this.rule.speechMaxMs))) {
      this.finished = true;
      return 'done';
    }
    return spoke ? 'speaking' : 'waiting';
  }

  /** Whether anything louder than room noise was heard: a recording without it is not worth saving. */
  get heardSpeech(): boolean {
    return this.speechFrom !== null;
  }
}

/** The RMS level of one frame of samples. */
export function rmsLevel(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}
