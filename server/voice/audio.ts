import decode from 'audio-decode';
import { CLIP_MAX_BYTES, CLIP_MAX_MS, CLIP_SAMPLE_RATE } from '../protocol/voice.js';
import { wavPcm16 } from '../protocol/wav.js';

/**
 * PCM and WAV helpers of the call voice (docs/voice.md). Every clip HallQ stores or assembles is
 * 16-bit mono PCM at CLIP_SAMPLE_RATE, so a call is a concatenation of sample arrays and a WAV is a
 * 44-byte header in front of them: no codec runs on the path of a call.
 */


/** A 16-bit mono PCM WAV of `samples` (the layout of protocol/wav.ts, which the admin page's recorder writes too). */
export function encodeWav(samples: Int16Array, sampleRate = CLIP_SAMPLE_RATE): Buffer {
  const wav = wavPcm16(samples, sampleRate);
  return Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
}

/**
 * The samples of a 16-bit mono PCM WAV: ours (encodeWav, stored clips), read chunk by chunk so a
 * file with extra chunks (LIST) still reads. Throws on any other WAV: uploads go through normalizeClip.
 */
export function decodeWavPcm16(buf: Uint8Array): { samples: Int16Array; sampleRate: number } {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.length < 12 || view.toString('ascii', 0, 4) !== 'RIFF' || view.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let sampleRate = 0;
  let offset = 12;
  while (offset + 8 <= view.length) {
    const id = view.toString('ascii', offset, offset + 4);
    const size = view.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > view.length) throw new Error('WAV format chunk is truncated');
      const format = view.readUInt16LE(body);
      const channels = view.readUInt16LE(body + 2);
      const bits = view.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`WAV is not 16-bit mono PCM (format ${format}, ${channels} channels, ${bits} bits)`);
      sampleRate = view.readUInt32LE(body + 4);
    } else if (id === 'data') {
      if (!sampleRate) throw new Error('WAV data comes before its format');
      // A writer that streamed may leave the size unset (0 or 0xFFFFFFFF): the data then runs to the end.
      const end = size === 0 || body + size > view.length ? view.length : body + size;
      const samples = new Int16Array(Math.floor((end - body) / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = view.readInt16LE(body + i * 2);
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}

export function durationMs(samples: ArrayLike<number>, rate: number): number {
  return Math.round((samples.length * 1000) / rate);
}

/** Below this RMS (about −40 dBFS) a 10 ms window counts as silence: room noise of a PC microphone stays under it. */
const SILENCE_RMS = 328;
const SILENCE_WINDOW_MS = 10;
/** What is kept around the voice, so a word's first consonant and its fading end are not cut. */
const TRIM_MARGIN_MS = 30;

/**
 * The samples without leading and trailing silence, keeping TRIM_MARGIN_MS on each side. Empty when
 * no window rises above the threshold (a muted microphone).
 */
export function trimSilence(samples: Int16Array, rate: number, threshold = SILENCE_RMS): Int16Array {
  const window = Math.max(1, Math.round((rate * SILENCE_WINDOW_MS) / 1000));
  const loud = (start: number): boolean => {
    const end = Math.min(samples.length, start + window);
    let sum = 0;
    for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
    return Math.sqrt(sum / (end - start)) > threshold;
  };
  let first = -1;
  for (let start = 0; start < samples.length; start += window) {
    if (loud(start)) {
      first = start;
      break;
    }
  }
  if (first < 0) return new Int16Array(0);
  let last = first;
  for (let start = Math.floor((samples.length - 1) / window) * window; start > first; start -= window) {
    if (loud(start)) {
      last = start;
      break;
    }
  }
  const margin = Math.round((rate * TRIM_MARGIN_MS) / 1000);
  return samples.slice(Math.max(0, first - margin), Math.min(samples.length, last + window + margin));
}

/** The parts one after another with `gapMs` of silence between them (none before the first or after the last). */
export function concatWithGaps(parts: readonly Int16Array[], gapMs: number, rate: number): Int16Array {
  const gap = Math.max(0, Math.round((gapMs * rate) / 1000));
  const total = parts.reduce((sum, part) => sum + part.length, 0) + gap * Math.max(0, parts.length - 1);
  const out = new Int16Array(total);
  let offset = 0;
  parts.forEach((part, index) => {
    if (index > 0) offset += gap;
    out.set(part, offset);
    offset += part.length;
  });
  return out;
}

/** Why an uploaded audio file is refused (docs/voice.md); `silent`: nothing above the silence threshold. */
export type ClipRefusalReason = 'not-audio' | 'too-long' | 'too-large' | 'silent';

export type NormalizedClip = { ok: true; wav: Buffer; durationMs: number } | { ok: false; reason: ClipRefusalReason };

/**
 * How long an upload may run before its silence is trimmed: a phone recording often has seconds of
 * silence around the word, but a 1 MB MP3 at a low bit rate could decode to an hour of audio, so
 * decoding stops here rather than filling memory.
 */
export const CLIP_MAX_RAW_MS = 30_000;

type Container = 'wav' | 'mp3' | 'oga' | 'opus' | 'webm';

/**
 * The container by its first bytes, never by the file name (clerks rename files). WebM is what
 * Chromium's MediaRecorder makes, so the admin page's recorder may send it.
 */
export function sniffContainer(file: Uint8Array): Container | null {
  const ascii = (from: number, to: number) => Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('latin1', from, to);
  if (file.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (file.length >= 36 && ascii(0, 4) === 'OggS') return ascii(28, 36) === 'OpusHead' ? 'opus' : 'oga';
  if (file.length >= 4 && file[0] === 0x1a && file[1] === 0x45 && file[2] === 0xdf && file[3] === 0xa3) return 'webm';
  if (file.length >= 10 && ascii(0, 3) === 'ID3') return 'mp3';
  // An MPEG audio frame sync with a layer set (a layer of 0 would be AAC's ADTS).
  if (file.length >= 4 && file[0] === 0xff && (file[1]! & 0xe0) === 0xe0 && (file[1]! & 0x06) !== 0) return 'mp3';
  return null;
}

const DECODE_CHUNK_BYTES = 64 * 1024;

/** Mono float samples of the file, or why not; stops at CLIP_MAX_RAW_MS. */
async function decodeMono(file: Uint8Array, container: Container): Promise<{ samples: Float32Array; sampleRate: number } | ClipRefusalReason> {
  async function* chunks() {
    for (let offset = 0; offset < file.length; offset += DECODE_CHUNK_BYTES) yield file.subarray(offset, offset + DECODE_CHUNK_BYTES);
  }
  const pieces: Float32Array[] = [];
  let sampleRate = 0;
  let length = 0;
  try {
    for await (const part of decode(chunks(), container)) {
      const channels = part.channelData;
      if (!channels.length || !channels[0]!.length) continue;
      if (sampleRate && part.sampleRate !== sampleRate) return 'not-audio';
      sampleRate = part.sampleRate;
      if (sampleRate < 8000 || sampleRate > 192_000) return 'not-audio';
      const mono = new Float32Array(channels[0]!.length);
      for (const channel of channels) for (let i = 0; i < mono.length; i++) mono[i]! += (channel[i] ?? 0) / channels.length;
      pieces.push(mono);
      length += mono.length;
      if ((length * 1000) / sampleRate > CLIP_MAX_RAW_MS) return 'too-long';
    }
  } catch {
    return 'not-audio';
  }
  if (!length) return 'not-audio';
  const samples = new Float32Array(length);
  let offset = 0;
  for (const piece of pieces) {
    samples.set(piece, offset);
    offset += piece.length;
  }
  return { samples, sampleRate };
}

const LOW_PASS_TAPS = 63;

/**
 * A windowed-sinc (Blackman) low-pass FIR with its cutoff at `cutoff` cycles per sample, unity gain
 * at DC. Run before downsampling so what lies above the new Nyquist does not fold back as hiss.
 */
function lowPass(samples: Float32Array, cutoff: number): Float32Array {
  const half = (LOW_PASS_TAPS - 1) / 2;
  const taps = new Float32Array(LOW_PASS_TAPS);
  let sum = 0;
  for (let k = 0; k < LOW_PASS_TAPS; k++) {
    const x = k - half;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const blackman = 0.42 - 0.5 * Math.cos((2 * Math.PI * k) / (LOW_PASS_TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * k) / (LOW_PASS_TAPS - 1));
    taps[k] = sinc * blackman;
    sum += taps[k]!;
  }
  for (let k = 0; k < LOW_PASS_TAPS; k++) taps[k]! /= sum;
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    let acc = 0;
    const from = Math.max(0, i - half);
    const to = Math.min(samples.length - 1, i + half);
    for (let j = from; j <= to; j++) acc += samples[j]! * taps[j - i + half]!;
    out[i] = acc;
  }
  return out;
}

/**
 * Resampled to `to` Hz: low-pass first when going down (cutoff at 90 % of the new Nyquist), then
 * linear interpolation. Plenty for speech, whose energy lies under 4 kHz.
 */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const source = from > to ? lowPass(samples, (0.9 * (to / 2)) / from) : samples;
  const out = new Float32Array(Math.max(1, Math.floor((samples.length * to) / from)));
  const step = from / to;
  for (let i = 0; i < out.length; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const fraction = position - index;
    const a = source[Math.min(index, source.length - 1)]!;
    const b = source[Math.min(index + 1, source.length - 1)]!;
    out[i] = a + (b - a) * fraction;
  }
  return out;
}

export function floatToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const value = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = Math.round(value * 32767);
  }
  return out;
}

const AUDIO_EXTENSION = /\.(wav|ogg|oga|opus|mp3|webm)$/i;

/**
 * An uploaded clip (a zip's file or the admin page's recording) as HallQ stores it: decoded from
 * WAV, MP3, OGG (Vorbis or Opus) or WebM, mixed down to mono, resampled to CLIP_SAMPLE_RATE, its
 * silence trimmed. `fileName` must end in an audio extension or have none; the bytes decide the format.
 * Refused: over CLIP_MAX_BYTES as uploaded (`too-large`), over CLIP_MAX_MS once trimmed or
 * CLIP_MAX_RAW_MS as decoded (`too-long`), nothing audible (`silent`), anything else (`not-audio`).
 */
export async function normalizeClip(file: Uint8Array, fileName: string): Promise<NormalizedClip> {
  if (file.length > CLIP_MAX_BYTES) return { ok: false, reason: 'too-large' };
  if (/\.[^./]*$/.test(fileName) && !AUDIO_EXTENSION.test(fileName)) return { ok: false, reason: 'not-audio' };
  const container = sniffContainer(file);
  if (!container) return { ok: false, reason: 'not-audio' };
  const decoded = await decodeMono(file, container);
  if (typeof decoded === 'string') return { ok: false, reason: decoded };
  const pcm = floatToPcm16(resample(decoded.samples, decoded.sampleRate, CLIP_SAMPLE_RATE));
  const trimmed = trimSilence(pcm, CLIP_SAMPLE_RATE);
  if (!trimmed.length) return { ok: false, reason: 'silent' };
  const duration = durationMs(trimmed, CLIP_SAMPLE_RATE);
  if (duration > CLIP_MAX_MS) return { ok: false, reason: 'too-long' };
  return { ok: true, wav: encodeWav(trimmed), durationMs: duration };
}
