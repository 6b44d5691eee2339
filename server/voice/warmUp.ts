/**
 * At start, in the background: the bundled synthesizer says every word a hall's calls can need
 * (its letters, digits, number words and template words in Chinese, English and its second
 * language) once, so the first call of the day is assembled from cached words instead of waiting
 * for a dozen syntheses. Words the hall's pack holds are left out; so are languages with no voice.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { HallConfig } from '../protocol/model.js';
import { CHIME_CLIP, DEFAULT_VOICE_SOURCES, callTemplateOf, voiceClipCatalog } from '../protocol/voice.js';
import type { HallStore, VoiceStore } from '../store/port.js';
import type { WordSynthesizer } from './synth.js';

export interface WarmUpResult {
  halls: number;
  words: number;
  ms: number;
  /** Languages of some hall that the synthesizer has no voice for. */
  unvoiced: string[];
}

/** The languages a hall's boards may ask for: Chinese, English and the second language. */
export function hallLanguages(hall: Pick<HallConfig, 'secondLanguage'>): string[] {
  return [...new Set(['zh', 'en', hall.secondLanguage.toLowerCase()])];
}

export async function warmUpVoices(deps: { halls: HallStore; voice: VoiceStore; synth: WordSynthesizer; log?: Logger }): Promise<WarmUpResult> {
  const started = performance.now();
  const unvoiced = new Set<string>();
  let halls = 0;
  let words = 0;
  for (const summary of await deps.halls.listHalls()) {
    const hall = (await deps.halls.loadHall(summary.id))?.config;
    if (!hall || summary.archivedAt !== undefined) continue;
    const sources = hall.voice?.sources ?? DEFAULT_VOICE_SOURCES;
    if (!sources.includes('synthesis')) continue;
    halls++;
    for (const lang of hallLanguages(hall)) {
      const template = callTemplateOf(lang, hall);
      if (template === null) continue;
      if (!(await deps.synth.voiceFor(lang))) {
        unvoiced.add(lang);
        continue;
      }
      const recorded = sources.includes('pack') ? new Set((await deps.voice.listClips(hall.id, lang)).map((clip) => clip.name)) : new Set<string>();
      for (const clip of voiceClipCatalog(lang, template)) {
        if (clip.name === CHIME_CLIP.name || recorded.has(clip.name)) continue;
        await deps.synth.synthesizeWord(clip.text, lang);
        words++;
      }
    }
  }
  const result = { halls, words, ms: Math.round(performance.now() - started), unvoiced: [...unvoiced] };
  deps.log?.info(result, 'call voice warmed up: the bundled synthesizer has said every word of the halls\' catalogs');
  return result;
}
