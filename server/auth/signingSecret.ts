import { readFileSync } from 'node:fs';
import type { AccountStore } from '../store/port.js';
import { StartupError } from '../startup/startupError.js';
import { newSigningSecret } from './tokens.js';

/** Shorter keys make HS256 tokens guessable offline. */
export const MIN_SECRET_LENGTH = 32;

/**
 * The key that signs staff tokens. HALLQ_SECRET, or the first line of the
 * file HALLQ_SECRET_FILE names (a systemd credential, a file only root and
 * the service user can read), keeps it out of the database, so a copy of
 * hallq.db (a backup, a stolen disk) cannot mint tokens. Without either, a
 * random key is made once and kept in the store (SQLite: the `secrets` table;
 * Redis: the accounts hash), shared by every process of the installation.
 */
export async function signingSecret(env: NodeJS.ProcessEnv, accounts: AccountStore): Promise<string> {
  if (env.HALLQ_SECRET) return env.HALLQ_SECRET;
  const file = env.HALLQ_SECRET_FILE;
  if (!file) return accounts.getOrCreateSecret('token-signing', newSigningSecret);
  let secret: string;
  try {
    secret = (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '').trim();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StartupError('secret-file', `无法读取密钥文件 ${file}（${reason}）：检查 HALLQ_SECRET_FILE 和文件权限 / Cannot read the key file ${file} (${reason}): check HALLQ_SECRET_FILE and the file's permissions`, { cause: error });
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new StartupError(
      'secret-file',
      `密钥文件 ${file} 的第一行太短（至少 ${MIN_SECRET_LENGTH} 个字符）：例如用 openssl rand -base64 48 > ${file} 生成 / ` +
        `The key file ${file} is too short (its first line needs at least ${MIN_SECRET_LENGTH} characters): make one with openssl rand -base64 48 > ${file}`,
    );
  }
  return secret;
}
