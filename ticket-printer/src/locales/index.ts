import { en } from './en.js';
import { type Messages, zh } from './zh.js';

export type { Messages };
export type Lang = 'zh' | 'en';

export function messagesFor(lang: Lang): Messages {
  return lang === 'en' ? en : zh;
}

/** Simplified Chinese unless ?lang=en. */
export function pageLang(search: URLSearchParams): Lang {
  return search.get('lang') === 'en' ? 'en' : 'zh';
}

interface Named {
  name: string;
  nameAlt?: string | undefined;
}

/** The name in the page language, falling back to the Chinese name. */
export function localName(named: Named, lang: Lang): string {
  return lang === 'en' && named.nameAlt ? named.nameAlt : named.name;
}
