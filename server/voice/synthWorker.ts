/**
 * The bundled synthesizer's thread (started by synth.ts): eSpeak NG compiled to WebAssembly runs
 * here, so a word that takes it tens of milliseconds never holds up a command or a socket on the
 * main thread. One engine for the thread's life: instantiating it reads its 24 MB of voice data.
 * Requests are answered one at a time, in order; the main thread caches the results.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import Module from '@echogarden/espeak-ng-emscripten';
import type { SynthReply, SynthRequest } from './synthProtocol.js';

const port = parentPort;
if (!port) throw new Error('synthWorker.ts runs as a worker thread (server/voice/synth.ts starts it)');

const started = performance.now();
const engine = new (await Module()).eSpeakNGWorker();
let currentVoice = '';

function synthesize(request: SynthRequest): SynthReply {
  const begun = performance.now();
  if (request.voice !== currentVoice) {
    // A voice that does not exist is told apart from one that says nothing: the caller maps languages to voices.
    if (engine.set_voice(request.voice) !== 0) return { kind: 'error', id: request.id, message: `eSpeak NG has no voice ${request.voice}` };
    currentVoice = request.voice;
  }
  const chunks: Int16Array[] = [];
  engine.synthesize(request.text, (samples) => {
    // The engine reuses its buffer; the glue code hands out a copy (HEAP16.slice), so keeping it is safe.
    chunks.push(samples);
    return 0;
  });
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return { kind: 'result', id: request.id, samples, sampleRate: engine.samplerate, ms: performance.now() - begun };
}

port.on('message', (request: SynthRequest) => {
  let reply: SynthReply;
  try {
    reply = synthesize(request);
  } catch (error) {
    reply = { kind: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply, reply.kind === 'result' ? [reply.samples.buffer as ArrayBuffer] : []);
});

const voices = engine.list_voices().map((voice) => ({ identifier: voice.identifier, languages: voice.languages.map((lang) => ({ name: lang.name.toLowerCase(), priority: lang.priority })) }));
port.postMessage({ kind: 'ready', voices, sampleRate: engine.samplerate, startMs: performance.now() - started } satisfies SynthReply);
