/** The few members of eSpeak NG's Emscripten build (@echogarden/espeak-ng-emscripten, GPL-3.0, no types of its own) that synthWorker.ts and the tests use. */
declare module '@echogarden/espeak-ng-emscripten' {
  export interface ESpeakVoiceInfo {
    name: string;
    /** e.g. "sit/cmn", "gmw/en". */
    identifier: string;
    languages: Array<{ priority: number; name: string }>;
  }

  export interface ESpeakNGWorker {
    /** 0 when the voice was found. */
    set_voice(name: string): number;
    /** Calls back with chunks of 16-bit samples at `samplerate`; returning non-zero stops. */
    synthesize(text: string, callback: (samples: Int16Array, events: unknown[]) => number): void;
    list_voices(): ESpeakVoiceInfo[];
    /** The phonemes it would say, in IPA (the tests' check that each digit is its own syllable). */
    synthesize_ipa(text: string): { code: number; ipa: string };
    set_rate(wordsPerMinute: number): void;
    readonly samplerate: number;
  }

  export interface ESpeakModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }

  const Module: (options?: Record<string, unknown>) => Promise<ESpeakModule>;
  export default Module;
}
