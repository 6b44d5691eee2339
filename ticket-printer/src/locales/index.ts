import type { WaitSummary } from '../../../server/protocol/waitRange.js';
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

/** The wait as the protocol summarises it (waitSummary), in words. */
export function waitText(t: Messages, summary: WaitSummary): string {
  if (summary.kind === 'unserved') return t.noWindowServing;
  if (summary.kind === 'none') return t.noWait;
  return t.aboutMinutes(summary.low, summary.high);
}

interface Departmented {
  department?: string | undefined;
  departmentAlt?: string | undefined;
}

/** The department tag in the page language; none in English when the hall gave no English name (never Chinese in English mode). */
export function localDepartment(service: Departmented, lang: Lang): string | undefined {
  return lang === 'en' ? service.departmentAlt : service.department;
}
