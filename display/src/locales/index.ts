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
