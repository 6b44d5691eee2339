/** The start's warm-up of the call voice (server/voice/warmUp.ts): every word of the demo hall's calls is said once, in the background. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALL_TEMPLATE_EN, DEFAULT_CALL_TEMPLATE_ZH, voiceClipCatalog } from '../../server/protocol/voice.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, { voiceWarmUp: true, log: pino({ level: 'info' }, sink) });
});
afterAll(() => t.close());

describe('the call voice warm-up', () => {
  it("synthesizes the demo hall's catalog at start, so its calls need no synthesis", async () => {
    const result = await t.server.voice.warmUp;
    // The demo hall speaks zh and en (its second language); every clip of both catalogs but the chime.
    const expected = voiceClipCatalog('zh', DEFAULT_CALL_TEMPLATE_ZH).length - 1 + voiceClipCatalog('en', DEFAULT_CALL_TEMPLATE_EN).length - 1;
    expect(result).toMatchObject({ halls: 1, words: expected, unvoiced: [] });
    expect(result!.ms).toBeGreaterThan(0);
    expect(lines.find((line) => String(line.msg).startsWith('call voice warmed up'))).toMatchObject({ halls: 1, words: expected });

    const synthesized = t.server.voice.synthesizer.stats.words;
    for (const query of ['lang=zh&ticket=A001&window=3', 'lang=zh&ticket=S999&window=8&recall=1', 'lang=en&ticket=B120&window=5']) {
      const response = await fetch(`${t.url}/api/halls/demo/voice/announcement.wav?${query}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(t.server.voice.synthesizer.stats.words).toBe(synthesized);
  });

  it("stops the synthesizer's thread when the server closes", async () => {
    await t.close();
    // A word not said before (请 would come from the cache).
    await expect(t.server.voice.synthesizer.synthesizeWord('受理', 'zh')).rejects.toThrow(/stopped/);
  });
});
