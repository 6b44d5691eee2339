/**
 * The call voice over HTTP (docs/voice.md): GET …/voice/announcement.wav and …/voice/chime.wav on a
 * real server with the demo hall, which has no voice pack, so every word is synthesized.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { CLIP_SAMPLE_RATE } from '../../server/protocol/voice.js';
import { WORD_GAP_MS } from '../../server/voice/announcer.js';
import { decodeWavPcm16 } from '../../server/voice/audio.js';
import { BundledSynthesizer } from '../../server/voice/synth.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';
import { ROOT_DIR } from '../../server/server.js';
import { FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE } from '../../server/app/rateLimits.js';

let t: TestServer;
const reference = new BundledSynthesizer();
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await reference.close();
  await t.close();
});

async function wav(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(t.url + path, { headers });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

describe('GET /api/halls/:hallId/voice/announcement.wav', () => {
  it('answers the call as one WAV, with the clips and their sources in its headers', async () => {
    const { response, body } = await wav('/api/halls/demo/voice/announcement.wav?lang=zh&ticket=B120&window=8');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    const names = ['qing', 'b', 'd1', 'd2', 'd0', 'hao', 'dao', 'd8', 'haochuangkou', 'banli'];
    expect(response.headers.get('x-hallq-voice-clips')).toBe(names.map((name) => `${name}:synthesis`).join(','));
    expect(response.headers.get('x-hallq-voice-source')).toBe('synthesis');

    // A valid 16-bit mono WAV as long as its words and the gaps between them.
    const { samples, sampleRate } = decodeWavPcm16(body);
    expect(sampleRate).toBe(CLIP_SAMPLE_RATE);
    expect(body.readUInt32LE(40)).toBe(samples.length * 2);
    const texts = ['请', 'B', '一', '二', '零', '号', '到', '八', '号窗口', '办理'];
    const words = await Promise.all(texts.map((text) => reference.synthesizeWord(text, 'zh')));
    const expected = words.reduce((sum, word) => sum + word.length, 0) + Math.round((WORD_GAP_MS * CLIP_SAMPLE_RATE) / 1000) * (words.length - 1);
    // eSpeak NG's output for a word varies by a few samples with what it said before: the same within 1 %.
    expect(Math.abs(samples.length - expected)).toBeLessThan(expected * 0.01);
    expect(samples.length / CLIP_SAMPLE_RATE).toBeGreaterThan(2);

    // The same call again is the same audio; a board that has it is told so without the body. (As a
    // browser revalidating its cache does: fetch() would add `no-cache` to a hand-made If-None-Match.)
    const etag = response.headers.get('etag')!;
    const again = await wav('/api/halls/demo/voice/announcement.wav?lang=zh&ticket=B120&window=8', { 'if-none-match': etag, 'cache-control': 'max-age=0' });
    expect(again.response.status).toBe(304);
  });

  it('says a recall and the English call', async () => {
    const recall = await wav('/api/halls/demo/voice/announcement.wav?lang=zh&ticket=A001&window=3&recall=1');
    expect(recall.response.status).toBe(200);
    expect(recall.response.headers.get('x-hallq-voice-clips')!.split(',')[0]).toBe('zaici:synthesis');
    const english = await wav('/api/halls/demo/voice/announcement.wav?lang=en&ticket=A001&window=7');
    expect(english.response.status).toBe(200);
    expect(english.response.headers.get('x-hallq-voice-clips')).toBe(
      ['number', 'a', 'd0', 'd0', 'd1', 'please', 'go', 'to', 'window', 'd7'].map((name) => `${name}:synthesis`).join(','),
    );
  });

  it.each([
    ['a language the hall does not speak', 'lang=fr&ticket=A001&window=3', 'lang'],
    ['no language', 'ticket=A001&window=3', 'lang'],
    ['two languages', 'lang=zh&lang=en&ticket=A001&window=3', 'lang'],
    ['a prefix no service has', 'lang=zh&ticket=Z001&window=3', 'ticket'],
    ['a lower-case ticket', 'lang=zh&ticket=a001&window=3', 'ticket'],
    ['six digits', 'lang=zh&ticket=A000001&window=3', 'ticket'],
    ['a ticket without digits', 'lang=zh&ticket=A&window=3', 'ticket'],
    ['a window the hall lacks', 'lang=zh&ticket=A001&window=99', 'window'],
    ['a window that is not a number', 'lang=zh&ticket=A001&window=3a', 'window'],
    ['window 0', 'lang=zh&ticket=A001&window=0', 'window'],
    ['a recall that is not 1', 'lang=zh&ticket=A001&window=3&recall=yes', 'recall'],
    ['an unknown parameter', 'lang=zh&ticket=A001&window=3&text=hello', 'text'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_case, query, path) => {
    const res = await t.api('GET', `/api/halls/demo/voice/announcement.wav?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues[0].path).toBe(path);
  });

  it('an unknown hall is 404 HALL_NOT_FOUND', async () => {
    const res = await t.api('GET', '/api/halls/no-such-hall/voice/announcement.wav?lang=zh&ticket=A001&window=3');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('HALL_NOT_FOUND');
  });
});

describe('GET /api/halls/:hallId/voice/chime.wav', () => {
  it('is the built-in two-tone chime while the hall has recorded none', async () => {
    const { response, body } = await wav('/api/halls/demo/voice/chime.wav');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('x-hallq-voice-source')).toBe('built-in');
    const { samples } = decodeWavPcm16(body);
    expect(Math.abs(samples.length / CLIP_SAMPLE_RATE - 0.7)).toBeLessThan(0.05);
    expect((await t.api('GET', '/api/halls/demo/voice/chime.wav?x=1')).status).toBe(400);
  });
});

describe('with clips recorded in the admin page', () => {
  const fixture = (name: string) => readFileSync(join(ROOT_DIR, 'tests/fixtures/voice', name));
  async function record(name: string, file: string, type: string) {
    const admin = await t.login('admin');
    const response = await fetch(`${t.url}/api/halls/demo/voice-packs/zh/clips/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': type },
      body: fixture(file),
    });
    expect(response.status, await response.text()).toBe(200);
  }
  const clipsOf = async (query: string) => (await wav(`/api/halls/demo/voice/announcement.wav?${query}`)).response.headers.get('x-hallq-voice-clips');

  it('says the recorded words from the pack and the others synthesized; a clip recorded again is heard at once', async () => {
    const query = 'lang=zh&ticket=C007&window=5';
    const before = await wav(`/api/halls/demo/voice/announcement.wav?${query}`);
    expect(before.response.headers.get('x-hallq-voice-source')).toBe('synthesis');
    await record('qing', 'qing.wav', 'audio/wav');
    await record('dao', 'dao.ogg', 'audio/ogg');
    const mixed = await wav(`/api/halls/demo/voice/announcement.wav?${query}`);
    expect(mixed.response.headers.get('x-hallq-voice-source')).toBe('mixed');
    expect(mixed.response.headers.get('x-hallq-voice-clips')).toBe(
      'qing:pack,c:synthesis,d0:synthesis,d0:synthesis,d7:synthesis,hao:synthesis,dao:pack,d5:synthesis,haochuangkou:synthesis,banli:synthesis',
    );
    expect(mixed.response.headers.get('etag')).not.toBe(before.response.headers.get('etag'));

    // 请 recorded again (another take: the MP3): the next call has it, not the first take.
    await record('qing', 'hao.mp3', 'audio/mpeg');
    const retaken = await wav(`/api/halls/demo/voice/announcement.wav?${query}`);
    expect(retaken.response.headers.get('etag')).not.toBe(mixed.response.headers.get('etag'));
    expect(await clipsOf(query)).toBe(mixed.response.headers.get('x-hallq-voice-clips'));

    // The recorded chime replaces the built-in one.
    await record('chime', 'dao.ogg', 'audio/ogg');
    expect((await wav('/api/halls/demo/voice/chime.wav')).response.headers.get('x-hallq-voice-source')).toBe('pack');
  });
});

describe('a ticket issued before its service took another prefix', () => {
  it('is still said by its number; a made-up number of the old prefix is refused', async () => {
    const clerk = await t.login('clerk1');
    const issued = await t.api('POST', '/api/halls/demo/tickets', { token: clerk, body: { serviceId: 'zonghe-zixun' } });
    expect(issued.status, issued.text).toBe(201);
    const number: string = issued.body.number;
    expect(number).toMatch(/^A\d{3}$/);
    const admin = await t.login('admin');
    const current = await t.api('GET', '/api/halls/demo/config', { token: admin });
    const config: HallConfig = current.body.config;
    config.services.find((service) => service.id === 'zonghe-zixun')!.prefix = 'T';
    const saved = await t.api('PUT', '/api/halls/demo/config', { token: admin, body: { config } });
    expect(saved.status, saved.text).toBe(200);

    expect((await wav(`/api/halls/demo/voice/announcement.wav?lang=zh&ticket=${number}&window=3`)).response.status).toBe(200);
    const madeUp = await t.api('GET', '/api/halls/demo/voice/announcement.wav?lang=zh&ticket=A998&window=3');
    expect(madeUp.status).toBe(400);
    expect((await wav('/api/halls/demo/voice/announcement.wav?lang=zh&ticket=T001&window=3')).response.status).toBe(200);
  });
});

describe("a hall whose voice is the browser's only", () => {
  it('answers 503 VOICE_UNAVAILABLE, so the board speaks with the browser voice', async () => {
    const admin = await t.login('admin');
    const current = await t.api('GET', '/api/halls/demo/config', { token: admin });
    const config: HallConfig = { ...current.body.config, voice: { sources: ['browser'] } };
    expect((await t.api('PUT', '/api/halls/demo/config', { token: admin, body: { config } })).status).toBe(200);
    const res = await t.api('GET', '/api/halls/demo/voice/announcement.wav?lang=zh&ticket=A001&window=3');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('VOICE_UNAVAILABLE');
    expect(res.body.error.details).toEqual({ lang: 'zh', word: 'qing' });
  });
});

describe('what an anonymous caller can make the server assemble', () => {
  it(`at most ${FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE} new calls a minute per address; calls already made stay free`, async () => {
    const own = await startTestServer();
    try {
      const ask = (ticket: string) => fetch(`${own.url}/api/halls/demo/voice/announcement.wav?lang=zh&ticket=${ticket}&window=1`);
      const first = await ask('A001');
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const statuses: number[] = [];
      for (let n = 2; n <= FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE + 5; n++) {
        const response = await ask(`A${String(n).padStart(3, '0')}`);
        statuses.push(response.status);
        if (response.status === 429) {
          expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
          expect((await response.json()).error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
        } else await response.arrayBuffer();
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE - 1);
      expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
      // A call the server already has is answered from its cache, budget or not: every board of a hall gets it.
      expect((await ask('A001')).status).toBe(200);
    } finally {
      await own.close();
    }
  }, 60_000);
});
