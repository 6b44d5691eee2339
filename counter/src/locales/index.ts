import { en } from './en.js';
import { type Messages, zh } from './zh.js';

export type { Messages };
export type Lang = 'zh' | 'en';

/** The page language: Simplified Chinese unless ?lang=en. */
export function pickMessages(search: URLSearchParams): { lang: Lang; t: Messages } {
  return search.get('lang') === 'en' ? { lang: 'en', t: en } : { lang: 'zh', t: zh };
}

interface Named {
  name: string;
  nameAlt?: string | undefined;
}

/** A hall, service or window name in the page language (the hall's second-language name on English pages). */
export function localName(named: Named, lang: Lang): string {
  return lang === 'en' && named.nameAlt ? named.nameAlt : named.name;
}
