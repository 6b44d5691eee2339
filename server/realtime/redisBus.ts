import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisKeys, redactUrl } from '../store/redis/index.js';

/**
 * The Socket.IO Redis adapter's two connections (publish, subscribe), so that
 * an event broadcast to a hall's room by one process reaches the sockets of
 * every process. Unlike the store's connection they keep an offline queue and
 * retry for ever: a broadcast delayed by an outage is still useful, and boards
 * also resync from the store when the bus comes back.
 *
 * The adapter sends its publishes and (un)subscriptions without looking at
 * the promise, and so does ioredis when it subscribes again after a
 * reconnect: any of them that fails (once the connection has ended: a stop
 * while broadcasts are still going out, as bench:cluster's phases end) would
 * be an unhandled rejection, which ends the process. `ownFailures` gives each
 * such call a handler that logs.
 */
export interface RedisBus {
  adapter: ReturnType<typeof createAdapter>;
  /** Called each time the subscription is back after an outage (not on the first connect). */
  onReconnected(listener: () => void): void;
  close(): Promise<void>;
}

export async function connectRedisBus(url: string, prefix: string, log: Logger): Promise<RedisBus> {
  // Auto-pipelining: the publishes of one event-loop turn (two per event) go out in one write.
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true, connectionName: 'hallq-bus-pub' });
  const sub = pub.duplicate({ enableAutoPipelining: false, connectionName: 'hallq-bus-sub' });
  const warn = throttled((error: Error, which: string) => log.warn({ err: error, redis: redactUrl(url), which }, 'Redis bus connection error (reconnecting)'));
  pub.on('error', (error: Error) => warn(error, 'publish'));
  sub.on('error', (error: Error) => warn(error, 'subscribe'));
  // Once closing, a broadcast still on its way (a command settling during shutdown) fails as expected.
  let closing = false;
  ownFailures(pub, FIRE_AND_FORGET, (error) => closing || warn(error, 'publish'));
  ownFailures(sub, FIRE_AND_FORGET, (error) => closing || warn(error, 'subscribe'));
  await Promise.all([pub.connect(), sub.connect()]);
  const listeners: Array<() => void> = [];
  let lost = false;
  sub.on('close', () => (lost = true));
  sub.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.info('Redis bus is back: resyncing this process\'s clients');
    for (const listener of listeners) listener();
  });
  return {
    adapter: createAdapter(pub, sub, { key: new RedisKeys(prefix).socketIoChannel, parser: JSON_PARSER }),
    onReconnected: (listener) => listeners.push(listener),
    async close() {
      closing = true;
      await Promise.all([closeClient(pub), closeClient(sub)]);
    },
  };
}

/** What the adapter and ioredis call on these connections and never await. */
const FIRE_AND_FORGET = ['publish', 'spublish', 'subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe'] as const;

/**
 * Wraps the named methods so that the promise each returns already has a rejection handler
 * (`onFailure`); callers that do await it still see the rejection.
 */
function ownFailures(client: Redis, methods: readonly string[], onFailure: (error: Error) => void): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of methods) {
    const original = target[name]!.bind(client);
    target[name] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) result.catch((error: unknown) => onFailure(error instanceof Error ? error : new Error(String(error))));
      return result;
    };
  }
}

/**
 * QUIT when connected (what was sent is flushed first); otherwise drop the connection at once: a
 * QUIT queued offline would wait for a Redis that may never come back, and the close with it.
 */
async function closeClient(client: Redis): Promise<void> {
  if (client.status !== 'ready') return client.disconnect();
  await client.quit().catch(() => client.disconnect());
}

/**
 * HallQ broadcasts plain JSON (never binary attachments), which V8 encodes
 * about three times faster than the adapter's default msgpack (measured on
 * a ticket:issued event: 3 µs against 10 µs), and every broadcast is
 * encoded once per event and decoded by every other process.
 */
const JSON_PARSER = {
  encode: (message: unknown) => JSON.stringify(message),
  decode: (message: Buffer | string) => JSON.parse(message.toString()) as unknown,
};

/** At most one log line per 10 s: a Redis that is down makes the client fail on every reconnect attempt. */
export function throttled<A extends unknown[]>(write: (...args: A) => void, everyMs = 10_000): (...args: A) => void {
  let last = 0;
  return (...args: A) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    write(...args);
  };
}
