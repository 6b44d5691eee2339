/**
 * Voice packs over real HTTP (issue 17, docs/voice.md): a zip of WAV, MP3 and OGG clips uploaded,
 * listened back, a clip re-recorded and removed; every kind of bad upload refused with its code and
 * the file named while the old pack stays; who may do what; packs in the configuration file.
 * On SQLite and on Redis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Zippable, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { CLIP_SAMPLE_RATE } from '../../server/protocol/voice.js';
import type { VoicePackLanguageView, VoicePacksView } from '../../server/protocol/voicePacks.js';
import { concatWithGaps, decodeWavPcm16, durationMs, encodeWav } from '../../server/voice/audio.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'voice');
/** Made with sox, lame and oggenc (tests/fixtures/voice/README.md): a 300 ms tone with 200 ms of silence each side. */
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

function tone(ms: number, level = 0.5, rate = CLIP_SAMPLE_RATE): Int16Array {
  const out = new Int16Array(Math.round((ms * rate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.sin((2 * Math.PI * 523 * i) / rate) * level * 32767);
  return out;
}
const wavOf = (samples: Int16Array) => new Uint8Array(encodeWav(samples));

const stores: Array<[string, boolean]> = [['sqlite', true], ['redis', hasRedis()]];

describe.each(stores)('voice packs on %s', (kind, available) => {
  let t: TestServer;
  let redis: TestRedis | undefined;
  let admin: string;
  let supervisor: string;

  beforeAll(async () => {
    if (!available) return;
    if (kind === 'redis') redis = await startTestRedis();
    t = await startTestServer(redis ? { redisUrl: redis.url } : {});
    admin = await t.login('admin');
    supervisor = await t.login('zhuren');
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  const packs = `/api/halls/${DEMO}/voice-packs`;

  /** A binary body, as a browser's fetch sends a file. */
  async function send(method: 'PUT' | 'GET' | 'DELETE', path: string, options: { token?: string; body?: Uint8Array; type?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body) headers['content-type'] = options.type ?? 'application/zip';
    const res = await fetch(t.url + path, { method, headers, ...(options.body ? { body: options.body as Uint8Array<ArrayBuffer> } : {}) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = Buffer.from(bytes).toString('utf8');
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, bytes, body, text };
  }

  const upload = (lang: string, files: Zippable, token = admin) => send('PUT', `${packs}/${lang}`, { token, body: zipSync(files) });
  const view = async (lang = 'zh'): Promise<VoicePackLanguageView> => {
    const res = await send('GET', packs, { token: admin });
    expect(res.status, res.text).toBe(200);
    return (res.body as VoicePacksView).languages.find((language) => language.lang === lang)!;
  };
  const recorded = async (lang = 'zh') => (await view(lang)).clips.filter((clip) => clip.recorded).map((clip) => clip.name);
  const refusal = (res: { body: any }) => ({ code: res.body?.error?.code, ...res.body?.error?.details });

  it.runIf(available)('a zip of WAV, MP3 and OGG becomes the pack: listed with texts, played back normalized, a clip replaced, deleted', async () => {
    const res = await upload('zh', {
      'qing.wav': fixture('qing.wav'),
      'hao.mp3': fixture('hao.mp3'),
      'dao.ogg': fixture('dao.ogg'),
      // What macOS and zipped folders add: ignored.
      '__MACOSX/._qing.wav': new Uint8Array([0, 5, 22, 7]),
      'extra/': new Uint8Array(0),
    });
    expect(res.status, res.text).toBe(200);
    expect((res.body as VoicePackLanguageView).lang).toBe('zh');

    const listing = (await send('GET', packs, { token: supervisor })).body as VoicePacksView;
    expect(listing.hallId).toBe(DEMO);
    expect(listing.languages.map((language) => language.lang)).toEqual(['zh', 'en']);
    const zh = listing.languages[0]!;
    expect(zh.template).toBe('请{ticket}号到{window}号窗口办理');
    expect(zh.synthesis).toBe(true); // the bundled synthesizer speaks Mandarin (wired in api.ts)
    expect(zh.clips.find((clip) => clip.name === 'haochuangkou')).toEqual({ name: 'haochuangkou', text: '号窗口', recorded: false });
    expect(zh.clips.filter((clip) => clip.recorded).map((clip) => clip.name).sort()).toEqual(['dao', 'hao', 'qing']);
    expect(listing.languages[1]!.clips.every((clip) => !clip.recorded)).toBe(true);
    for (const name of ['qing', 'hao', 'dao']) {
      const clip = zh.clips.find((entry) => entry.name === name)!;
      expect(clip.text).toBe({ qing: '请', hao: '号', dao: '到' }[name]);
      // The 300 ms tone with ~30 ms kept each side, whatever the codec's padding.
      expect(clip.durationMs, name).toBeGreaterThan(300);
      expect(clip.durationMs, name).toBeLessThan(460);
      expect(clip.updatedAt).toBeGreaterThan(0);

      const played = await send('GET', `${packs}/zh/clips/${name}`, { token: supervisor });
      expect(played.status).toBe(200);
      expect(played.headers.get('content-type')).toMatch(/^audio\/wav/);
      const { samples, sampleRate } = decodeWavPcm16(played.bytes);
      expect(sampleRate).toBe(CLIP_SAMPLE_RATE);
      expect(durationMs(samples, sampleRate)).toBe(clip.durationMs);
    }

    // Re-recorded in the admin page: that one clip changes, the others stay.
    const before = await send('GET', `${packs}/zh/clips/qing`, { token: admin });
    const recording = wavOf(concatWithGaps([new Int16Array(4410), tone(700), new Int16Array(4410)], 0, CLIP_SAMPLE_RATE));
    const saved = await send('PUT', `${packs}/zh/clips/hao`, { token: admin, body: recording, type: 'audio/wav' });
    expect(saved.status, saved.text).toBe(200);
    const hao = (saved.body as VoicePackLanguageView).clips.find((clip) => clip.name === 'hao')!;
    // 700 ms and 30 ms each side, the end rounded up to the trimmer's 10 ms window.
    expect(hao.durationMs).toBeGreaterThanOrEqual(750);
    expect(hao.durationMs).toBeLessThanOrEqual(780);
    expect(durationMs(decodeWavPcm16((await send('GET', `${packs}/zh/clips/hao`, { token: admin })).bytes).samples, CLIP_SAMPLE_RATE)).toBe(hao.durationMs);
    expect((await send('GET', `${packs}/zh/clips/qing`, { token: admin })).bytes).toEqual(before.bytes);
    // A clip the pack did not have yet, as Chromium's MediaRecorder makes it (WebM/Opus).
    const webm = await send('PUT', `${packs}/zh/clips/banli`, { token: admin, body: fixture('banli.webm'), type: 'audio/webm;codecs=opus' });
    expect(webm.status, webm.text).toBe(200);
    const banli = (webm.body as VoicePackLanguageView).clips.find((clip) => clip.name === 'banli')!;
    expect(banli.durationMs).toBeGreaterThan(300);
    expect(banli.durationMs).toBeLessThan(460);
    expect((await recorded()).sort()).toEqual(['banli', 'dao', 'hao', 'qing']);

    expect((await send('DELETE', `${packs}/zh/clips/dao`, { token: admin })).status).toBe(204);
    expect(errorCodeOf(await send('DELETE', `${packs}/zh/clips/dao`, { token: admin }))).toBe('NOT_FOUND');
    expect(errorCodeOf(await send('GET', `${packs}/zh/clips/dao`, { token: admin }))).toBe('NOT_FOUND');
    expect((await recorded()).sort()).toEqual(['banli', 'hao', 'qing']);

    // A new zip replaces the whole pack.
    expect((await upload('zh', { 'dao.ogg': fixture('dao.ogg') })).status).toBe(200);
    expect(await recorded()).toEqual(['dao']);
    expect((await send('DELETE', `${packs}/zh`, { token: admin })).status).toBe(204);
    expect(await recorded()).toEqual([]);
  });

  it.runIf(available)('every bad upload is refused with its code and the file named; the pack the boards play stays as it was', async () => {
    expect((await upload('zh', { 'qing.wav': fixture('qing.wav'), 'hao.mp3': fixture('hao.mp3') })).status).toBe(200);
    const listing = await send('GET', packs, { token: admin });
    const qing = await send('GET', `${packs}/zh/clips/qing`, { token: admin });

    const good = { 'dao.ogg': fixture('dao.ogg') };
    const long = wavOf(tone(10_600));
    const large = wavOf(tone(24_000));
    expect(large.length).toBeGreaterThan(1_000_000);
    const cases: Array<[string, Promise<{ status: number; body: any }>, Record<string, unknown>]> = [
      ['not a zip', send('PUT', `${packs}/zh`, { token: admin, body: new TextEncoder().encode('请到三号窗口办理') }), { reason: 'not-zip', file: '' }],
      ['no body', send('PUT', `${packs}/zh`, { token: admin }), { reason: 'not-zip', file: '' }],
      ['an empty zip', upload('zh', {}), { reason: 'not-zip', file: '' }],
      ['a text file', upload('zh', { ...good, 'readme.txt': new TextEncoder().encode('录音说明') }), { reason: 'not-audio', file: 'readme.txt' }],
      ['text named as audio', upload('zh', { ...good, 'qing.wav': new TextEncoder().encode('not a wav') }), { reason: 'not-audio', file: 'qing.wav' }],
      ['a clip over 10 s', upload('zh', { ...good, 'chime.wav': long }), { reason: 'too-long', file: 'chime.wav' }],
      ['a file over 1 MB', upload('zh', { ...good, 'chime.wav': large }), { reason: 'too-large', file: 'chime.wav' }],
      ['an unknown name', upload('zh', { ...good, 'hello.wav': fixture('qing.wav') }), { reason: 'unknown-name', file: 'hello.wav' }],
      ['a name twice', upload('zh', { ...good, 'qing.wav': fixture('qing.wav'), sub: { 'qing.mp3': fixture('hao.mp3') } }), { reason: 'duplicate-name', file: 'sub/qing.mp3' }],
      ['silence', upload('zh', { ...good, 'chime.wav': wavOf(new Int16Array(22_050)) }), { reason: 'silent', file: 'chime.wav' }],
      ['one clip, not audio', send('PUT', `${packs}/zh/clips/qing`, { token: admin, body: new TextEncoder().encode('hello'), type: 'audio/wav' }), { reason: 'not-audio', file: 'qing' }],
      ['one clip, too long', send('PUT', `${packs}/zh/clips/qing`, { token: admin, body: long, type: 'audio/wav' }), { reason: 'too-long', file: 'qing' }],
      ['one clip, too large', send('PUT', `${packs}/zh/clips/qing`, { token: admin, body: large, type: 'audio/wav' }), { reason: 'too-large', file: 'qing' }],
      ['one clip, unknown name', send('PUT', `${packs}/zh/clips/hello`, { token: admin, body: fixture('qing.wav'), type: 'audio/wav' }), { reason: 'unknown-name', file: 'hello' }],
    ];
    for (const [name, pending, expected] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(400);
      expect(refusal(res), name).toMatchObject({ code: 'VOICE_PACK_INVALID', ...expected });
      expect(res.body.error.message, name).toContain('原来的语音包仍在使用');
    }
    for (const res of [await upload('fr', good), await send('PUT', `${packs}/fr/clips/qing`, { token: admin, body: fixture('qing.wav'), type: 'audio/wav' })]) {
      expect(refusal(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(errorCodeOf(await send('GET', `${packs}/fr/clips/qing`, { token: admin }))).toBe('VALIDATION_FAILED');
    // Past what a clip's body is read to at all: the body parser's refusal.
    expect(errorCodeOf(await send('PUT', `${packs}/zh/clips/qing`, { token: admin, body: new Uint8Array(9_000_000), type: 'audio/wav' }))).toBe('PAYLOAD_TOO_LARGE');
    expect(errorCodeOf(await send('PUT', `/api/halls/no-such-hall/voice-packs/zh`, { token: admin, body: zipSync(good) }))).toBe('HALL_NOT_FOUND');

    expect((await send('GET', packs, { token: admin })).body).toEqual(listing.body);
    expect((await send('GET', `${packs}/zh/clips/qing`, { token: admin })).bytes).toEqual(qing.bytes);
    await send('DELETE', `${packs}/zh`, { token: admin });
  });

  it.runIf(available)('admins of the hall change packs; supervisors only listen; clerks and the public get nothing', async () => {
    expect((await upload('zh', { 'qing.wav': fixture('qing.wav') })).status).toBe(200);
    const clerk = await t.login('clerk1');
    expect(errorCodeOf(await upload('zh', { 'hao.mp3': fixture('hao.mp3') }, supervisor))).toBe('FORBIDDEN');
    expect(errorCodeOf(await send('PUT', `${packs}/zh/clips/hao`, { token: supervisor, body: fixture('qing.wav'), type: 'audio/wav' }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await send('DELETE', `${packs}/zh`, { token: supervisor }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await send('DELETE', `${packs}/zh/clips/qing`, { token: supervisor }))).toBe('FORBIDDEN');
    expect((await send('GET', `${packs}/zh/clips/qing`, { token: supervisor })).status).toBe(200);
    for (const token of [clerk, undefined]) {
      const expected = token ? 'FORBIDDEN' : 'UNAUTHENTICATED';
      expect(errorCodeOf(await send('GET', packs, token ? { token } : {}))).toBe(expected);
      expect(errorCodeOf(await send('GET', `${packs}/zh/clips/qing`, token ? { token } : {}))).toBe(expected);
      expect(errorCodeOf(await send('PUT', `${packs}/zh`, { ...(token ? { token } : {}), body: zipSync({ 'hao.mp3': fixture('hao.mp3') }) }))).toBe(expected);
    }
    expect(await recorded()).toEqual(['qing']);
    await send('DELETE', `${packs}/zh`, { token: admin });
  });

  it.runIf(available)("a hall's own template words and its second language have packs of their own", async () => {
    const base = JSON.parse((await t.api('GET', `/api/halls/${DEMO}/config/export`, { token: admin })).text) as HallConfig;
    const id = `voice-yi-${kind}`;
    const config = { ...base, id, name: '彝汉双语大厅', callTemplate: '请{ticket}号到{window}号窗口受理', secondLanguage: 'ii', callTemplateAlt: '{ticket} ꉬ {window} ꀕ' };
    const created = await t.api('POST', '/api/halls', { token: admin, body: { id, config } });
    expect(created.status, created.text).toBe(201);
    const hall = `/api/halls/${id}/voice-packs`;

    const saved = await send('PUT', `${hall}/zh/clips/${encodeURIComponent('受理')}`, { token: admin, body: fixture('qing.wav'), type: 'audio/wav' });
    expect(saved.status, saved.text).toBe(200);
    expect((saved.body as VoicePackLanguageView).clips.find((clip) => clip.name === '受理')).toMatchObject({ text: '受理', recorded: true });
    // A word of the Chinese template is no word of the English pack.
    expect(refusal(await send('PUT', `${hall}/en/clips/${encodeURIComponent('受理')}`, { token: admin, body: fixture('qing.wav'), type: 'audio/wav' }))).toMatchObject({
      code: 'VOICE_PACK_INVALID',
      reason: 'unknown-name',
      file: '受理',
    });
    expect((await send('PUT', `${hall}/ii`, { token: admin, body: zipSync({ 'ꉬ.wav': fixture('qing.wav'), 'd7.mp3': fixture('hao.mp3') }) })).status).toBe(200);

    const listing = (await send('GET', hall, { token: admin })).body as VoicePacksView;
    expect(listing.languages.map((language) => [language.lang, language.template])).toEqual([
      ['zh', '请{ticket}号到{window}号窗口受理'],
      ['en', 'Number {ticket}, please go to window {window}.'],
      ['ii', '{ticket} ꉬ {window} ꀕ'],
    ]);
    expect(listing.languages[2]!.clips.filter((clip) => clip.recorded).map((clip) => clip.name).sort()).toEqual(['d7', 'ꉬ']);
    expect(listing.languages[2]!.clips.map((clip) => clip.name)).toContain('ꀕ');
  });

  it.runIf(available)('the configuration file carries the packs: PUT ignores them, a new hall made from it has them byte for byte', async () => {
    // A long chime: the file is then larger than the 512 KB a configuration alone may be.
    expect((await upload('zh', { 'qing.wav': fixture('qing.wav'), 'dao.ogg': fixture('dao.ogg'), 'chime.wav': wavOf(tone(9_000)) })).status).toBe(200);
    expect((await upload('en', { 'please.mp3': fixture('hao.mp3') })).status).toBe(200);
    const exported = await t.api('GET', `/api/halls/${DEMO}/config/export`, { token: admin });
    expect(exported.status).toBe(200);
    expect(exported.text.length).toBeGreaterThan(512 * 1024);
    // Only an administrator's body is read that far.
    expect(errorCodeOf(await t.api('PUT', `/api/halls/${DEMO}/config`, { token: supervisor, raw: `{"config":${exported.text}}` }))).toBe('PAYLOAD_TOO_LARGE');
    expect(errorCodeOf(await t.api('PUT', `/api/halls/${DEMO}/config`, { raw: `{"config":${exported.text}}` }))).toBe('PAYLOAD_TOO_LARGE');
    expect(errorCodeOf(await t.api('POST', '/api/halls', { token: supervisor, raw: `{"id":"x","config":${exported.text}}` }))).toBe('PAYLOAD_TOO_LARGE');
    const file = JSON.parse(exported.text) as HallConfig & { voicePacks: Record<string, Record<string, string>> };
    expect(Object.keys(file.voicePacks).sort()).toEqual(['en', 'zh']);
    expect(Object.keys(file.voicePacks.zh!).sort()).toEqual(['chime', 'dao', 'qing']);
    const stored = (await send('GET', `${packs}/zh/clips/qing`, { token: admin })).bytes;
    expect(new Uint8Array(Buffer.from(file.voicePacks.zh!.qing!, 'base64'))).toEqual(stored);

    // Back unchanged: the packs are ignored by PUT …/config, which changes nothing.
    const put = await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: file } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toEqual({ changes: [] });

    const id = `voice-copy-${kind}`;
    const copied = await t.api('POST', '/api/halls', { token: admin, body: { id, config: { ...file, id, name: '复制的大厅' } } });
    expect(copied.status, copied.text).toBe(201);
    const copyPacks = (await send('GET', `/api/halls/${id}/voice-packs`, { token: admin })).body as VoicePacksView;
    expect(copyPacks.languages.map((language) => language.clips.filter((clip) => clip.recorded).map((clip) => clip.name).sort())).toEqual([['chime', 'dao', 'qing'], ['please']]);
    expect((await send('GET', `/api/halls/${id}/voice-packs/zh/clips/qing`, { token: admin })).bytes).toEqual(stored);
    const again = JSON.parse((await t.api('GET', `/api/halls/${id}/config/export`, { token: admin })).text);
    expect(again.voicePacks).toEqual(file.voicePacks);

    // A bad clip in the file refuses the whole import: no hall is made.
    const bad = `voice-bad-${kind}`;
    const refused = await t.api('POST', '/api/halls', { token: admin, body: { id: bad, config: { ...file, id: bad, voicePacks: { zh: { hello: file.voicePacks.zh!.qing } } } } });
    expect(refusal(refused)).toMatchObject({ code: 'VOICE_PACK_INVALID', reason: 'unknown-name', file: 'zh/hello' });
    const notAudio = await t.api('POST', '/api/halls', { token: admin, body: { id: bad, config: { ...file, id: bad, voicePacks: { zh: { qing: Buffer.from('text').toString('base64') } } } } });
    expect(refusal(notAudio)).toMatchObject({ code: 'VOICE_PACK_INVALID', reason: 'not-audio', file: 'zh/qing' });
    const otherLanguage = await t.api('POST', '/api/halls', { token: admin, body: { id: bad, config: { ...file, id: bad, voicePacks: { fr: {} } } } });
    expect(refusal(otherLanguage)).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(errorCodeOf(await t.api('GET', `/api/halls/${bad}/config`, { token: admin }))).toBe('HALL_NOT_FOUND');

    await send('DELETE', `${packs}/zh`, { token: admin });
    await send('DELETE', `${packs}/en`, { token: admin });
    // Without packs, the file is the configuration alone, as before.
    expect(JSON.parse((await t.api('GET', `/api/halls/${DEMO}/config/export`, { token: admin })).text)).not.toHaveProperty('voicePacks');
  });
});
