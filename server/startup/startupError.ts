/**
 * A reason the server cannot start that the person starting it can fix:
 * `message` is one line, in Chinese and English, saying what is wrong and
 * what to do. The entry point prints only that line (the stack too at
 * HALLQ_LOG_LEVEL=debug) and exits non-zero.
 */
export class StartupError extends Error {
  constructor(
    /** Machine-readable kind, for tests and the log. */
    readonly kind: 'port-in-use' | 'port-forbidden' | 'data-dir' | 'schema-newer' | 'database-unreadable' | 'secret-file' | 'redis-unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}
