import decodeAudio from 'audio-decode';
import { describe, expect, it } from 'vitest';
import { CLIP_SAMPLE_RATE } from '../../server/protocol/voice.js';
import { downmix, encodeWavPcm16, framesToMs } from '../../counter/src/lib/wavEncode.js';

/** The recorder's WAV as another decoder reads it: what the server receives must be a WAV any reader takes. */
describe('the recorder’s WAV encoding', () => {
  const tone = (frames: number, hz: number, rate: number, gain = 0.5) => Float32Array.from({ length: frames }, (_, i) => gain * Math.sin((2 * Math.PI * hz * i) / rate));

  it('writes 16-bit mono PCM at the given rate that an independent decoder reads back sample for sample', async () => {
    const samples = tone(2205, 440, CLIP_SAMPLE_RATE);
    const wav = encodeWavPcm16(samples, CLIP_SAMPLE_RATE);
    expect(wav.length).toBe(44 + 2205 * 2);
    const header = new DataView(wav.buffer, wav.byteOffset);
    expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
    expect(header.getUint32(4, true)).toBe(wav.length - 8);
    expect(new TextDecoder().decode(wav.subarray(8, 16))).toBe('WAVEfmt ');
    expect(header.getUint16(20, true)).toBe(1);
    expect(header.getUint16(22, true)).toBe(1);
    expect(header.getUint32(24, true)).toBe(22_050);
    expect(header.getUint16(34, true)).toBe(16);
    expect(header.getUint32(40, true)).toBe(2205 * 2);

    const decoded = await decodeAudio(wav);
    expect(decoded.sampleRate).toBe(22_050);
    expect(decoded.channelData).toHaveLength(1);
    const back = decoded.channelData[0]!;
    expect(back.length).toBe(2205);
    let worst = 0;
    for (let i = 0; i < back.length; i++) worst = Math.max(worst, Math.abs(back[i]! - samples[i]!));
    // One step of 16 bits is 1/32768; rounding is within it.
    expect(worst).toBeLessThan(1 / 16_384);
  });

  it('clips what overdrives instead of wrapping round, and reads NaN as silence', () => {
    const wav = encodeWavPcm16(Float32Array.from([1.7, -3, 1, -1, Number.NaN, 0.5]), 8000);
    const data = new DataView(wav.buffer, wav.byteOffset + 44);
    expect([0, 1, 2, 3, 4, 5].map((i) => data.getInt16(i * 2, true))).toEqual([32767, -32768, 32767, -32768, 0, 16384]);
  });

  it('writes an empty data chunk for no samples, and refuses a rate that is not a positive integer', () => {
    const wav = encodeWavPcm16(new Float32Array(0), CLIP_SAMPLE_RATE);
    expect(wav.length).toBe(44);
    expect(new DataView(wav.buffer).getUint32(40, true)).toBe(0);
    expect(() => encodeWavPcm16(new Float32Array(4), 0)).toThrow(RangeError);
    expect(() => encodeWavPcm16(new Float32Array(4), 22_050.5)).toThrow(RangeError);
  });

  it('downmixes to the average of the channels, over the shortest, and passes one channel through', () => {
    expect([...downmix([Float32Array.from([1, 0.5, -1, 0.25]), Float32Array.from([0, 0.5, 1])])]).toEqual([0.5, 0.5, 0]);
    const one = Float32Array.from([0.1, 0.2]);
    expect(downmix([one])).toBe(one);
    expect(downmix([])).toHaveLength(0);
  });

  it('says how long a clip is', () => {
    expect(framesToMs(22_050, CLIP_SAMPLE_RATE)).toBe(1000);
    expect(framesToMs(11_025, CLIP_SAMPLE_RATE)).toBe(500);
  });
});
