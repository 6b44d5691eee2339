import { en } from './en.js';
import { type Messages, zh } from './zh.js';

export type { Messages };

const LOCALES: Record<string, Messages> = { zh, en };

/** The page language: Simplified Chinese unless ?lang=en. */
export function primaryMessages(search: URLSearchParams): { lang: 'zh' | 'en'; t: Messages } {
  return search.get('lang') === 'en' ? { lang: 'en', t: en } : { lang: 'zh', t: zh };
}

/**
 * The second line on boards: the hall's second language when the app has its
 * texts (English); for other scripts (彝文 …) the hall's own names (nameAlt)
 * are shown and the labels stay single-language.
 */
export function secondaryMessages(code: string, primary: 'zh' | 'en'): Messages | null {
  const base = code.split('-')[0]?.toLowerCase() ?? '';
  if (base === primary) return primary === 'en' ? zh : null;
  return LOCALES[base] ?? null;
}

interface Named {
  name: string;
  nameAlt?: string | undefined;
}

/** The name to show first in the page language: the hall's second-language name (nameAlt) when the page is English. */
export function localName(named: Named, lang: 'zh' | 'en'): string {
  return lang === 'en' && named.nameAlt ? named.nameAlt : named.name;
}

/** The other name, shown smaller beside it. */
export function otherName(named: Named, lang: 'zh' | 'en'): string | undefined {
  return lang === 'en' ? named.name : named.nameAlt;
}
