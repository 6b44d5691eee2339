import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CLIP_SAMPLE_RATE, DEFAULT_CALL_TEMPLATE_ZH, voiceClipCatalog } from '../../server/protocol/voice.js';
import { encodeWav } from '../../server/voice/audio.js';
import { packLanguages, readPackZip } from '../../server/voice/packs.js';
import { readZipDirectory, readZipEntry } from '../../server/voice/zip.js';

const CATALOG = voiceClipCatalog('zh', '请{ticket}号到{window}号窗口受理');

function tone(ms: number): Buffer {
  const samples = new Int16Array(Math.round((ms * CLIP_SAMPLE_RATE) / 1000));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(Math.sin((2 * Math.PI * 440 * i) / CLIP_SAMPLE_RATE) * 16_000);
  return encodeWav(samples);
}

/** Every occurrence of `from` in the zip (local header and directory) replaced by `to`, of the same length. */
function patched(zip: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) out.set(to, at);
  return out;
}

describe('reading a zip', () => {
  it('reads a name of Chinese Windows (GBK, no UTF-8 flag) as its characters', async () => {
    const zip = zipSync({ 'abcd.wav': tone(300) });
    // 受理 in GBK: CA DC C0 ED, written over the ASCII placeholder.
    const gbk = patched(zip, Buffer.from('abcd'), Buffer.from([0xca, 0xdc, 0xc0, 0xed]));
    const directory = readZipDirectory(gbk, 10);
    expect(directory.ok && directory.entries.map((entry) => entry.path)).toEqual(['受理.wav']);
    const pack = await readPackZip(gbk, CATALOG);
    expect(pack.ok && pack.clips.map((clip) => clip.name)).toEqual(['受理']);
  });

  it('never inflates more than an entry declares: a bomb is refused, not decoded', async () => {
    const zip = zipSync({ 'chime.wav': new Uint8Array(5_000_000) });
    const directory = readZipDirectory(zip, 10);
    if (!directory.ok) throw new Error(directory.why);
    const entry = directory.entries[0]!;
    expect(entry.size).toBe(5_000_000);
    // The directory lies: 5 MB of zeros declared as as many bytes as they take compressed, a
    // plausible size; inflating stops just past it.
    const lying = { ...entry, size: entry.compressedSize };
    expect(readZipEntry(zip, lying)).toBeNull();
    // Declared honestly, it is too large for a clip before any byte is inflated.
    expect(await readPackZip(zip, CATALOG)).toEqual({
      ok: false,
      error: { code: 'VOICE_PACK_INVALID', message: '', details: { file: 'chime.wav', reason: 'too-large' } },
    });
    // More compressed bytes than any deflate stream needs for its declared size: damaged, refused unread.
    expect(readZipEntry(zip, { ...entry, size: 10, compressedSize: entry.compressedSize })).toBeNull();
  });

  it('reads stored and deflated entries as they were', () => {
    const data = tone(200);
    for (const level of [0, 6] as const) {
      const zip = zipSync({ 'd1.wav': data }, { level });
      const directory = readZipDirectory(zip, 10);
      if (!directory.ok) throw new Error(directory.why);
      expect(directory.entries[0]!.method).toBe(level === 0 ? 0 : 8);
      expect(Buffer.from(readZipEntry(zip, directory.entries[0]!)!).equals(data)).toBe(true);
    }
  });

  it('refuses what is no zip, or too big a one, naming what it can', async () => {
    expect(readZipDirectory(Buffer.from('PK but not really'), 10)).toMatchObject({ ok: false });
    expect(readZipDirectory(new Uint8Array(0), 10)).toMatchObject({ ok: false });
    // A truncated zip: the directory points past the end.
    const zip = zipSync({ 'd1.wav': tone(100) });
    expect(readZipDirectory(zip.subarray(0, zip.length - 30), 10).ok).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`clip${i}.wav`, new Uint8Array([1])]));
    expect(await readPackZip(zipSync(many), CATALOG)).toMatchObject({ ok: false, error: { details: { reason: 'not-zip', file: 'clip100.wav' } } });
  });

  it('takes names in any case, files in a folder, and skips what zip tools leave behind', async () => {
    const pack = await readPackZip(
      zipSync({ 'my pack': { 'A.WAV': tone(300), 'Qing.wav': tone(300) }, '__MACOSX/my pack/._A.WAV': new Uint8Array([0, 5]), '.DS_Store': new Uint8Array([1]) }),
      CATALOG,
    );
    expect(pack.ok && pack.clips.map((clip) => clip.name)).toEqual(['a', 'qing']);
    expect(await readPackZip(zipSync({ 'a.wav': tone(300), 'A.mp3': tone(300) }), CATALOG)).toMatchObject({
      ok: false,
      error: { details: { reason: 'duplicate-name', file: 'A.mp3' } },
    });
  });
});

describe('the languages of a pack', () => {
  it('are zh, en and the second language, once each', () => {
    expect(packLanguages({ secondLanguage: 'en' })).toEqual(['zh', 'en']);
    expect(packLanguages({ secondLanguage: 'ii' })).toEqual(['zh', 'en', 'ii']);
    expect(voiceClipCatalog('zh', DEFAULT_CALL_TEMPLATE_ZH).some((clip) => clip.name === '受理')).toBe(false);
    expect(CATALOG.some((clip) => clip.name === '受理')).toBe(true);
  });
});
