import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Module from '@echogarden/espeak-ng-emscripten';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIP_SAMPLE_RATE } from '../../server/protocol/voice.js';
import { BundledSynthesizer, VoiceNotAvailable, pickVoice } from '../../server/voice/synth.js';

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

const synth = new BundledSynthesizer();
afterAll(() => synth.close());

const ms = (samples: Int16Array) => (samples.length * 1000) / CLIP_SAMPLE_RATE;
const rms = (samples: Int16Array) => Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / samples.length);

/**
 * What can be checked without listening: each digit is sound (not silence, not a click), as long as
 * a spoken syllable, and no two digits are the same audio. Whether a listener hears 七 and not 一 is
 * not checked here (docs/voice.md says how far this goes).
 */
function expectDistinctWords(words: Int16Array[], names: string[]) {
  for (const [index, samples] of words.entries()) {
    expect(ms(samples), names[index]).toBeGreaterThan(120);
    expect(ms(samples), names[index]).toBeLessThan(1200);
    expect(rms(samples), names[index]).toBeGreaterThan(1000);
  }
  const distinct = new Set(words.map((samples) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64')));
  expect(distinct.size).toBe(words.length);
}

describe('the bundled synthesizer (eSpeak NG in a worker thread)', () => {
  it('says the Chinese and English digits, each audible and different from the others', async () => {
    expectDistinctWords(await Promise.all(ZH_DIGITS.map((digit) => synth.synthesizeWord(digit, 'zh'))), ZH_DIGITS);
    expectDistinctWords(await Promise.all(EN_DIGITS.map((digit) => synth.synthesizeWord(digit, 'en'))), EN_DIGITS);
    expect(synth.stats.startMs).toBeGreaterThan(0);
  });

  it('trims the silence around a word', async () => {
    const samples = await synth.synthesizeWord('号窗口', 'zh');
    const edge = Math.round(CLIP_SAMPLE_RATE * 0.01);
    // What is left at either end is the 30 ms margin before the voice, not eSpeak's pause after a sentence.
    expect(ms(samples)).toBeLessThan(1500);
    expect(rms(samples.subarray(0, edge))).toBeLessThan(rms(samples));
    expect(rms(samples.subarray(samples.length - edge))).toBeLessThan(rms(samples));
  });

  it('keeps a word once synthesized, per language', async () => {
    const first = await synth.synthesizeWord('办理', 'zh');
    const words = synth.stats.words;
    expect(await synth.synthesizeWord('办理', 'zh')).toBe(first);
    expect(synth.stats.words).toBe(words);
    // "A" in Mandarin and in English are two words.
    expect(await synth.synthesizeWord('A', 'en')).not.toBe(await synth.synthesizeWord('A', 'zh'));
  });

  it('finds the voice of another language, and says when there is none', async () => {
    expect(await synth.voiceFor('zh')).toBe('cmn');
    expect(await synth.voiceFor('fr')).not.toBeNull();
    expect(await synth.voiceFor('ii')).toBeNull();
    await expect(synth.synthesizeWord('ꉬ', 'ii')).rejects.toBeInstanceOf(VoiceNotAvailable);
    expect((await synth.synthesizeWord('un', 'fr')).length).toBeGreaterThan(0);
  });

  it('a stopped synthesizer refuses, and does not keep the process alive', async () => {
    const other = new BundledSynthesizer();
    expect((await other.synthesizeWord('请', 'zh')).length).toBeGreaterThan(0);
    await other.close();
    await expect(other.synthesizeWord('到', 'zh')).rejects.toThrow(/stopped/);
  });
});

describe('a synthesizer whose thread cannot start (the package missing or broken)', () => {
  it('fails the word, and does not start a thread again for every request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-synth-'));
    const file = join(dir, 'worker.mjs');
    writeFileSync(file, "throw new Error('eSpeak NG is not installed');\n");
    const broken = new BundledSynthesizer(undefined, pathToFileURL(file));
    try {
      await expect(broken.synthesizeWord('请', 'zh')).rejects.toThrow(/not installed/);
      await expect(broken.synthesizeWord('到', 'zh')).rejects.toThrow(/failed to start a moment ago/);
      // Still a synthesizer of zh and en as far as the admin page's list goes.
      expect(broken.spokenLanguages()).toEqual(['zh', 'en']);
    } finally {
      await broken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what eSpeak NG reads the digits as (its phonemes, the engine's own account of what it says)", () => {
  it('reads 零…九, 十 and 百 as their own syllables, and the English numbers as theirs', async () => {
    const engine = new (await Module()).eSpeakNGWorker();
    const ipa = (text: string) => engine.synthesize_ipa(text).ipa.trim();
    engine.set_voice('cmn');
    // líng yī èr sān sì wǔ liù qī bā jiǔ shí bǎi: 四 (apical s) and 十 (retroflex s.) apart, as 七 (tɕh) and 一 (j).
    // The tone digit is eSpeak's first pitch of the contour only (5 for both tone 1 and tone 4), so tones are not checked here.
    expect([...ZH_DIGITS, '十', '百'].map(ipa)).toEqual([
      'l_ˈiɜ_ŋ_', 'j_ˈi5_', 'ˈər5_', 's_ˈa5_n_', 's_ˈi̪5_', 'w_ˈu2_', 'l_ˈiou5_', 'tɕh_ˈi5_', 'p_ˈɑ5_', 'tɕ_ˈiou2_', 's._ˈi.ɜ_', 'p_ˈai2_',
    ]);
    // A letter in the Mandarin voice is said as English names it, as Chinese boards do.
    expect(ipa('A')).toBe('(en)_ˈeɪ5_(cmn)_');
    engine.set_voice('en');
    expect(EN_DIGITS.map(ipa)).toEqual(['z_ˈiə_ɹ_əʊ', 'w_ˈɒ_n', 't_ˈuː', 'θ_ɹ_ˈiː', 'f_ˈɔː', 'f_ˈaɪ_v', 's_ˈɪ_k_s', 's_ˈɛ_v_ə_n', 'ˈeɪ_t', 'n_ˈaɪ_n']);
  });
});

describe('pickVoice', () => {
  // As eSpeak NG lists them (priorities included).
  const voices = [
    { identifier: 'roa/fr-BE', languages: [{ name: 'fr-be', priority: 5 }, { name: 'fr', priority: 8 }] },
    { identifier: 'roa/fr', languages: [{ name: 'fr-fr', priority: 5 }, { name: 'fr', priority: 5 }] },
    { identifier: 'roa/pt', languages: [{ name: 'pt', priority: 5 }, { name: 'pt-pt', priority: 5 }] },
    { identifier: 'roa/pt-BR', languages: [{ name: 'pt-br', priority: 5 }, { name: 'pt', priority: 6 }] },
    { identifier: 'trk/ug', languages: [{ name: 'ug', priority: 5 }] },
  ];
  it('prefers the exact tag, then the primary language, best-ranked first', () => {
    expect(pickVoice(voices, 'pt-BR')).toBe('roa/pt-BR');
    expect(pickVoice(voices, 'pt')).toBe('roa/pt');
    expect(pickVoice(voices, 'fr')).toBe('roa/fr');
    expect(pickVoice(voices, 'fr-CA')).toBe('roa/fr');
    expect(pickVoice(voices, 'ug')).toBe('trk/ug');
    expect(pickVoice(voices, 'ii')).toBeNull();
  });
});
