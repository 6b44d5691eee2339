import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The server-side half of the 网上预约 rules: the keys that must never show the number or the ID digits
 * they stand for. Deterministic given their inputs (the salt comes from the engine's id source), so the
 * engine stays pure and a replay gives the same keys.
 */

/**
 * The 失信 record's key for a mobile number: a hash scoped to the hall, so the record (kept longer than
 * the bookings) never holds the number itself, and one hall's key says nothing about another's.
 */
export function phoneKey(hallId: string, phone: string): string {
  return createHash('sha256').update(`hallq-booking-phone|${hallId}|${phone}`).digest('base64url').slice(0, 22);
}

/** `salt:hash` of the last 6 of the ID card number; an upper-case X and a lower-case x are the same. */
export function idTailHash(salt: string, idTail: string): string {
  return `${salt}:${createHash('sha256').update(`${salt}|${idTail.toUpperCase()}`).digest('base64url')}`;
}

/** Whether the ID tail a citizen types again matches a stored `salt:hash`. */
export function idTailMatches(stored: string, idTail: string): boolean {
  const salt = stored.slice(0, stored.indexOf(':'));
  return secretEquals(stored, idTailHash(salt, idTail));
}

/** Comparison in constant time, so a manage link's secret cannot be guessed a character at a time. */
export function secretEquals(known: string, offered: string): boolean {
  const a = Buffer.from(known);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}
