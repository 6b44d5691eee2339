import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import Database from 'better-sqlite3';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import type { AppConfig } from '../config.js';
import type { Actor } from '../protocol/model.js';
import { createHall } from '../halls/create.js';
import { configFileText } from '../halls/export.js';
import { exportVoicePacks } from '../voice/packExport.js';
import type { Lang } from '../protocol/messages.js';
import type { Store } from '../store/port.js';
import { CliError, EXIT, type ParsedArgs } from './args.js';
import { type CliText, refusalLine } from './text.js';

export interface CliContext {
  config: AppConfig;
  lang: Lang;
  text: CliText;
  /** Opens the store the server uses (SQLite in the data directory, or Redis). */
  openStore(): Promise<Store>;
  out(line: string): void;
  /** Raw output (an exported file), written as is. */
  write(chunk: string): void;
  now(): number;
}

/** Who the event log names for what is done on the server machine's command line. */
function cliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    /* no user name in this environment */
  }
  return { kind: 'staff', user: { id: 'cli', name: `命令行（${who}）`, role: 'admin' } };
}

function required(args: ParsedArgs, name: string, text: CliText): string {
  const value = args.options.get(name);
  if (value === undefined || value === 'true' || value.trim() === '') throw new CliError(EXIT.usage, text.missingOption(name));
  return value;
}

async function withStore<T>(ctx: CliContext, body: (store: Store) => Promise<T>): Promise<T> {
  const store = await ctx.openStore();
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

export async function hallsList(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const halls = await withStore(ctx, (store) => store.halls.listHalls());
  const shown = args.options.has('archived') ? halls : halls.filter((hall) => hall.archivedAt === undefined);
  if (shown.length === 0) return ctx.out(ctx.text.noHalls);
  for (const hall of shown) ctx.out(`${hall.id}\t${hall.name}\t${hall.timeZone}${hall.archivedAt !== undefined ? ctx.text.archived : ''}`);
}

async function create(ctx: CliContext, body: Record<string, unknown>): Promise<void> {
  const answer = await withStore(ctx, (store) => createHall(store.halls, body, cliActor(), ctx.now(), store.voice));
  if (!answer.ok) throw new CliError(EXIT.refused, refusalLine(answer.error, ctx.lang));
  ctx.out(ctx.text.created(answer.data.hall.id, answer.data.hall.name));
  ctx.out(ctx.text.pages(answer.data.hall.id));
}

export async function hallsCreate(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const timeZone = args.options.get('time-zone');
  await create(ctx, {
    id: required(args, 'id', ctx.text),
    template: required(args, 'template', ctx.text),
    name: required(args, 'name', ctx.text),
    ...(timeZone !== undefined ? { timeZone } : {}),
  });
}

export async function hallsExport(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const hallId = args.words[2];
  if (!hallId) throw new CliError(EXIT.usage, ctx.text.missingArgument(ctx.lang === 'zh' ? '大厅编号' : 'hall id'));
  const file = await withStore(ctx, async (store) => {
    const hall = await store.halls.loadHall(hallId);
    return hall ? configFileText(hall.config, await exportVoicePacks(store.voice, hall.config)) : null;
  });
  if (file === null) throw new CliError(EXIT.refused, ctx.text.hallNotFound(hallId));
  ctx.write(file);
}

/** A configuration file as exported; `--id` and `--name` make it a copy (the next township's hall). */
export async function hallsImport(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const file = args.words[2];
  if (!file) throw new CliError(EXIT.usage, ctx.text.missingArgument(ctx.lang === 'zh' ? '配置文件' : 'configuration file'));
  let raw: string;
  try {
    raw = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CliError(EXIT.refused, ctx.text.unreadable(file, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  let config: unknown;
  try {
    config = JSON.parse(raw);
  } catch (error) {
    throw new CliError(EXIT.refused, ctx.text.notJson(file, (error as Error).message));
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new CliError(EXIT.refused, ctx.text.notConfig(file));
  const id = args.options.get('id');
  const name = args.options.get('name');
  const named: Record<string, unknown> = { ...config, ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
  await create(ctx, { id: named.id, config: named });
}

/**
 * A new generated password for an account (admin by default), printed once.
 * The server re-reads accounts on every request, so it takes effect at once,
 * also while the server runs.
 */
export async function adminResetPassword(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const username = args.options.get('username') ?? 'admin';
  const password = generatePassword();
  await withStore(ctx, async (store) => {
    const user = await store.accounts.findUserByUsername(username);
    if (!user) throw new CliError(EXIT.refused, ctx.text.noAccount(username));
    // A printed password is a given one: the account must replace it at its next sign-in, as the admin's first one.
    await store.accounts.updateUser({ ...user, passwordHash: await hashPassword(password), disabled: false, mustChangePassword: true });
  });
  ctx.out(ctx.text.passwordReset(username, password));
  ctx.out(ctx.text.passwordHint);
}

/**
 * A consistent copy of the SQLite database while the server keeps running
 * (SQLite's online backup API through better-sqlite3; no sqlite3 tool). On
 * Redis there is no file to copy: it explains BGSAVE and AOF and exits with
 * EXIT.notApplicable, so a backup script never mistakes it for a backup made.
 */
export async function backup(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const target = args.words[1];
  if (ctx.config.redisUrl !== undefined) {
    for (const line of ctx.text.backupRedis) ctx.out(line);
    throw new CliError(EXIT.notApplicable, ''); // explained above
  }
  if (!target) throw new CliError(EXIT.usage, ctx.text.missingArgument(ctx.lang === 'zh' ? '备份文件名' : 'backup file name'));
  const source = join(ctx.config.dataDir, 'hallq.db');
  if (!existsSync(source)) throw new CliError(EXIT.refused, ctx.text.noDatabase(source));
  if (existsSync(target)) throw new CliError(EXIT.refused, ctx.text.backupExists(target));
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(resolve(target));
    // The copy holds the token-signing key and every account's hash, like the database itself (0600).
    chmodSync(resolve(target), 0o600);
    ctx.out(ctx.text.backupDone(target, totalPages));
  } catch (error) {
    throw new CliError(EXIT.refused, ctx.text.unreadable(target, (error as Error).message));
  } finally {
    db.close();
  }
}
