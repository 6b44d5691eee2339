import { describe, expect, it } from 'vitest';
import { CLIP_SAMPLE_RATE } from '../../server/protocol/voice.js';
import { concatWithGaps, decodeWavPcm16, durationMs, encodeWav, normalizeClip, resample, trimSilence } from '../../server/voice/audio.js';

const RATE = CLIP_SAMPLE_RATE;

/** A tone of `ms` at `hz`, amplitude `level` of full scale. */
function tone(ms: number, hz = 440, level = 0.5, rate = RATE): Int16Array {
  const out = new Int16Array(Math.round((ms * rate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * level * 32767);
  return out;
}

/** A WAV of any layout, as another program would write it (interleaved 16-bit PCM). */
function foreignWav(channels: Int16Array[], rate: number): Buffer {
  const frames = channels[0]!.length;
  const data = Buffer.alloc(frames * channels.length * 2);
  for (let i = 0; i < frames; i++) channels.forEach((channel, c) => data.writeInt16LE(channel[i]!, (i * channels.length + c) * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels.length, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels.length * 2, 28);
  header.writeUInt16LE(channels.length * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('PCM and WAV helpers', () => {
  it('writes a 16-bit mono WAV that reads back sample for sample', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321]);
    const wav = encodeWav(samples);
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(RATE);
    // An odd byte offset, as a slice of a larger buffer (a zip, a Redis reply) has.
    const shifted = Buffer.concat([Buffer.from([9]), wav]).subarray(1);
    const back = decodeWavPcm16(shifted);
    expect(back.sampleRate).toBe(RATE);
    expect([...back.samples]).toEqual([...samples]);
  });

  it('refuses a WAV that is not ours rather than misreading it', () => {
    expect(() => decodeWavPcm16(foreignWav([tone(10), tone(10)], 44_100))).toThrow(/mono/);
    expect(() => decodeWavPcm16(Buffer.from('hello, not audio at all'))).toThrow();
  });

  it('measures, trims and joins', () => {
    expect(durationMs(new Int16Array(RATE), RATE)).toBe(1000);
    const voice = tone(200);
    const padded = concatWithGaps([new Int16Array(0), voice, new Int16Array(0)], 500, RATE);
    expect(durationMs(padded, RATE)).toBe(1200);
    const trimmed = trimSilence(padded, RATE);
    // The voice and about 30 ms of margin each side (within one 10 ms window).
    expect(durationMs(trimmed, RATE)).toBeGreaterThanOrEqual(255);
    expect(durationMs(trimmed, RATE)).toBeLessThanOrEqual(275);
    expect(trimSilence(new Int16Array(RATE), RATE).length).toBe(0);
    expect(trimSilence(tone(100, 440, 0.005), RATE).length).toBe(0);
  });

  it('resamples with the tone kept and what lies above the new Nyquist removed', () => {
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length);
    const sine = (hz: number, rate: number) => Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate) * 0.5);
    const kept = resample(sine(1000, 48_000), 48_000, RATE);
    expect(kept.length).toBe(RATE);
    expect(rms(kept)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    // 16 kHz cannot exist at 22,050 Hz: without the low-pass it would fold back to 6 kHz at full level.
    expect(rms(resample(sine(16_000, 48_000), 48_000, RATE))).toBeLessThan(0.01);
  });
});

describe('normalizeClip', () => {
  it('makes a stereo 44.1 kHz WAV mono at 22,050 Hz with its silence trimmed', async () => {
    const silence = new Int16Array(44_100);
    const left = concatWithGaps([silence, tone(500, 440, 0.5, 44_100), silence], 0, 44_100);
    const right = concatWithGaps([silence, tone(500, 440, 0.3, 44_100), silence], 0, 44_100);
    const clip = await normalizeClip(foreignWav([left, right], 44_100), 'd1.wav');
    expect(clip.ok).toBe(true);
    if (!clip.ok) return;
    expect(clip.durationMs).toBeGreaterThanOrEqual(550);
    expect(clip.durationMs).toBeLessThanOrEqual(580);
    const { samples, sampleRate } = decodeWavPcm16(clip.wav);
    expect(sampleRate).toBe(RATE);
    const peak = samples.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    // The mean of 0.5 and 0.3 of full scale.
    expect(peak / 32767).toBeCloseTo(0.4, 1);
  });

  it('refuses what is not audio, too long, too large or silent', async () => {
    expect(await normalizeClip(Buffer.from('请到窗口办理'), 'qing.wav')).toEqual({ ok: false, reason: 'not-audio' });
    expect(await normalizeClip(encodeWav(tone(300)), 'qing.txt')).toEqual({ ok: false, reason: 'not-audio' });
    expect(await normalizeClip(encodeWav(tone(10_500)), 'qing.wav')).toEqual({ ok: false, reason: 'too-long' });
    expect(await normalizeClip(encodeWav(tone(31_000)), 'qing.wav')).toEqual({ ok: false, reason: 'too-large' });
    expect(await normalizeClip(encodeWav(new Int16Array(RATE)), 'qing.wav')).toEqual({ ok: false, reason: 'silent' });
    // Half a minute of silence around one word: decoding stops at the bound instead of filling memory.
    const quiet = new Int16Array(8000 * 15);
    expect(await normalizeClip(foreignWav([concatWithGaps([quiet, tone(1000, 440, 0.5, 8000), quiet], 0, 8000)], 8000), 'qing.wav')).toEqual({
      ok: false,
      reason: 'too-long',
    });
    // A truncated header: the decoder's failure is a refusal, not a crash.
    expect(await normalizeClip(encodeWav(tone(300)).subarray(0, 30), 'qing.wav')).toEqual({ ok: false, reason: 'not-audio' });
  });
});
