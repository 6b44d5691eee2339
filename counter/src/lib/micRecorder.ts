import { CLIP_MAX_MS } from '../../../server/protocol/voice.js';
import { audioContext } from './clipAudio.js';
import { SpeechEnd, rmsLevel } from './speechEnd.js';

/**
 * One clip recorded with the PC's microphone (getUserMedia + MediaRecorder), with a level the
 * page shows (so the admin sees the microphone hears them) and the auto-stop of speechEnd.ts.
 * The microphone is released as soon as the clip is recorded: the browser's "recording" mark
 * does not stay on while the admin listens back.
 */

/** Why the page cannot record; each has a sentence in the admin locale (voice.micProblems). */
export type MicProblem = 'insecure' | 'unsupported' | 'denied' | 'no-microphone' | 'busy' | 'failed';

/**
 * Whether this page can record at all. Browsers give the microphone only to secure pages: a
 * hall PC opening http://10.x.x.x/admin has no navigator.mediaDevices (https, or localhost, does).
 */
export function micAvailability(): MicProblem | null {
  if (!window.isSecureContext) return 'insecure';
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') return 'unsupported';
  return null;
}

export function micProblemOf(error: unknown): MicProblem {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'no-microphone';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'failed';
}

export interface Recording {
  blob: Blob;
  /** False when nothing louder than room noise was heard (a muted or wrong microphone). */
  heardSpeech: boolean;
}

export interface RecordingSession {
  /** The recording once it stops (by stop(), by itself, or when the microphone goes away); null when cancelled. */
  done: Promise<Recording | null>;
  stop(): void;
  cancel(): void;
}

const LEVEL_EVERY_MS = 50;

/** Opus in webm where the browser has it (Chromium, Firefox); the browser's own choice elsewhere. */
function recorderOptions(): MediaRecorderOptions {
  for (const mimeType of ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm']) if (MediaRecorder.isTypeSupported(mimeType)) return { mimeType };
  return {};
}

/** Starts recording; throws what getUserMedia throws (see micProblemOf). */
export async function startRecording(options: { autoStop: boolean; onLevel: (level: number) => void }): Promise<RecordingSession> {
  // The voice as the microphone hears it: the browser's call processing (echo cancelling, noise
  // suppression, gain riding) is made for calls and would colour a recording played every day.
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const recorder = new MediaRecorder(stream, recorderOptions());
  const chunks: Blob[] = [];
  const speech = new SpeechEnd();
  const ctx = audioContext();
  const input = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 2048;
  input.connect(analyser);
  const frame = new Float32Array(analyser.fftSize);
  const startedAt = performance.now();
  let cancelled = false;

  const release = () => {
    clearInterval(meter);
    input.disconnect();
    for (const track of stream.getTracks()) track.stop();
    options.onLevel(0);
  };
  const stop = () => {
    if (recorder.state !== 'inactive') recorder.stop();
  };
  const meter = setInterval(() => {
    analyser.getFloatTimeDomainData(frame);
    const level = rmsLevel(frame);
    options.onLevel(level);
    const atMs = performance.now() - startedAt;
    const state = speech.feed(level, atMs);
    // Without auto-stop the admin stops it, but never past the pack's limit.
    if (options.autoStop ? state === 'done' : atMs >= CLIP_MAX_MS) stop();
  }, LEVEL_EVERY_MS);
  const done = new Promise<Recording | null>((resolve) => {
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    recorder.onstop = () => {
      release();
      resolve(cancelled ? null : { blob: new Blob(chunks, { type: recorder.mimeType }), heardSpeech: speech.heardSpeech });
    };
  });
  // An unplugged microphone ends the recording with what was heard so far.
  for (const track of stream.getAudioTracks()) track.addEventListener('ended', stop);
  recorder.start(250);
  return {
    done,
    stop,
    cancel: () => {
      cancelled = true;
      stop();
    },
  };
}
