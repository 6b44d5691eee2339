import { randomBytes, randomInt } from 'node:crypto';
import type { IdSource } from '../domain/engine.js';

/** Cryptographic randomness for production; tests inject a deterministic IdSource instead. */
export const cryptoIds: IdSource = {
  // 128 bits: a ticket link cannot be guessed from another one.
  secretId: () => randomBytes(16).toString('base64url'),
  id: () => randomBytes(9).toString('base64url'),
  checkInCode: () => String(randomInt(0, 1_000_000)).padStart(6, '0'),
};
