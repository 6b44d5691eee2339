import type { NotifyGateway, NotifyMessage, SendResult } from './gateway.js';

/**
 * A generic HTTP SMS gateway: a URL template, an optional auth header and a body template, with
 * placeholders {phone} {number} {window} {ahead} {text} {kind} {id} {hall}. Each value is escaped
 * for where it lands: percent-encoded in the URL and in form bodies, JSON-string-escaped in JSON
 * bodies, so no value can break out of its template. docs/notifications.md has the clouds' shapes.
 */
export interface HttpGatewayConfig {
  url: string;
  method: 'POST' | 'GET';
  /** "Authorization: Bearer …" or any "Name: value". */
  authHeader?: string;
  contentType: string;
  body: string;
  timeoutMs: number;
}

export const DEFAULT_BODY = '{"phone":"{phone}","number":"{number}","window":"{window}","ahead":"{ahead}","text":"{text}","id":"{id}"}';

type Escape = (value: string) => string;

const PLACEHOLDER = /\{(phone|number|window|ahead|text|kind|id|hall)\}/g;

export function fillTemplate(template: string, message: NotifyMessage, escape: Escape): string {
  const values: Record<string, string> = {
    phone: message.phone,
    number: message.number,
    window: message.window,
    ahead: String(message.ahead),
    text: message.text,
    kind: message.kind,
    id: message.id,
    hall: message.hallId,
  };
  return template.replace(PLACEHOLDER, (_match, name: string) => escape(values[name] ?? ''));
}

const jsonEscape: Escape = (value) => JSON.stringify(value).slice(1, -1);

function bodyEscape(contentType: string): Escape {
  return /json/i.test(contentType) ? jsonEscape : encodeURIComponent;
}

export function parseAuthHeader(header: string): [string, string] {
  const colon = header.indexOf(':');
  if (colon <= 0) throw new Error('the auth header must be "Name: value"');
  const name = header.slice(0, colon).trim();
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error('the auth header name may hold letters, digits and - only');
  return [name, header.slice(colon + 1).trim()];
}

export function httpGateway(config: HttpGatewayConfig): NotifyGateway {
  const auth = config.authHeader ? parseAuthHeader(config.authHeader) : undefined;
  return {
    kind: 'http',
    async send(message: NotifyMessage, signal: AbortSignal): Promise<SendResult> {
      const url = fillTemplate(config.url, message, encodeURIComponent);
      const headers: Record<string, string> = {};
      if (auth) headers[auth[0]] = auth[1];
      let body: string | undefined;
      if (config.method === 'POST') {
        headers['content-type'] = config.contentType;
        body = fillTemplate(config.body, message, bodyEscape(config.contentType));
      }
      try {
        const response = await fetch(url, {
          method: config.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          redirect: 'error',
          signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
        });
        // The gateway's answer is not ours to keep (it may echo the number): only its status.
        await response.body?.cancel();
        return response.ok ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.name === 'TimeoutError' ? 'timeout' : error.message : String(error) };
      }
    },
  };
}
