/**
 * The WAV the admin page's recorder sends for a clip (docs/voice.md). Chromium's MediaRecorder
 * gives webm/opus, which the server does not decode, so the page decodes the recording itself
 * (Web Audio) and sends what the pack stores anyway: 16-bit mono PCM. Pure functions, no Web
 * Audio, so they are unit-tested in Node (tests/unit/wavEncode.test.ts).
 */

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

const HEADER_BYTES = 44;

/** A canonical RIFF/WAVE file: one `fmt ` chunk (PCM, mono, 16-bit) and one `data` chunk. */
export function encodeWavPcm16(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError(`sample rate ${sampleRate} is not a positive integer`);
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => [...text].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per frame
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(HEADER_BYTES + i * 2, toPcm16(samples[i]!), true);
  return bytes;
}

/** How long `frames` samples last at `sampleRate`, in whole milliseconds. */
export function framesToMs(frames: number, sampleRate: number): number {
  return Math.round((frames * 1000) / sampleRate);
}
