import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import type { HallConfig } from '../../server/protocol/model.js';
import { CLIP_SAMPLE_RATE, type VoiceSource } from '../../server/protocol/voice.js';
import type { VoiceClipRecord, VoiceStore } from '../../server/store/port.js';
import { Announcer, WORD_GAP_MS, type Announcement } from '../../server/voice/announcer.js';
import { decodeWavPcm16, encodeWav } from '../../server/voice/audio.js';
import { BundledSynthesizer } from '../../server/voice/synth.js';

/** The port's contract over a Map, counting reads so a test sees what the announcer's caches save. */
class MemoryVoiceStore implements VoiceStore {
  readonly clips = new Map<string, VoiceClipRecord>();
  getClipCalls = 0;
  async listClips(hallId: string, lang?: string) {
    return [...this.clips.values()].filter((clip) => clip.hallId === hallId && (lang === undefined || clip.lang === lang)).map(({ wav: _wav, ...rest }) => rest);
  }
  async getClip(hallId: string, lang: string, name: string) {
    this.getClipCalls++;
    return this.clips.get(`${hallId}/${lang}/${name}`) ?? null;
  }
  async putClips(hallId: string, lang: string, clips: ReadonlyArray<Omit<VoiceClipRecord, 'hallId' | 'lang'>>, replaceLanguage: boolean) {
    if (replaceLanguage) await this.deleteClips(hallId, lang);
    for (const clip of clips) this.clips.set(`${hallId}/${lang}/${clip.name}`, { ...clip, hallId, lang });
  }
  async deleteClips(hallId: string, lang: string, names?: readonly string[]) {
    for (const [key, clip] of this.clips) if (clip.hallId === hallId && clip.lang === lang && (!names || names.includes(clip.name))) this.clips.delete(key);
  }
}

/** A recorded clip that no synthesizer would make: a tone of its own pitch and length per name, so its samples are recognisable in the call. */
function recordedClip(name: string, seed: number, updatedAt = 1): Omit<VoiceClipRecord, 'hallId' | 'lang'> {
  const length = 2000 + seed * 37;
  const samples = new Int16Array(length);
  for (let i = 0; i < length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * (200 + seed * 11) * i) / CLIP_SAMPLE_RATE));
  return { name, wav: encodeWav(samples, CLIP_SAMPLE_RATE), durationMs: Math.round((length * 1000) / CLIP_SAMPLE_RATE), updatedAt };
}

const ZH_PACK = ['qing', 'hao', 'dao', 'haochuangkou', 'banli', 'zaici', 'shi', 'bai', 'chime', ...'0123456789'.split('').map((d) => `d${d}`), ...'abc'.split('')];

const synth = new BundledSynthesizer();
afterAll(() => synth.close());

let store: MemoryVoiceStore;
let announcer: Announcer;
beforeEach(() => {
  store = new MemoryVoiceStore();
  announcer = new Announcer({ voice: store, synth });
});

function hallWith(changes: Partial<HallConfig> = {}, sources?: VoiceSource[]): HallConfig {
  return { ...demoHallConfig(), ...changes, ...(sources ? { voice: { sources } } : {}) };
}

async function said(hall: HallConfig, lang: string, ticketNumber: string, windowNumber: number, recall = false): Promise<Announcement> {
  const result = await announcer.announce(hall, lang, { ticketNumber, windowNumber, recall });
  if ('unavailable' in result) throw new Error(`unavailable: ${result.word}`);
  if ('refused' in result) throw new Error('refused');
  return result;
}

const bytes = (samples: Int16Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
const sequence = (announcement: Announcement) => announcement.words.map((word) => `${word.name}:${word.source}`);

/**
 * The WAV is the parts in order with WORD_GAP_MS of silence between them: its length is the sum of
 * the parts plus the gaps, each pack word is its stored clip sample for sample, and each synthesized
 * word is what the synthesizer says for it.
 */
async function expectAssembled(announcement: Announcement, lang: string, hallId = 'demo'): Promise<void> {
  const { samples, sampleRate } = decodeWavPcm16(announcement.wav);
  expect(sampleRate).toBe(CLIP_SAMPLE_RATE);
  const gap = Math.round((WORD_GAP_MS * CLIP_SAMPLE_RATE) / 1000);
  const expected: Int16Array[] = [];
  for (const word of announcement.words) {
    if (word.source === 'pack') expected.push(decodeWavPcm16(store.clips.get(`${hallId}/${lang}/${word.name}`)!.wav).samples);
    else expected.push(await synth.synthesizeWord(word.text, lang));
  }
  expect(announcement.words.map((word) => word.samples)).toEqual(expected.map((part) => part.length));
  expect(samples.length).toBe(expected.reduce((sum, part) => sum + part.length, 0) + gap * (expected.length - 1));
  expect(announcement.samples).toBe(samples.length);
  let offset = 0;
  for (const [index, part] of expected.entries()) {
    expect(part.length, `${announcement.words[index]!.name} is not silent`).toBeGreaterThan(0);
    expect(bytes(samples.subarray(offset, offset + part.length)).equals(bytes(part)), `${announcement.words[index]!.name} is its own audio`).toBe(true);
    offset += part.length;
    if (index < expected.length - 1) {
      expect(samples.subarray(offset, offset + gap).every((sample) => sample === 0)).toBe(true);
      offset += gap;
    }
  }
}

describe('assembling a call', () => {
  it('A001 at window 3 with no pack: every word synthesized', async () => {
    const announcement = await said(hallWith(), 'zh', 'A001', 3);
    expect(sequence(announcement)).toEqual(['qing', 'a', 'd0', 'd0', 'd1', 'hao', 'dao', 'd3', 'haochuangkou', 'banli'].map((name) => `${name}:synthesis`));
    expect(announcement.source).toBe('synthesis');
    await expectAssembled(announcement, 'zh');
  });

  it('B120 at window 11 from a recorded pack', async () => {
    await store.putClips('demo', 'zh', ZH_PACK.map((name, index) => recordedClip(name, index)), true);
    const announcement = await said(hallWith(), 'zh', 'B120', 11);
    expect(sequence(announcement)).toEqual(['qing', 'b', 'd1', 'd2', 'd0', 'hao', 'dao', 'shi', 'd1', 'haochuangkou', 'banli'].map((name) => `${name}:pack`));
    expect(announcement.source).toBe('pack');
    await expectAssembled(announcement, 'zh');
  });

  it('C007 at window 105 with a pack that lacks 七: that word synthesized, the others from the pack', async () => {
    await store.putClips('demo', 'zh', ZH_PACK.filter((name) => name !== 'd7').map((name, index) => recordedClip(name, index)), true);
    const announcement = await said(hallWith(), 'zh', 'C007', 105);
    expect(sequence(announcement)).toEqual([
      'qing:pack', 'c:pack', 'd0:pack', 'd0:pack', 'd7:synthesis', 'hao:pack', 'dao:pack',
      'd1:pack', 'bai:pack', 'd0:pack', 'd5:pack', 'haochuangkou:pack', 'banli:pack',
    ]);
    expect(announcement.source).toBe('mixed');
    await expectAssembled(announcement, 'zh');
  });

  it('a recall starts with 再次呼叫', async () => {
    const announcement = await said(hallWith(), 'zh', 'A001', 3, true);
    expect(announcement.words[0]).toMatchObject({ name: 'zaici', text: '再次呼叫', source: 'synthesis' });
    await expectAssembled(announcement, 'zh');
  });

  it("the second language's template, synthesized (English) and from a pack (彝文, which no bundled voice speaks)", async () => {
    const english = await said(hallWith({ callTemplateAlt: 'Ticket {ticket}, counter {window}' }), 'en', 'A012', 21);
    expect(sequence(english)).toEqual(['ticket', 'a', 'd0', 'd1', 'd2', 'counter', 'n20', 'd1'].map((name) => `${name}:synthesis`));
    await expectAssembled(english, 'en');

    const yi = hallWith({ secondLanguage: 'ii', callTemplateAlt: '{ticket} ꉬ {window} ꀕ' });
    const missing = await announcer.announce(yi, 'ii', { ticketNumber: 'A012', windowNumber: 3 });
    expect(missing).toEqual({ unavailable: true, lang: 'ii', word: 'a' });
    await store.putClips('demo', 'ii', ['a', 'ꉬ', 'ꀕ', 'd0', 'd1', 'd2', 'd3'].map((name, index) => recordedClip(name, index)), true);
    const announcement = await said(yi, 'ii', 'A012', 3);
    expect(sequence(announcement)).toEqual(['a', 'd0', 'd1', 'd2', 'ꉬ', 'd3', 'ꀕ'].map((name) => `${name}:pack`));
    await expectAssembled(announcement, 'ii');
  });

  it("follows the hall's voice.sources: no pack, no synthesis, neither", async () => {
    await store.putClips('demo', 'zh', ZH_PACK.filter((name) => name !== 'd7').map((name, index) => recordedClip(name, index)), true);
    const synthesisOnly = await said(hallWith({}, ['synthesis', 'browser']), 'zh', 'C007', 3);
    expect(synthesisOnly.words.every((word) => word.source === 'synthesis')).toBe(true);
    expect(await announcer.announce(hallWith({}, ['pack', 'browser']), 'zh', { ticketNumber: 'C007', windowNumber: 3 })).toEqual({ unavailable: true, lang: 'zh', word: 'd7' });
    const packOnly = await said(hallWith({}, ['pack']), 'zh', 'C001', 3);
    expect(packOnly.source).toBe('pack');
    expect(await announcer.announce(hallWith({}, ['browser']), 'zh', { ticketNumber: 'A001', windowNumber: 3 })).toMatchObject({ unavailable: true });
    // A language with no template (a second language without callTemplateAlt) has nothing to say.
    expect(await announcer.announce(hallWith({ secondLanguage: 'ii' }), 'ii', { ticketNumber: 'A001', windowNumber: 3 })).toEqual({ unavailable: true, lang: 'ii', word: null });
  });

  it('a synthesizer that fails makes the call unavailable (the board falls back), not a server error', async () => {
    const failing = new Announcer({
      voice: store,
      synth: { voiceFor: async () => 'cmn', synthesizeWord: async () => Promise.reject(new Error('the voice synthesizer stopped (exit 1)')) },
    });
    expect(await failing.announce(hallWith(), 'zh', { ticketNumber: 'A001', windowNumber: 3 })).toEqual({ unavailable: true, lang: 'zh', word: 'qing' });
  });

  it('caches the call, and uses a clip recorded again at once', async () => {
    await store.putClips('demo', 'zh', ZH_PACK.map((name, index) => recordedClip(name, index)), true);
    const first = await said(hallWith(), 'zh', 'A001', 3);
    const reads = store.getClipCalls;
    expect(await said(hallWith(), 'zh', 'A001', 3)).toBe(first);
    expect(store.getClipCalls).toBe(reads);
    // Another call of the same words reads no clip again either (the clips are cached).
    await said(hallWith(), 'zh', 'A010', 3);
    expect(store.getClipCalls).toBe(reads);

    // Boards asking for a new call at the same moment share one assembly.
    const [one, other] = await Promise.all([said(hallWith(), 'zh', 'A011', 3), said(hallWith(), 'zh', 'A011', 3)]);
    expect(one).toBe(other);

    await store.putClips('demo', 'zh', [recordedClip('d1', 40, 2)], false);
    const again = await said(hallWith(), 'zh', 'A001', 3);
    expect(again).not.toBe(first);
    expect(again.samples).toBe(first.samples + 40 * 37 - ZH_PACK.indexOf('d1') * 37);
    await expectAssembled(again, 'zh');
  });

  it('asks the budget only for a call it must assemble anew, and assembles nothing it refuses', async () => {
    let asked = 0;
    const admitting = async () => (asked++, true);
    await announcer.announce(hallWith(), 'zh', { ticketNumber: 'B007', windowNumber: 2 }, admitting);
    expect(asked).toBe(1);
    // The same call again, and boards asking for it together: from the cache, free.
    await Promise.all([1, 2, 3].map(() => announcer.announce(hallWith(), 'zh', { ticketNumber: 'B007', windowNumber: 2 }, admitting)));
    expect(asked).toBe(1);
    expect(await announcer.announce(hallWith(), 'zh', { ticketNumber: 'B008', windowNumber: 2 }, async () => false)).toEqual({ refused: true });
    // Nothing was assembled or kept for it: with budget again, it is assembled then.
    expect(await announcer.announce(hallWith(), 'zh', { ticketNumber: 'B008', windowNumber: 2 }, admitting)).toMatchObject({ source: 'synthesis' });
    expect(asked).toBe(2);
  });
});

describe('the chime', () => {
  it("is the zh pack's chime, else a built-in two-tone one of about 0.7 s", async () => {
    const builtIn = await announcer.chime(hallWith());
    expect(builtIn.source).toBe('built-in');
    const { samples } = decodeWavPcm16(builtIn.wav);
    expect(Math.abs(samples.length / CLIP_SAMPLE_RATE - 0.7)).toBeLessThan(0.05);
    expect(Math.max(...samples.map(Math.abs))).toBeGreaterThan(8000);

    await store.putClips('demo', 'zh', [recordedClip('chime', 3)], false);
    const recorded = await announcer.chime(hallWith());
    expect(recorded.source).toBe('pack');
    expect(decodeWavPcm16(recorded.wav).samples.length).toBe(2000 + 3 * 37);
    expect((await announcer.chime(hallWith({}, ['synthesis']))).source).toBe('built-in');
  });
});
