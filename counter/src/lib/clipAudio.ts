import { CLIP_MAX_MS, CLIP_SAMPLE_RATE } from '../../../server/protocol/voice.js';
import { downmix, encodeWavPcm16, framesToMs } from './wavEncode.js';

/**
 * Sound in the admin page through Web Audio: decoding what the microphone recorded (webm/opus
 * in Chromium) into the WAV a pack stores, and playing clips and sample calls back. One
 * AudioContext for the page, made on the first button press (browsers start it only then).
 */

let context: AudioContext | null = null;
let playing: AudioBufferSourceNode | null = null;

/** The page's AudioContext (the recorder's level meter uses it too). */
export function audioContext(): AudioContext {
  context ??= new AudioContext();
  if (context.state === 'suspended') void context.resume();
  return context;
}

export function decodeAudio(bytes: ArrayBuffer): Promise<AudioBuffer> {
  return audioContext().decodeAudioData(bytes);
}

export interface ClipWav {
  wav: Blob;
  durationMs: number;
  /** The same sound, ready to play back (试听) without decoding again. */
  buffer: AudioBuffer;
}

/**
 * A recording as the pack stores it: mono, resampled to CLIP_SAMPLE_RATE by an
 * OfflineAudioContext (the browser's own resampler), 16-bit PCM WAV. Cut just under the
 * pack's 10 s limit, so the recorder's own stop, which comes a moment late, is never refused.
 */
export async function toClipWav(recording: Blob): Promise<ClipWav> {
  const decoded = await decodeAudio(await recording.arrayBuffer());
  const channels = Array.from({ length: decoded.numberOfChannels }, (_, index) => decoded.getChannelData(index));
  const mono = new AudioBuffer({ length: Math.max(1, decoded.length), numberOfChannels: 1, sampleRate: decoded.sampleRate });
  mono.copyToChannel(downmix(channels), 0);
  const limit = Math.floor((CLIP_MAX_MS * CLIP_SAMPLE_RATE) / 1000) - CLIP_SAMPLE_RATE / 50;
  const frames = Math.max(1, Math.min(limit, Math.ceil(decoded.duration * CLIP_SAMPLE_RATE)));
  const offline = new OfflineAudioContext({ numberOfChannels: 1, length: frames, sampleRate: CLIP_SAMPLE_RATE });
  const source = offline.createBufferSource();
  source.buffer = mono;
  source.connect(offline.destination);
  source.start();
  const rendered = await offline.startRendering();
  const samples = rendered.getChannelData(0);
  return { wav: new Blob([encodeWavPcm16(samples, CLIP_SAMPLE_RATE)], { type: 'audio/wav' }), durationMs: framesToMs(samples.length, CLIP_SAMPLE_RATE), buffer: rendered };
}

/** Bumped by every new playback and by 停止: a sequence that finds it changed stops. */
let turn = 0;

function playOne(buffer: AudioBuffer): Promise<void> {
  const ctx = audioContext();
  const source = ctx.createBufferSource();
  source.buffer = buffer;
  source.connect(ctx.destination);
  playing = source;
  return new Promise((resolve) => {
    source.onended = () => {
      if (playing === source) playing = null;
      resolve();
    };
    source.start();
  });
}

/** Plays sounds one after another (the chime, then the call), cutting off whatever the page was playing: one sound at a time. */
export async function playInTurn(buffers: readonly AudioBuffer[]): Promise<void> {
  stopPlaying();
  const mine = turn;
  for (const buffer of buffers) {
    if (turn !== mine) return;
    await playOne(buffer);
  }
}

export function play(buffer: AudioBuffer): Promise<void> {
  return playInTurn([buffer]);
}

export function stopPlaying(): void {
  turn++;
  const current = playing;
  playing = null;
  try {
    current?.stop();
  } catch {
    // It had ended already.
  }
}
