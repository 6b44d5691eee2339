import { type ClientError, type Result, request } from '../../../client/api.js';
import { errorMessages } from '../../../server/protocol/messages.js';
import type { Lang } from '../locales/index.js';

export { request };
export type { ClientError, Result };

/** The server's own words for an error, in the page language; network trouble in plain words too. */
export function errorText(error: ClientError, lang: Lang): string {
  if (error.code === 'NETWORK' || error.code === 'TIMEOUT') {
    return lang === 'en' ? 'The server cannot be reached. Please try again or ask a member of staff.' : '暂时连不上服务器，请稍后再试或联系工作人员。';
  }
  return errorMessages[lang][error.code] ?? errorMessages[lang].INTERNAL;
}

/** A fresh id per intent (one tap), so a retried request is recognised by the server instead of repeated. */
export function newRequestId(): string {
  return `k${crypto.randomUUID().replaceAll('-', '')}`.slice(0, 32);
}
