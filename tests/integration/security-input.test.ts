/**
 * Issue 13 item 11 (the parts that are input checks): a forged Host header
 * does not reach the link printed on a slip, a kiosk cannot label its tickets
 * as the desk's or appointments, and announcements refuse text with nothing
 * visible in it or broken UTF-16. (`since=0x10`, `since[]=1`: security-flood.test.ts.)
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairKiosk } from '../helpers/printing.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const hall = `/api/halls/${DEMO}`;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.close());

/** A POST with headers fetch() will not send as given (Host). */
function rawPost(path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('the e-ticket link on a slip', () => {
  it('ignores a forged Host header (no HALLQ_PUBLIC_URL: the server\'s own address)', async () => {
    const kiosk = await pairKiosk(t, DEMO, 'preview', 'Host 测试取号机');
    const res = await rawPost(`${hall}/kiosk/tickets`, { authorization: `Bearer ${kiosk.token}`, host: 'evil.example:666', 'x-forwarded-host': 'evil.example' }, { serviceId: 'zonghe-zixun', delivery: 'paper' });
    expect(res.status).toBe(201);
    expect(res.body.eTicketUrl).toBe(`${t.url}/t/${res.body.ticket.id}`);
    expect(JSON.stringify(res.body.print.document)).not.toContain('evil.example');
  });

  it('uses HALLQ_PUBLIC_URL when set, whatever the Host', async () => {
    const configured = await startTestServer({ publicUrl: 'https://hallq.qingshan.gov.cn' });
    try {
      const kiosk = await pairKiosk(configured, DEMO, 'preview');
      const res = await configured.api('POST', `${hall}/kiosk/tickets`, { token: kiosk.token, body: { serviceId: 'zonghe-zixun', delivery: 'e-ticket' } });
      expect(res.body.eTicketUrl).toBe(`https://hallq.qingshan.gov.cn/t/${res.body.ticket.id}`);
    } finally {
      await configured.close();
    }
  });
});

describe('a kiosk labels its tickets as the kiosk\'s', () => {
  it('channel desk or appointment from a kiosk token is refused (403), over REST and the socket; kiosk is fine', async () => {
    const kiosk = await pairKiosk(t, DEMO, 'preview', '渠道测试取号机');
    const before = (await t.hallState()).counters['zonghe-zixun'] ?? 0;
    for (const channel of ['desk', 'appointment', 'phone']) {
      const res = await t.api('POST', `${hall}/tickets`, { token: kiosk.token, body: { serviceId: 'zonghe-zixun', channel } });
      expect(res.status, channel).toBe(403);
      expect(errorCodeOf(res)).toBe('FORBIDDEN');
    }
    const socket = await t.connect({ hallId: DEMO, token: kiosk.token });
    expect(await socket.send('ticket:issue', { serviceId: 'zonghe-zixun', channel: 'desk' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    socket.close();
    expect((await t.hallState()).counters['zonghe-zixun'] ?? 0).toBe(before);
    const ok = await t.api('POST', `${hall}/tickets`, { token: kiosk.token, body: { serviceId: 'zonghe-zixun' } });
    expect(ok.status).toBe(201);
    expect(ok.body.channel).toBe('kiosk');
  });
});

describe('announcement text', () => {
  const bad: Array<[string, string]> = [
    ['zero-width space only', '\u200b\u200b\u200b'],
    ['zero-width joiners and a BOM', '\u200d\u200c\ufeff\u2060'],
    ['bidi marks and ideographic spaces', '\u200e\u200f\u3000\u202e'],
    ['a lone high surrogate', '公告\ud83d'],
    ['a lone low surrogate', '\ude00公告'],
  ];
  it.each(bad)('refuses %s with VALIDATION_FAILED and changes nothing (REST and socket)', async (_name, text) => {
    const zhuren = await t.login('zhuren');
    const before = await t.stateJson();
    const res = await t.api('POST', `${hall}/announcements`, { token: zhuren, body: { text } });
    expect(res.status).toBe(400);
    expect(errorCodeOf(res)).toBe('VALIDATION_FAILED');
    const socket = await t.connect({ hallId: DEMO, token: zhuren });
    expect(await socket.send('announcement:post', { text: '正常公告', textAlt: text })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    socket.close();
    expect(await t.stateJson()).toBe(before);
  });

  it('still accepts text with emoji (surrogate pairs) and a zero-width joiner inside visible text', async () => {
    const res = await t.api('POST', `${hall}/announcements`, { token: await t.login('zhuren'), body: { text: '今日正常办公 👨\u200d👩\u200d👧 欢迎' } });
    expect(res.status).toBe(201);
  });
});
