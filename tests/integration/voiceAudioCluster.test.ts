/**
 * Two HallQ processes on one Redis: a clip recorded through one is in the very next announcement the
 * other answers, although the other had that call cached (its caches are keyed by the clip's updatedAt).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../server/server.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const QUERY = '/api/halls/demo/voice/announcement.wav?lang=zh&ticket=A001&window=3';

describe.runIf(hasRedis())('the call voice on two processes sharing Redis', () => {
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    redis = await startTestRedis();
    a = await startTestServer({ redisUrl: redis.url });
    b = await startTestServer({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.destroy();
  });

  async function record(file: string, type: string) {
    const admin = await a.login('admin');
    const response = await fetch(`${a.url}/api/halls/demo/voice-packs/zh/clips/qing`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': type },
      body: readFileSync(join(ROOT_DIR, 'tests/fixtures/voice', file)),
    });
    expect(response.status, await response.text()).toBe(200);
  }

  async function announcementOnB() {
    const response = await fetch(b.url + QUERY);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    return { clips: response.headers.get('x-hallq-voice-clips')!, etag: response.headers.get('etag')! };
  }

  it('a clip recorded through one process is heard from the other at once', async () => {
    const synthesized = await announcementOnB();
    expect(synthesized.clips.split(',')[0]).toBe('qing:synthesis');
    expect((await announcementOnB()).etag).toBe(synthesized.etag);

    await record('qing.wav', 'audio/wav');
    const recorded = await announcementOnB();
    expect(recorded.clips.split(',')[0]).toBe('qing:pack');
    expect(recorded.clips.split(',').slice(1).every((clip) => clip.endsWith(':synthesis'))).toBe(true);

    await record('hao.mp3', 'audio/mpeg');
    const retaken = await announcementOnB();
    expect(retaken.clips).toBe(recorded.clips);
    expect(retaken.etag).not.toBe(recorded.etag);
  });
});
