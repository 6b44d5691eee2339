/**
 * Private stand-ins for server/voice/audio.ts (the voice-pack branch's PCM helpers) until it lands;
 * then this file goes and its callers import audio.ts.
 */
const WAV_HEADER_BYTES = 44;
const SILENCE_RMS = 328;
const WINDOW_MS = 10;
const MARGIN_MS = 30;

export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(wav, WAV_HEADER_BYTES);
  return wav;
}

/** The samples of a WAV this server wrote (44-byte header, 16-bit mono PCM). */
export function decodeWavPcm16(wav: Uint8Array): { samples: Int16Array; sampleRate: number } {
  const view = Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength);
  if (view.toString('ascii', 0, 4) !== 'RIFF' || view.toString('ascii', 36, 40) !== 'data') throw new Error('not a WAV of this server');
  const bytes = view.subarray(WAV_HEADER_BYTES);
  const samples = new Int16Array(Math.floor(bytes.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  return { samples, sampleRate: view.readUInt32LE(24) };
}

export function trimSilence(samples: Int16Array, rate: number): Int16Array {
  const window = Math.max(1, Math.round((rate * WINDOW_MS) / 1000));
  const loud = (start: number): boolean => {
    const end = Math.min(samples.length, start + window);
    let sum = 0;
    for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
    return Math.sqrt(sum / (end - start)) > SILENCE_RMS;
  };
  let first = -1;
  for (let start = 0; start < samples.length; start += window) if (loud(start)) { first = start; break; }
  if (first < 0) return new Int16Array(0);
  let last = first;
  for (let start = Math.floor((samples.length - 1) / window) * window; start > first; start -= window) if (loud(start)) { last = start; break; }
  const margin = Math.round((rate * MARGIN_MS) / 1000);
  return samples.slice(Math.max(0, first - margin), Math.min(samples.length, last + window + margin));
}

export function concatWithGaps(parts: readonly Int16Array[], gapMs: number, rate: number): Int16Array {
  const gap = Math.max(0, Math.round((gapMs * rate) / 1000));
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0) + gap * Math.max(0, parts.length - 1));
  let offset = 0;
  parts.forEach((part, index) => {
    if (index > 0) offset += gap;
    out.set(part, offset);
    offset += part.length;
  });
  return out;
}
