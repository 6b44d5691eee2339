import Database from 'better-sqlite3';
import { StoreError } from '../port.js';

/** Maps a failure from SQLite to the port's error vocabulary; anything else passes through. */
export function toStoreError(error: unknown, what: string): unknown {
  if (error instanceof StoreError) return error;
  if (!(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new StoreError('DUPLICATE', `${what}: already exists (${error.message})`);
  }
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB') {
    return new StoreError('CORRUPT', `${what}: database is corrupt (${code}: ${error.message})`);
  }
  return new StoreError('UNAVAILABLE', `${what}: ${code}: ${error.message}`);
}

/** JSON.parse that reports damage as StoreError('CORRUPT'). */
export function parseStored<T>(json: string, what: string): T {
  try {
    return JSON.parse(json) as T;
  } catch (error) {
    throw new StoreError('CORRUPT', `${what}: stored JSON is unreadable (${(error as Error).message})`);
  }
}
