/** The messages between synth.ts and its worker thread (synthWorker.ts). */

export interface SynthRequest {
  id: number;
  /** An eSpeak NG voice identifier or language name ('cmn', 'en', …), chosen by synth.ts. */
  voice: string;
  text: string;
}

export interface VoiceEntry {
  identifier: string;
  /** The languages the voice speaks, lower case ('cmn', 'en-us', …), each with eSpeak's priority (lower is a better match). */
  languages: Array<{ name: string; priority: number }>;
}

export type SynthReply =
  | { kind: 'ready'; voices: VoiceEntry[]; sampleRate: number; startMs: number }
  | { kind: 'result'; id: number; samples: Int16Array; sampleRate: number; ms: number }
  | { kind: 'error'; id: number; message: string };
