/**
 * The WAV the admin page's recorder sends for a clip (docs/voice.md). Chromium's MediaRecorder
 * gives webm/opus, which the server does not decode, so the page decodes the recording itself
 * (Web Audio) and sends what the pack stores anyway: 16-bit mono PCM. Pure functions, no Web
 * Audio, so they are unit-tested in Node (tests/unit/wavEncode.test.ts).
 */

import { wavPcm16 } from '../../../server/protocol/wav.js';

/** Mono as the average of the channels: a stereo microphone's two sides are the same voice, so neither is lost and neither doubles. */
export function downmix(channels: readonly Float32Array<ArrayBuffer>[]): Float32Array<ArrayBuffer> {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0]!;
  const length = Math.min(...channels.map((channel) => channel.length));
  const mono = new Float32Array(length);
  for (const channel of channels) for (let i = 0; i < length; i++) mono[i]! += channel[i]!;
  for (let i = 0; i < length; i++) mono[i]! /= channels.length;
  return mono;
}

/** −1…1 to 16-bit, clipped: a shout that overdrives the microphone clips instead of wrapping round into a crack. */
function toPcm16(sample: number): number {
  if (Number.isNaN(sample)) return 0;
  const clipped = Math.max(-1, Math.min(1, sample));
  return clipped < 0 ? Math.round(clipped * 0x8000) : Math.round(clipped * 0x7fff);
}

/** −1…1 samples as the 16-bit mono PCM WAV the pack stores (the one layout, protocol/wav.ts). */
export function encodeWavPcm16(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  return wavPcm16(Int16Array.from(samples, toPcm16), sampleRate);
}

/** How long `frames` samples last at `sampleRate`, in whole milliseconds. */
export function framesToMs(frames: number, sampleRate: number): number {
  return Math.round((frames * 1000) / sampleRate);
}
