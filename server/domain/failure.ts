import type { ErrorCode } from '../protocol/errors.js';

/** A refused command: a wire error code plus specifics; no state changed. */
export interface Failure {
  code: ErrorCode;
  details?: Record<string, unknown>;
}

/** Thrown inside command handlers and caught by the engine, so handlers read straight through. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(code);
  }
}

export function fail(code: ErrorCode, details?: Record<string, unknown>): never {
  throw new DomainError(code, details);
}
