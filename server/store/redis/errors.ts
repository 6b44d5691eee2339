import { StoreError } from '../port.js';

/**
 * Maps a failure of the Redis connection or of a command to the port's
 * vocabulary: to HallQ every Redis error means "not saved, try again later",
 * so the caller is never acknowledged. A StoreError passes through.
 */
export function toStoreError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const failure = new StoreError('UNAVAILABLE', `${what}: Redis did not accept the command (${message})`);
  failure.cause = error;
  return failure;
}

/** JSON.parse that reports damage as StoreError('CORRUPT'). */
export function parseStored<T>(json: string | null | undefined, what: string): T {
  if (json === null || json === undefined) throw new StoreError('CORRUPT', `${what}: missing in Redis`);
  try {
    return JSON.parse(json) as T;
  } catch (error) {
    throw new StoreError('CORRUPT', `${what}: stored JSON is unreadable (${(error as Error).message})`);
  }
}

export function closedError(): StoreError {
  return new StoreError('UNAVAILABLE', 'the Redis store is closed');
}
