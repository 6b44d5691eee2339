/**
 * The chime a board plays before a call when the hall has not recorded its own: a two-tone
 * 叮咚 (E5 then C5, the falling third of hall and station chimes), 0.7 s, generated rather than
 * shipped so that HallQ carries no third-party recording.
 */
const TONES = [
  { hz: 659.25, startMs: 0, lengthMs: 420 },
  { hz: 523.25, startMs: 300, lengthMs: 400 },
];
const TOTAL_MS = 700;
/** Half of full scale: a chime should be noticed, not startle; leaves headroom where the two tones overlap. */
const PEAK = 0.45;
const ATTACK_MS = 6;

export function builtInChime(rate: number): Int16Array {
  const out = new Float32Array(Math.round((TOTAL_MS * rate) / 1000));
  for (const tone of TONES) {
    const start = Math.round((tone.startMs * rate) / 1000);
    const length = Math.min(out.length - start, Math.round((tone.lengthMs * rate) / 1000));
    const attack = Math.round((ATTACK_MS * rate) / 1000);
    for (let i = 0; i < length; i++) {
      const t = i / rate;
      // A soft attack (no click), a bell's exponential decay, and a fade to zero at the end.
      const envelope = Math.min(1, i / attack) * Math.exp(-t * 6) * Math.min(1, (length - i) / attack);
      const wave = Math.sin(2 * Math.PI * tone.hz * t) + 0.25 * Math.sin(4 * Math.PI * tone.hz * t);
      out[start + i]! += (PEAK / 1.25) * envelope * wave;
    }
  }
  const samples = new Int16Array(out.length);
  for (let i = 0; i < out.length; i++) samples[i] = Math.round(Math.max(-1, Math.min(1, out[i]!)) * 32767);
  return samples;
}
