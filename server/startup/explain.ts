import { join, resolve } from 'node:path';
import { SchemaTooNewError, SCHEMA_VERSION } from '../store/sqlite/index.js';
import { redactUrl } from '../store/redis/index.js';
import { StoreError } from '../store/port.js';
import { StartupError } from './startupError.js';

/** Why `listen` failed, as the fix a person can apply; other errors pass through. */
export function explainListenFailure(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    const other = port >= 65535 ? 3000 : port + 1;
    return new StartupError(
      'port-in-use',
      `端口 ${port} 已被占用：用 PORT=${other} npm start 换一个端口（或先停掉占用它的程序） / ` +
        `Port ${port} is already in use: pick another with PORT=${other} npm start (or stop the program using it)`,
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new StartupError(
      'port-forbidden',
      `无法在 ${host}:${port} 上监听（${code}）：1024 以下的端口需要管理员权限，换用 PORT=3000；或检查 HALLQ_HOST / ` +
        `Cannot listen on ${host}:${port} (${code}): ports below 1024 need privileges, use PORT=3000; or check HALLQ_HOST`,
      { cause: error },
    );
  }
  return error;
}

/** Why the store could not be opened, as the fix a person can apply; other errors pass through. */
export function explainStoreFailure(error: unknown, store: { dataDir: string; redisUrl?: string }): unknown {
  if (error instanceof StartupError) return error;
  // Redis that refuses or drops the connection (not a refusal such as DUPLICATE, which is a bug to show as it is).
  if (store.redisUrl !== undefined && (!(error instanceof StoreError) || error.code === 'UNAVAILABLE')) {
    const url = redactUrl(store.redisUrl);
    const why = error instanceof Error ? error.message : String(error);
    return new StartupError(
      'redis-unreachable',
      `无法连接 Redis（${url}）：请确认 Redis 已启动、HALLQ_REDIS_URL 正确；不用 Redis 时去掉 HALLQ_REDIS_URL（改用 SQLite） / ` +
        `Cannot reach Redis at ${url} (${why}): check that Redis is running and HALLQ_REDIS_URL is right, or unset it to use SQLite`,
      { cause: error },
    );
  }
  if (error instanceof SchemaTooNewError) {
    return new StartupError(
      'schema-newer',
      `数据库 ${error.file} 由更新版本的 HallQ 写入（结构版本 ${error.found}，本程序只认识 ${SCHEMA_VERSION}）：请升级 HallQ，或从备份恢复 / ` +
        `The database ${error.file} was written by a newer HallQ (schema ${error.found}, this build knows ${SCHEMA_VERSION}): upgrade HallQ or restore a backup`,
      { cause: error },
    );
  }
  const file = join(resolve(store.dataDir), 'hallq.db');
  if (error instanceof StoreError && error.code === 'CORRUPT') {
    return new StartupError(
      'database-unreadable',
      `数据库 ${file} 不是可读的 HallQ 数据库（已损坏或不是本程序的文件）：从备份恢复（见 README「备份与恢复」） / ` +
        `The database ${file} is not a readable HallQ database (damaged or not ours): restore a backup (README, "Backup and restore")`,
      { cause: error },
    );
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof StoreError || errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS' || errno === 'ENOSPC') {
    const code = error instanceof StoreError ? error.message : errno;
    return new StartupError(
      'data-dir',
      `数据库文件 ${file} 无法打开或写入（${code}）：改正其权限或磁盘空间，或用 HALLQ_DATA_DIR 指定别的目录 / ` +
        `The database file ${file} cannot be opened or written (${code}): fix its permissions or free disk space, or set HALLQ_DATA_DIR to another directory`,
      { cause: error },
    );
  }
  return error;
}
