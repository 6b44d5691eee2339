import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SpeechQueue } from '../../display/src/lib/speech.js';
import type { VoiceSource } from '../../server/protocol/voice.js';

const BROWSER: VoiceSource[] = ['browser'];

/**
 * The voice queue tells the board which call it is saying (the big panel follows it): each
 * tagged announcement is reported when it begins, after the one before has been said to its
 * end, and null once nothing is left to say.
 */

class FakeUtterance {
  lang = '';
  voice: unknown = null;
  rate = 1;
  onend: (() => void) | null = null;
  onerror: ((event: { error: string }) => void) | null = null;
  constructor(readonly text: string) {}
}

describe('SpeechQueue tags', () => {
  const log: string[] = [];
  const synth = {
    getVoices: () => [],
    speak(utterance: FakeUtterance) {
      log.push(`start ${utterance.text}`);
      setTimeout(() => {
        log.push(`end ${utterance.text}`);
        utterance.onend?.();
      }, 500);
    },
  } as unknown as SpeechSynthesis;

  beforeEach(() => {
    log.length = 0;
    vi.useFakeTimers();
    vi.stubGlobal('SpeechSynthesisUtterance', FakeUtterance);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('reports each announcement as it begins, in order, and null when the queue is empty', async () => {
    const queue = new SpeechQueue<string>({ synth });
    queue.onSpeaking = (tag) => log.push(`tag ${tag}`);
    queue.announce([{ text: 'B001 zh', lang: 'zh-CN' }, { text: 'B001 en', lang: 'en-US' }], { chime: false, repeat: 1, sources: BROWSER }, 'B001');
    queue.announce([{ text: 'L005 zh', lang: 'zh-CN' }], { chime: false, repeat: 2, sources: BROWSER }, 'L005');
    queue.announce([{ text: 'untagged', lang: 'zh-CN' }], { chime: false, repeat: 1, sources: BROWSER });
    await vi.runAllTimersAsync();
    expect(log).toEqual([
      'tag B001', 'start B001 zh', 'end B001 zh', 'start B001 en', 'end B001 en',
      // A repeat of the same call is one announcement: reported once.
      'tag L005', 'start L005 zh', 'end L005 zh', 'start L005 zh', 'end L005 zh',
      'start untagged', 'end untagged',
      'tag null',
    ]);
  });

  it('reports a call queued while another is said only when its turn comes', async () => {
    const queue = new SpeechQueue<string>({ synth });
    queue.onSpeaking = (tag) => log.push(`tag ${tag}`);
    queue.announce([{ text: 'S007', lang: 'zh-CN' }], { chime: false, repeat: 1, sources: BROWSER }, 'S007');
    await vi.advanceTimersByTimeAsync(100);
    queue.announce([{ text: 'Q001', lang: 'zh-CN' }], { chime: false, repeat: 1, sources: BROWSER }, 'Q001');
    expect(log).toEqual(['tag S007', 'start S007']);
    await vi.runAllTimersAsync();
    expect(log).toEqual(['tag S007', 'start S007', 'end S007', 'tag Q001', 'start Q001', 'end Q001', 'tag null']);
  });
});
