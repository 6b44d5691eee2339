import type { CallRecord } from '../../../server/protocol/model.js';
import type { BoardView } from '../../../server/protocol/viewTypes.js';
import { type CallToSay, announcementText, announcementWords, callTemplateOf } from '../../../server/protocol/voice.js';
import type { PublicEvent as PublicHallEvent } from '../../../server/protocol/redact.js';
import type { SpeechQueue, Utterance } from './speech.js';

/**
 * What a board says for a call: the words come from server/protocol/voice.ts, the one rule the
 * server's audio follows too, so the browser's voice and the recording say the same thing.
 */

export interface VoiceSettings {
  chime: boolean;
  repeat: number;
  primary: 'zh' | 'en';
}

/** The BCP 47 tag the browser's voice is asked for. */
function browserLang(lang: string): string {
  if (lang === 'zh') return 'zh-CN';
  if (lang === 'en') return 'en-US';
  return lang;
}

/** The server's recording of one call in one language (docs/voice.md). */
export function announcementUrl(hallId: string, lang: string, call: CallToSay): string {
  const query = new URLSearchParams({ lang, ticket: call.ticketNumber, window: String(call.windowNumber) });
  if (call.recall) query.set('recall', '1');
  return `/api/halls/${encodeURIComponent(hallId)}/voice/announcement.wav?${query}`;
}

export function chimeUrl(hallId: string): string {
  return `/api/halls/${encodeURIComponent(hallId)}/voice/chime.wav`;
}

/** The languages a call is said in, in order: the page language first, then the hall's second language. */
export function callLanguages(view: BoardView, primary: 'zh' | 'en'): string[] {
  const second = view.hall.secondLanguage.toLowerCase();
  if (primary === 'en') return ['en', 'zh'];
  if (second.startsWith('en')) return ['zh', 'en'];
  return second && second !== 'zh' ? ['zh', second] : ['zh'];
}

function phraseOf(view: BoardView, call: CallToSay, lang: string): Utterance | null {
  const template = callTemplateOf(lang, view.hall);
  // A second language the hall gave no template for is not said.
  if (!template) return null;
  let text: string;
  try {
    text = announcementText(announcementWords(call, lang, template), lang);
  } catch {
    // A number the rule cannot read (never issued by HallQ): said as printed rather than not at all.
    text = `${call.ticketNumber} ${call.windowNumber}`;
  }
  return { text, lang: browserLang(lang), audioUrl: announcementUrl(view.hall.id, lang, call) };
}

/** The phrases for one call, each with the browser's text and the server's recording. */
export function callPhrases(view: BoardView, event: PublicHallEvent, primary: 'zh' | 'en'): Utterance[] {
  const call: CallToSay = {
    ticketNumber: (event.ticket as { number: string }).number,
    windowNumber: Number(event.windowNumber),
    ...(event.type === 'ticket:recalled' ? { recall: true } : {}),
  };
  return callLanguages(view, primary).flatMap((lang) => phraseOf(view, call, lang) ?? []);
}

/**
 * A call to try the server's audio with before any real call (the board reports its voice from
 * the start): the hall's first prefix at its first window, which the server warms up anyway.
 */
export function probeUrl(view: BoardView, primary: 'zh' | 'en'): string | null {
  const service = view.services[0];
  const window = view.windows[0];
  if (!service || !window) return null;
  return announcementUrl(view.hall.id, primary, { ticketNumber: `${service.prefix}001`, windowNumber: window.number });
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
  const phrases = callPhrases(view, event, settings.primary);
  speech.announce(phrases, { chime: settings.chime, repeat: settings.repeat, sources: view.hall.voiceSources, call: (event.ticket as { number: string }).number }, callOf(event));
}
