import { Redis, type RedisOptions } from 'ioredis';
import { type Store, StoreError } from '../port.js';
import { RedisAccountStore } from './accounts.js';
import { RedisHallStore } from './halls.js';
import { RedisOutboxStore } from './outbox.js';
import { RedisOneTimeStore } from './oneTime.js';
import { RedisVoiceStore } from './voice.js';
import { DEFAULT_PREFIX, RedisKeys } from './keys.js';
import { defineScripts } from './scripts.js';

export { DEFAULT_PREFIX, RedisKeys } from './keys.js';

export interface RedisStoreOptions {
  /** redis://[:password@]host:port[/db] */
  url: string;
  /** Prepended to every key; default DEFAULT_PREFIX ('hallq:'). Lets several installations (or tests) share one Redis. */
  prefix?: string;
  /** A command Redis has not answered by then fails (StoreError UNAVAILABLE); default 3000 ms. */
  commandTimeoutMs?: number;
  /** Called with connection errors (the client reconnects by itself meanwhile). */
  onError?: (error: Error) => void;
}

/**
 * The connection options that make a Redis outage a quick, clean refusal
 * rather than a hang or a late duplicate: no offline queue (a command while
 * disconnected fails at once), no retry of a command whose connection
 * dropped, no re-sending of unanswered commands after a reconnect (a commit
 * sent twice could apply on a state it was not computed for; the version
 * check would catch it, but its caller has already been told it failed), and
 * a timeout for a Redis that accepts the connection but does not answer.
 * The client itself keeps reconnecting, every 100 ms up to every second.
 */
export function hallqRedisOptions(commandTimeoutMs = 3000): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    // Commands of one event-loop turn (many halls' commits and reads) go out in one write.
    enableAutoPipelining: true,
  };
}

/**
 * Opens the Redis store: one connection for the halls and accounts of this
 * process. Rejects with StoreError('UNAVAILABLE') if Redis cannot be reached.
 */
export async function openRedisStore(options: RedisStoreOptions): Promise<Store> {
  const redis = new Redis(options.url, { ...hallqRedisOptions(options.commandTimeoutMs), connectionName: 'hallq-store' });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
    options.onError?.(error);
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    // connect() only says "Connection is closed"; the error event before it says why.
    const why = lastError?.message ?? (error as Error)?.message ?? String(error);
    throw new StoreError('UNAVAILABLE', `cannot reach Redis at ${redactUrl(options.url)}: ${why}`);
  }
  const scripted = defineScripts(redis);
  const keys = new RedisKeys(options.prefix ?? DEFAULT_PREFIX);
  const halls = new RedisHallStore(scripted, keys);
  const accounts = new RedisAccountStore(scripted, keys);
  const outbox = new RedisOutboxStore(redis, keys);
  const oneTime = new RedisOneTimeStore(redis, keys);
  const voice = new RedisVoiceStore(redis, keys);
  let closing: Promise<void> | undefined;
  return {
    halls,
    accounts,
    outbox,
    oneTime,
    voice,
    close() {
      closing ??= (async () => {
        accounts.shutdown();
        outbox.shutdown();
        oneTime.shutdown();
        voice.shutdown();
        await halls.shutdown(); // settles every update already requested
        if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
        else redis.disconnect();
      })();
      return closing;
    },
  };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the Redis URL';
  }
}
