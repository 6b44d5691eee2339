import type { BoardView } from '../../../server/protocol/viewTypes.js';
import { callTextEn, callTextFromTemplate, callTextZh } from './announce.js';
import type { PublicEvent as PublicHallEvent } from '../../../server/protocol/redact.js';
import type { SpeechQueue, Utterance } from './speech.js';

export interface VoiceSettings {
  chime: boolean;
  repeat: number;
  primary: 'zh' | 'en';
}

/** The phrases for one call: the page language first, then the hall's second language. */
export function callPhrases(view: BoardView, event: PublicHallEvent, primary: 'zh' | 'en'): Utterance[] {
  const call = { ticketNumber: (event.ticket as { number: string }).number, windowNumber: Number(event.windowNumber) };
  const zhPhrase: Utterance = { text: callTextZh(call), lang: 'zh-CN' };
  const enPhrase: Utterance = { text: callTextEn(call), lang: 'en-US' };
  const second = view.hall.secondLanguage.toLowerCase();
  if (primary === 'en') return [enPhrase, zhPhrase];
  if (second.startsWith('en')) return [zhPhrase, enPhrase];
  const template = view.hall.callTemplateAlt;
  return template ? [zhPhrase, { text: callTextFromTemplate(template, call), lang: second }] : [zhPhrase];
}

export function announceCall(speech: SpeechQueue, view: BoardView, event: PublicHallEvent, settings: VoiceSettings): void {
  speech.announce(callPhrases(view, event, settings.primary), { chime: settings.chime, repeat: settings.repeat });
}
