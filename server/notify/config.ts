import type { Logger } from 'pino';
import type { NotifyGateway } from './gateway.js';
import { DEFAULT_BODY, type HttpGatewayConfig, httpGateway, parseAuthHeader } from './httpGateway.js';
import { logGateway } from './logGateway.js';

/**
 * The server's SMS gateway, from the environment (it holds a credential, so it is not hall
 * configuration, which every staff screen receives):
 *   HALLQ_NOTIFY_GATEWAY   log (default) | http
 *   HALLQ_NOTIFY_URL       URL template, http(s)
 *   HALLQ_NOTIFY_METHOD    POST (default) | GET
 *   HALLQ_NOTIFY_AUTH      "Name: value" header, e.g. "Authorization: Bearer …"
 *   HALLQ_NOTIFY_CONTENT_TYPE  default application/json
 *   HALLQ_NOTIFY_BODY      body template (default: a JSON object of every placeholder)
 *   HALLQ_NOTIFY_TIMEOUT_MS    default 10000
 */
export type NotifyGatewaySettings = { kind: 'log' } | ({ kind: 'http' } & HttpGatewayConfig);

export class NotifyConfigError extends Error {}

export function notifyGatewaySettings(env: NodeJS.ProcessEnv): NotifyGatewaySettings {
  const kind = env.HALLQ_NOTIFY_GATEWAY?.trim() || 'log';
  if (kind === 'log') return { kind: 'log' };
  if (kind !== 'http') throw new NotifyConfigError(`HALLQ_NOTIFY_GATEWAY must be log or http, not ${JSON.stringify(kind)}`);
  const url = env.HALLQ_NOTIFY_URL?.trim() ?? '';
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{[a-z]+\}/g, 'x'));
  } catch {
    throw new NotifyConfigError('HALLQ_NOTIFY_URL must be an http(s) URL (placeholders allowed)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new NotifyConfigError('HALLQ_NOTIFY_URL must be http(s)');
  const method = (env.HALLQ_NOTIFY_METHOD?.trim() || 'POST').toUpperCase();
  if (method !== 'POST' && method !== 'GET') throw new NotifyConfigError('HALLQ_NOTIFY_METHOD must be POST or GET');
  const authHeader = env.HALLQ_NOTIFY_AUTH?.trim();
  if (authHeader) {
    try {
      parseAuthHeader(authHeader);
    } catch (error) {
      throw new NotifyConfigError(`HALLQ_NOTIFY_AUTH: ${(error as Error).message}`);
    }
  }
  const timeoutMs = Number(env.HALLQ_NOTIFY_TIMEOUT_MS ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) throw new NotifyConfigError('HALLQ_NOTIFY_TIMEOUT_MS must be 100…60000');
  return {
    kind: 'http',
    url,
    method,
    ...(authHeader ? { authHeader } : {}),
    contentType: env.HALLQ_NOTIFY_CONTENT_TYPE?.trim() || 'application/json',
    body: env.HALLQ_NOTIFY_BODY ?? DEFAULT_BODY,
    timeoutMs,
  };
}

export function createGateway(settings: NotifyGatewaySettings, log: Logger): NotifyGateway {
  return settings.kind === 'log' ? logGateway(log) : httpGateway(settings);
}
