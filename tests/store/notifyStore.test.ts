import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisNotifyStore } from '../../server/notify/redisStore.js';
import { type NotifyStore, SqliteNotifyStore } from '../../server/notify/store.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { describeNotifyStoreContract } from './notifyContract.js';

/** The notify store contract on SQLite (notify.db in a temporary directory) and on a real redis-server (a fresh key prefix per test). */
describeNotifyStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-notify-store-'));
  const opened: NotifyStore[] = [];
  const open = async () => {
    const store = new SqliteNotifyStore(join(dir, 'notify.db'));
    opened.push(store);
    return store;
  };
  return {
    open,
    reopen: open,
    cleanup: async () => {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let redis: Promise<TestRedis> | undefined;
let prefixes = 0;
afterAll(async () => {
  if (redis) await (await redis).destroy();
});

if (hasRedis()) {
  describeNotifyStoreContract('redis', async () => {
    const server = await (redis ??= startTestRedis());
    const prefix = `n${process.pid}-${++prefixes}:`;
    const opened: NotifyStore[] = [];
    const open = async () => {
      const store = new RedisNotifyStore(server.url, prefix);
      opened.push(store);
      return store;
    };
    return {
      open,
      reopen: open,
      cleanup: async () => {
        for (const store of opened) await store.close();
        const client = new Redis(server.url);
        const keys = await client.keys(`${prefix}*`);
        if (keys.length > 0) await client.del(...keys);
        client.disconnect();
      },
    };
  });
}
