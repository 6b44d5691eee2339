import type { ErrorCode } from '../server/protocol/errors.js';

/** Error codes the panel shows: the server's, plus the two it can only find out by itself. */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'TIMEOUT';
export interface ClientError {
  code: ClientErrorCode;
  details?: Record<string, unknown> | undefined;
}
export type Result<T> = { ok: true; data: T } | { ok: false; error: ClientError };

const REQUEST_TIMEOUT_MS = 10_000;

/** One JSON request to the HallQ REST API (same origin), never throwing: network trouble is an error code too. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: { token?: string | null; body?: unknown; timeoutMs?: number } = {}): Promise<Result<T>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(path, {
      method,
      signal: abort.signal,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.ok) return { ok: true, data: body as T };
    const error = (body as { error?: { code?: ErrorCode; details?: Record<string, unknown> } } | undefined)?.error;
    return { ok: false, error: { code: error?.code ?? 'INTERNAL', details: error?.details } };
  } catch (error) {
    return { ok: false, error: { code: (error as Error).name === 'AbortError' ? 'TIMEOUT' : 'NETWORK' } };
  } finally {
    clearTimeout(timer);
  }
}

/** Errors after which the login is gone and the clerk must sign in again. */
export function isAuthLost(code: ClientErrorCode): code is 'UNAUTHENTICATED' | 'TOKEN_EXPIRED' {
  return code === 'UNAUTHENTICATED' || code === 'TOKEN_EXPIRED';
}
