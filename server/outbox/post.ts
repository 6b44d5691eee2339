import { DELIVERY_HEADER, SIGNATURE_HEADER, signature } from './signing.js';

export interface PostResult {
  ok: boolean;
  /** The endpoint's HTTP status, if it answered. */
  status: number | null;
  /** Why it failed, for the admin page: short, never the response body (it may be anything). */
  error: string | null;
}

export type FetchLike = typeof fetch;

/**
 * One signed POST. Success is a 2xx and nothing else: a redirect is not followed (the body would
 * go to an address nobody configured), and is a failure like a 5xx or a timeout.
 */
export async function postSigned(
  url: string,
  deliveryId: string,
  rawBody: string,
  secret: string,
  options: { timeoutMs: number; signal?: AbortSignal; fetch?: FetchLike; headers?: Record<string, string> },
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'HallQ-outbox/1',
        ...options.headers,
        [DELIVERY_HEADER]: deliveryId,
        [SIGNATURE_HEADER]: signature(rawBody, secret),
      },
      body: rawBody,
    });
    // The answer's body is not read: only the status counts; cancelling frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, error: null };
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    return { ok: false, status: response.status, error: `HTTP ${response.status}${redirect}` };
  } catch (error) {
    if (timeout.aborted) return { ok: false, status: null, error: `no answer within ${Math.round(options.timeoutMs / 1000)} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, status: null, error: cause?.code ?? cause?.message ?? (error as Error).message ?? String(error) };
  }
}
