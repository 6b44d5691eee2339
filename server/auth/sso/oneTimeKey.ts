import { createHash } from 'node:crypto';

/**
 * What a login's state or a hand-over code is kept under in the store: its SHA-256, so whoever
 * reads the store (a Redis shared by several processes, its backups) cannot use what is there,
 * and a key has one length however long the text a browser sent.
 */
export function oneTimeKey(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
