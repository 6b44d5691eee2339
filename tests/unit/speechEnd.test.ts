import { describe, expect, it } from 'vitest';
import { SPEECH_END, SpeechEnd, rmsLevel } from '../../counter/src/lib/speechEnd.js';

/** The recorder's auto-stop: after a word and a pause, after ~3 s of speech, at 10 s at the latest. */
describe('when the recorder stops by itself', () => {
  const QUIET = 0.005;
  const LOUD = 0.2;
  /** Feeds one level per 50 ms from `from` to `to` and returns the first time it said done. */
  function runUntilDone(end: SpeechEnd, level: (atMs: number) => number, to = 12_000): number | null {
    for (let at = 0; at <= to; at += 50) if (end.feed(level(at), at) === 'done') return at;
    return null;
  }

  it('waits for speech, follows it, and stops after the silence that ends the word', () => {
    const end = new SpeechEnd();
    expect(end.feed(QUIET, 0)).toBe('waiting');
    expect(end.heardSpeech).toBe(false);
    expect(end.feed(LOUD, 500)).toBe('speaking');
    expect(end.feed(LOUD, 900)).toBe('speaking');
    // A short breath inside the word does not end it.
    expect(end.feed(QUIET, 1300)).toBe('speaking');
    expect(end.feed(QUIET, 900 + SPEECH_END.silenceMs)).toBe('done');
    expect(end.heardSpeech).toBe(true);
    // Once done it stays done, whatever the microphone hears next.
    expect(end.feed(LOUD, 1700)).toBe('done');
  });

  it('stops after ~3 s of speech in a room that never falls silent', () => {
    const at = runUntilDone(new SpeechEnd(), (ms) => (ms >= 1000 ? LOUD : QUIET));
    expect(at).toBe(1000 + SPEECH_END.speechMaxMs);
  });

  it('stops at the pack’s 10 s limit when nobody speaks, and says it heard nothing', () => {
    const end = new SpeechEnd();
    expect(runUntilDone(end, () => QUIET)).toBe(10_000);
    expect(end.heardSpeech).toBe(false);
  });

  it('measures a frame’s level as its RMS', () => {
    expect(rmsLevel(new Float32Array(0))).toBe(0);
    expect(rmsLevel(Float32Array.from([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5);
    expect(rmsLevel(new Float32Array(128))).toBe(0);
  });
});
