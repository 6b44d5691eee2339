import { describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { CLIP_SAMPLE_RATE } from '../../server/protocol/voice.js';
import { decodeWavPcm16, durationMs, encodeWav } from '../../server/voice/audio.js';
import { openSqliteStore } from '../../server/store/sqlite/index.js';
import { checkImportedPacks, exportVoicePacks, withoutVoicePacks } from '../../server/voice/packExport.js';

const config: HallConfig = demoHallConfig();

function tone(ms: number, rate = CLIP_SAMPLE_RATE): Int16Array {
  const out = new Int16Array(Math.round((ms * rate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12_000);
  return out;
}
const base64 = (bytes: Buffer) => bytes.toString('base64');

describe('voice packs in a configuration file', () => {
  it('are taken off the configuration, which is otherwise left as it is', () => {
    const { config: rest, packs } = withoutVoicePacks({ ...config, voicePacks: { zh: {} } });
    expect(rest).toEqual(config);
    expect(packs).toEqual({ zh: {} });
    expect(withoutVoicePacks(config)).toEqual({ config, packs: undefined });
    expect(withoutVoicePacks([1])).toEqual({ config: [1], packs: undefined });
  });

  it('keep a WAV of ours byte for byte, and normalize any other audio as an upload', async () => {
    // Ours, with the 30 ms of quiet a trimmed clip keeps: not trimmed again.
    const ours = encodeWav(Int16Array.from([...new Int16Array(661), ...tone(300), ...new Int16Array(661)]));
    const foreign = encodeWav(tone(400, 16_000), 16_000);
    const checked = await checkImportedPacks({ zh: { qing: base64(ours), hao: base64(foreign) }, en: {} }, config);
    if (!checked.ok) throw new Error(JSON.stringify(checked.error));
    const [qing, hao] = checked.packs.get('zh')!;
    expect(qing!.wav.equals(ours)).toBe(true);
    expect(qing!.durationMs).toBe(durationMs(decodeWavPcm16(ours).samples, CLIP_SAMPLE_RATE));
    expect(decodeWavPcm16(hao!.wav).sampleRate).toBe(CLIP_SAMPLE_RATE);
    expect(hao!.durationMs).toBeGreaterThanOrEqual(400);
    expect(checked.packs.get('en')).toEqual([]);
    expect((await checkImportedPacks(undefined, config)).ok).toBe(true);
  });

  it('refuse, naming the clip, what an upload would refuse; and a shape or language that is not a pack', async () => {
    const refusal = async (raw: unknown) => {
      const checked = await checkImportedPacks(raw, config);
      return checked.ok ? null : { code: checked.error.code, ...checked.error.details };
    };
    const good = base64(encodeWav(tone(300)));
    expect(await refusal({ zh: { hello: good } })).toMatchObject({ code: 'VOICE_PACK_INVALID', file: 'zh/hello', reason: 'unknown-name' });
    expect(await refusal({ zh: { qing: '!!not base64!!' } })).toMatchObject({ code: 'VOICE_PACK_INVALID', file: 'zh/qing', reason: 'not-audio' });
    expect(await refusal({ zh: { qing: 42 } })).toMatchObject({ code: 'VOICE_PACK_INVALID', file: 'zh/qing', reason: 'not-audio' });
    expect(await refusal({ zh: { qing: base64(Buffer.from('hello')) } })).toMatchObject({ file: 'zh/qing', reason: 'not-audio' });
    expect(await refusal({ zh: { chime: base64(encodeWav(tone(10_500))) } })).toMatchObject({ file: 'zh/chime', reason: 'too-long' });
    expect(await refusal({ zh: { chime: base64(encodeWav(tone(24_000))) } })).toMatchObject({ file: 'zh/chime', reason: 'too-large' });
    expect(await refusal({ zh: { qing: base64(encodeWav(new Int16Array(2_000))) } })).toMatchObject({ file: 'zh/qing', reason: 'silent' });
    for (const raw of [[], 'zh', null, { zh: [] }, { zh: 'qing' }, { fr: {} }, JSON.parse('{"__proto__": {}}')]) {
      expect(await refusal(raw), JSON.stringify(raw)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});

describe('exporting voice packs', () => {
  it('writes the clips the configuration can use, byte for byte, and leaves out what it no longer can', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    try {
      const wav = encodeWav(tone(300));
      const clip = (name: string) => ({ name, wav, durationMs: 300, updatedAt: 1 });
      expect(await exportVoicePacks(store.voice, config)).toBeUndefined();
      // 受理: a word of a template the hall has since changed; ii: a second language it no longer has.
      await store.voice.putClips(config.id, 'zh', [clip('qing'), clip('受理')], true);
      await store.voice.putClips(config.id, 'ii', [clip('d1')], true);
      expect(await exportVoicePacks(store.voice, config)).toEqual({ zh: { qing: base64(wav) } });
      await store.voice.deleteClips(config.id, 'zh', ['qing']);
      expect(await exportVoicePacks(store.voice, config)).toBeUndefined();
      const withTemplate = { ...config, callTemplate: '请{ticket}号到{window}号窗口受理' };
      expect(await exportVoicePacks(store.voice, withTemplate)).toEqual({ zh: { 受理: base64(wav) } });
    } finally {
      await store.close();
    }
  });
});
