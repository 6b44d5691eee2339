import { describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import { newHallState } from '../../server/domain/lifecycle.js';
import type { HallConfig } from '../../server/protocol/model.js';
import type { PublicEvent } from '../../server/protocol/redact.js';
import { boardView } from '../../server/protocol/views/board.js';
import { callPhrases, probeUrl } from '../../display/src/lib/voice.js';
import { sourceInUse, voiceChain } from '../../display/src/lib/voiceChain.js';
import { parseClips } from '../../display/src/lib/webAudio.js';

/**
 * What the board says for a call comes from server/protocol/voice.ts (tested in voiceWords.test.ts);
 * here: which languages, in which order, the browser's text and the server's address for each,
 * and which voice the board reports for the hall's order.
 */

const NOW = Date.UTC(2026, 11, 3, 2, 0);
const viewOf = (edit: (config: HallConfig) => void = () => undefined) => {
  const config = demoHallConfig();
  edit(config);
  return boardView(newHallState(config, NOW), NOW);
};
const called = (number: string, windowNumber: number, type: 'ticket:called' | 'ticket:recalled' = 'ticket:called') =>
  ({ type, seq: 1, at: NOW, ticket: { number }, windowId: String(windowNumber), windowNumber }) as unknown as PublicEvent;

describe('the phrases a board says for a call', () => {
  it('says Chinese then English with the one rule of the words, and fetches the same from the server', () => {
    const phrases = callPhrases(viewOf(), called('B120', 11), 'zh');
    expect(phrases.map((phrase) => [phrase.text, phrase.lang])).toEqual([
      ['请B一二零号到十一号窗口办理', 'zh-CN'],
      ['Number B one two zero please go to window eleven', 'en-US'],
    ]);
    expect(phrases[0]!.audioUrl).toBe('/api/halls/demo/voice/announcement.wav?lang=zh&ticket=B120&window=11');
    expect(phrases[1]!.audioUrl).toBe('/api/halls/demo/voice/announcement.wav?lang=en&ticket=B120&window=11');
  });

  it('never reads ticket digits as a quantity, and reads a window over a hundred as a number', () => {
    expect(callPhrases(viewOf(), called('A101', 105), 'zh')[0]!.text).toBe('请A一零一号到一百零五号窗口办理');
  });

  it('starts a recall with 再次呼叫 and asks the server for the recall', () => {
    const [zh] = callPhrases(viewOf(), called('A001', 3, 'ticket:recalled'), 'zh');
    expect(zh!.text).toBe('再次呼叫请A零零一号到三号窗口办理');
    expect(zh!.audioUrl).toContain('&recall=1');
  });

  it("follows the hall's own Chinese template", () => {
    const [zh] = callPhrases(viewOf((config) => (config.callTemplate = '{ticket}号请到{window}号窗口受理')), called('C007', 2), 'zh');
    expect(zh!.text).toBe('C零零七号请到二号窗口受理');
  });

  it('an English page says English first', () => {
    expect(callPhrases(viewOf(), called('A001', 1), 'en').map((phrase) => phrase.lang)).toEqual(['en-US', 'zh-CN']);
  });

  it("a second language with the hall's template is said digit by digit; without a template it is not said", () => {
    const yi = viewOf((config) => {
      config.secondLanguage = 'ii';
      config.callTemplateAlt = '{ticket} ꉬ {window} ꀕꏦ';
    });
    expect(callPhrases(yi, called('A001', 12), 'zh').map((phrase) => [phrase.text, phrase.lang])).toEqual([
      ['请A零零一号到十二号窗口办理', 'zh-CN'],
      ['A 0 0 1 ꉬ 1 2 ꀕꏦ', 'ii'],
    ]);
    const noTemplate = viewOf((config) => {
      config.secondLanguage = 'ii';
      delete config.callTemplateAlt;
    });
    expect(callPhrases(noTemplate, called('A001', 12), 'zh').map((phrase) => phrase.lang)).toEqual(['zh-CN']);
  });

  it("tries the server's audio first with the hall's first prefix at its first window", () => {
    const view = viewOf();
    expect(probeUrl(view, 'zh')).toBe(`/api/halls/demo/voice/announcement.wav?lang=zh&ticket=${view.services[0]!.prefix}001&window=${view.windows[0]!.number}`);
  });
});

describe("the board's voice order", () => {
  const healthy = { server: { state: 'ok' as const, source: 'synthesis' as const }, browser: true };

  it('tries the server once for pack and synthesis, in the place the hall puts it', () => {
    expect(voiceChain(['pack', 'synthesis', 'browser'])).toEqual(['server', 'browser']);
    expect(voiceChain(['browser', 'synthesis'])).toEqual(['browser', 'server']);
    expect(voiceChain(['pack'])).toEqual(['server']);
  });

  it('reports the first source that works, null when none does, nothing while the server has not answered', () => {
    expect(sourceInUse(['pack', 'synthesis', 'browser'], healthy)).toBe('synthesis');
    expect(sourceInUse(['pack', 'synthesis', 'browser'], { ...healthy, server: { state: 'ok', source: 'pack' } })).toBe('pack');
    expect(sourceInUse(['pack', 'synthesis', 'browser'], { ...healthy, server: { state: 'failed', source: 'pack' } })).toBe('browser');
    expect(sourceInUse(['synthesis'], { ...healthy, server: { state: 'failed', source: 'synthesis' } })).toBeNull();
    expect(sourceInUse(['browser'], { ...healthy, browser: false })).toBeNull();
    expect(sourceInUse(['browser', 'synthesis'], healthy)).toBe('browser');
    expect(sourceInUse(['synthesis', 'browser'], { ...healthy, server: { state: 'unknown', source: 'synthesis' } })).toBeUndefined();
  });

  it('reads the clip header, names that are not ASCII percent-encoded', () => {
    expect(parseClips('qing:pack, a:synthesis,%E5%8F%97%E7%90%86:synthesis')).toEqual(['qing:pack', 'a:synthesis', '受理:synthesis']);
    expect(parseClips(null)).toEqual([]);
  });
});
