/**
 * How a call is said: the one rule for the words of an announcement, shared by
 * the server (which assembles the audio from clips, docs/voice.md) and the
 * board (which falls back to the browser's voice with the same words). A word
 * is one clip of a voice pack; a word a pack lacks is synthesized on its own,
 * so a call is never silent for want of one recording.
 *
 * How numbers are read is what citizens complain about most: the ticket is
 * read digit by digit ("A101" is "A一零一", never "A一百零一"), the window as
 * a number (11 is 十一, 105 is 一百零五).
 */

/** Where a board's call voice comes from, in the hall's order of preference. */
export type VoiceSource = 'pack' | 'synthesis' | 'browser';
export const VOICE_SOURCES: readonly VoiceSource[] = ['pack', 'synthesis', 'browser'];
/** The default order: the hall's own recording, then the bundled synthesizer, then the browser's voice. */
export const DEFAULT_VOICE_SOURCES: readonly VoiceSource[] = VOICE_SOURCES;

/** The default Chinese call template: 「请 A零零一号 到 三号窗口 办理」. */
export const DEFAULT_CALL_TEMPLATE_ZH = '请{ticket}号到{window}号窗口办理';
export const DEFAULT_CALL_TEMPLATE_EN = 'Number {ticket}, please go to window {window}.';

/** Longest clip a pack may hold, and its largest file. */
export const CLIP_MAX_MS = 10_000;
export const CLIP_MAX_BYTES = 1_000_000;
/** Clips are kept as 16-bit mono PCM WAV at this rate (the bundled synthesizer's own). */
export const CLIP_SAMPLE_RATE = 22_050;

export interface VoiceClip {
  /** The file name in a pack without its extension (a.wav, d7.ogg, chuangkou.mp3): ASCII for the fixed words, the word itself for a template's own words. */
  name: string;
  /** What the clip says, shown to whoever records it. */
  text: string;
}

export interface VoiceWord extends VoiceClip {}

export interface CallToSay {
  ticketNumber: string;
  windowNumber: number;
  /** A recall (重复呼叫): said with the pack's recall word first. */
  recall?: boolean;
}

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const EN_TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

export const CHIME_CLIP: VoiceClip = { name: 'chime', text: '提示音 / chime' };

/** The fixed Chinese words, longest first where one starts another (号窗口 before 号). */
const ZH_WORDS: VoiceClip[] = [
  { name: 'zaici', text: '再次呼叫' },
  { name: 'haochuangkou', text: '号窗口' },
  { name: 'chuangkou', text: '窗口' },
  { name: 'banli', text: '办理' },
  { name: 'qing', text: '请' },
  { name: 'hao', text: '号' },
  { name: 'dao', text: '到' },
  ...ZH_DIGITS.map((text, digit) => ({ name: `d${digit}`, text })),
  { name: 'shi', text: '十' },
  { name: 'bai', text: '百' },
];

const letterClips = (): VoiceClip[] => LETTERS.map((letter) => ({ name: letter.toLowerCase(), text: letter }));

function digitClips(lang: string): VoiceClip[] {
  if (lang === 'en') return EN_DIGITS.map((text, digit) => ({ name: `d${digit}`, text }));
  return ZH_DIGITS.map((_, digit) => ({ name: `d${digit}`, text: String(digit) }));
}

const EN_NUMBER_CLIPS: VoiceClip[] = [
  ...EN_TEENS.map((text, index) => ({ name: `n${10 + index}`, text })),
  ...EN_TENS.flatMap((text, tens) => (text ? [{ name: `n${tens * 10}`, text }] : [])),
  { name: 'hundred', text: 'hundred' },
];

/** The template a language speaks: zh and en have defaults; another language speaks only with the hall's template. */
export function callTemplateOf(lang: string, hall: { callTemplate?: string; callTemplateAlt?: string; secondLanguage: string }): string | null {
  if (lang === 'zh') return hall.callTemplate ?? DEFAULT_CALL_TEMPLATE_ZH;
  if (lang === hall.secondLanguage.toLowerCase() && hall.callTemplateAlt) return hall.callTemplateAlt;
  if (lang === 'en') return DEFAULT_CALL_TEMPLATE_EN;
  return null;
}

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五, as words of the Chinese pack. */
export function windowWordsZh(value: number): VoiceWord[] {
  const word = (name: string) => ZH_WORDS.find((clip) => clip.name === name)!;
  const digit = (d: number) => word(`d${d}`);
  if (!Number.isInteger(value) || value < 1 || value > 999) throw new RangeError(`window number ${value} is not 1–999`);
  if (value < 10) return [digit(value)];
  if (value < 20) return [word('shi'), ...(value % 10 ? [digit(value % 10)] : [])];
  const hundreds = Math.floor(value / 100);
  const tens = Math.floor(value / 10) % 10;
  const units = value % 10;
  const words: VoiceWord[] = [];
  if (hundreds) words.push(digit(hundreds), word('bai'));
  if (tens) words.push(digit(tens), word('shi'));
  else if (hundreds && units) words.push(digit(0));
  if (units) words.push(digit(units));
  return words;
}

function windowWordsEn(value: number): VoiceWord[] {
  const clip = (name: string) => EN_NUMBER_CLIPS.find((c) => c.name === name) ?? digitClips('en').find((c) => c.name === name)!;
  const below100 = (n: number): VoiceWord[] => {
    if (n < 10) return [clip(`d${n}`)];
    if (n < 20) return [clip(`n${n}`)];
    return [clip(`n${Math.floor(n / 10) * 10}`), ...(n % 10 ? [clip(`d${n % 10}`)] : [])];
  };
  if (value < 100) return below100(value);
  return [clip(`d${Math.floor(value / 100)}`), clip('hundred'), ...(value % 100 ? below100(value % 100) : [])];
}

/** A ticket number letter by letter and digit by digit. */
function ticketWords(ticketNumber: string, lang: string): VoiceWord[] {
  const digits = lang === 'zh' ? ZH_WORDS.filter((clip) => /^d\d$/.test(clip.name)) : digitClips(lang);
  return [...ticketNumber.toUpperCase()].map((char) => {
    if (/[0-9]/.test(char)) return digits[Number(char)]!;
    const letter = letterClips().find((clip) => clip.text === char);
    if (!letter) throw new RangeError(`ticket number ${ticketNumber} has a character that is neither a letter nor a digit`);
    return letter;
  });
}

/** A template's own words: Chinese by the longest fixed word that fits, other languages split at spaces and punctuation. */
function literalWords(text: string, lang: string): VoiceWord[] {
  const words: VoiceWord[] = [];
  if (lang === 'zh') {
    let rest = text.replace(/[\s，,。.、！!：:]+/g, '');
    while (rest) {
      const known = ZH_WORDS.find((clip) => rest.startsWith(clip.text));
      if (known) {
        words.push(known);
        rest = rest.slice(known.text.length);
        continue;
      }
      // A run of characters no fixed word starts: one word of its own, named by its text.
      let end = 1;
      while (end < rest.length && !ZH_WORDS.some((clip) => rest.slice(end).startsWith(clip.text))) end++;
      const own = rest.slice(0, end);
      words.push({ name: own, text: own });
      rest = rest.slice(end);
    }
    return words;
  }
  for (const part of text.split(/[\s,.!?;:，。、！？；：]+/u)) {
    if (!part) continue;
    words.push({ name: part.toLowerCase(), text: part });
  }
  return words;
}

/**
 * The words of one call in one language, in the order they are said. `template` has `{ticket}`
 * and `{window}`; in a language with no number grammar (not zh or en) the window is read digit by digit.
 */
export function announcementWords(call: CallToSay, lang: string, template: string): VoiceWord[] {
  const words: VoiceWord[] = [];
  if (call.recall && lang === 'zh') words.push(ZH_WORDS[0]!);
  for (const part of template.split(/(\{ticket\}|\{window\})/)) {
    if (part === '{ticket}') words.push(...ticketWords(call.ticketNumber, lang));
    else if (part === '{window}') {
      if (lang === 'zh') words.push(...windowWordsZh(call.windowNumber));
      else if (lang === 'en') words.push(...windowWordsEn(call.windowNumber));
      else words.push(...[...String(call.windowNumber)].map((d) => digitClips(lang)[Number(d)]!));
    } else if (part) words.push(...literalWords(part, lang));
  }
  return words;
}

/** The clips a pack for `lang` can hold: the chime, the letters, the digits, the number words and the template's own words. */
export function voiceClipCatalog(lang: string, template: string | null): VoiceClip[] {
  const clips = new Map<string, VoiceClip>();
  const add = (clip: VoiceClip) => clips.set(clip.name, clip);
  add(CHIME_CLIP);
  if (lang === 'zh') ZH_WORDS.forEach(add);
  else digitClips(lang).forEach(add);
  if (lang === 'en') EN_NUMBER_CLIPS.forEach(add);
  letterClips().forEach(add);
  if (template) for (const part of template.split(/\{ticket\}|\{window\}/)) literalWords(part, lang).forEach(add);
  return [...clips.values()];
}

/** What the browser's voice is given for the same words (digits spelled so no voice reads "one hundred and one"). */
export function announcementText(words: readonly VoiceWord[], lang: string): string {
  return words.map((word) => word.text).join(lang === 'zh' ? '' : ' ');
}

/** What a board tells the server about its sound, for the supervisor's "board cannot play sound" alarm. */
export interface BoardAudioReport {
  /** The source it is using now; null when it has none (no server audio, no browser voice). */
  source: VoiceSource | null;
  /** False until someone has tapped 「开启声音」 where the browser requires it. */
  unlocked: boolean;
}
