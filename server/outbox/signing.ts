import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a receiver knows a delivery is HallQ's and has not been altered: the raw body's
 * HMAC-SHA256 under the endpoint's shared secret, hex, in `X-HallQ-Signature: sha256=<hex>`
 * (the form GitHub's webhooks use, so receivers' libraries fit). `X-HallQ-Delivery` carries the
 * idempotency key (the 好差评 upload's envelope also carries it as `deliveryId`; a webhook's body is the event alone).
 */
export const SIGNATURE_HEADER = 'x-hallq-signature';
export const DELIVERY_HEADER = 'x-hallq-delivery';

export function signature(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/** What a receiver does (and the tests do): recompute and compare in constant time. */
export function verifySignature(rawBody: string, secret: string, header: string | undefined | null): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signature(rawBody, secret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
