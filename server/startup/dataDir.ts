import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { StartupError } from './startupError.js';

/**
 * Makes sure the data directory exists and can be written. A new one is
 * created 0700: it holds the database with password hashes and possibly the
 * token-signing secret. An existing directory keeps the mode its owner gave
 * it (it may be shared on purpose, e.g. with a backup user), but a directory
 * others can read or enter is named in the log with the command to fix it.
 */
export function prepareDataDir(dir: string, log: Logger): void {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    if (!statSync(path).isDirectory()) throw Object.assign(new Error(`${path} is not a directory`), { code: 'ENOTDIR' });
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StartupError(
      'data-dir',
      `数据目录 ${path} 无法写入（${reason}）：用 HALLQ_DATA_DIR=某个可写目录 npm start，或改正该目录的权限 / ` +
        `The data directory ${path} cannot be written (${reason}): set HALLQ_DATA_DIR to a writable directory or fix its permissions`,
      { cause: error },
    );
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    log.warn({ dataDir: path, mode: mode.toString(8) }, `the data directory can be read by other users; run: chmod 700 ${path}`);
  }
}
