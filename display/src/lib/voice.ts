import type { CallRecord } from '../../../server/protocol/model.js';
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

/** The call an event makes, as the board's panels show it (the same shape as the view's recent calls). */
export function callOf(event: PublicHallEvent): CallRecord {
  const ticket = event.ticket as { number: string; serviceId?: string };
  return {
    ticketNumber: ticket.number,
    serviceId: ticket.serviceId ?? '',
    windowId: String(event.windowId ?? ''),
    windowNumber: Number(event.windowNumber),
    at: event.at,
    recall: event.type === 'ticket:recalled',
  };
}

/** Queues the call's phrases, tagged with the call, so the board's big panel shows it while it is said. */
export function announceCall(speech: SpeechQueue<CallRecord>, view: BoardView, event: PublicHallEvent, settings: VoiceSettings): void {
  speech.announce(callPhrases(view, event, settings.primary), { chime: settings.chime, repeat: settings.repeat }, callOf(event));
}
