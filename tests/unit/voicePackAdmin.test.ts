import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_TEMPLATE_ZH, voiceClipCatalog } from '../../server/protocol/voice.js';
import { issuePlaces } from '../../counter/src/lib/adminIssues.js';
import {
  announcementPath,
  fileNameList,
  moveSource,
  nextToRecord,
  packRefusal,
  parseVoiceClips,
  sampleCall,
  toggleSource,
  voicePacksPath,
  voiceSourcesOf,
} from '../../counter/src/lib/voicePacks.js';
import { adminEn } from '../../counter/src/locales/admin.en.js';
import { adminZh } from '../../counter/src/locales/admin.zh.js';
import { demoHallConfig } from '../../server/demo/demoHall.js';

/** The rules of the admin page's 叫号语音 tab: which clip comes next, the sample call, refusals in words, the source order. */
describe('the voice tab’s rules', () => {
  const clips = (recorded: string) => ['chime', 'qing', 'hao', 'dao', 'd0'].map((name) => ({ name, text: name, recorded: recorded.includes(name) }));

  it('「录下一条」 goes to the next clip not recorded, wrapping round, skipping the one just saved, and ends when all are', () => {
    expect(nextToRecord(clips(''), null)).toBe('chime');
    expect(nextToRecord(clips('chime qing'), 'qing')).toBe('hao');
    expect(nextToRecord(clips('hao dao d0'), 'dao')).toBe('chime');
    // The list has not caught up with the save yet: the clip just saved is not offered again.
    expect(nextToRecord(clips('chime qing dao d0'), 'hao', 'hao')).toBeNull();
    expect(nextToRecord(clips('chime qing hao dao d0'), 'd0')).toBeNull();
    expect(nextToRecord([], null)).toBeNull();
    // A current clip no longer in the list (the wording changed): from the start.
    expect(nextToRecord(clips('chime'), 'shouli')).toBe('qing');
  });

  it('reads the announcement’s clip header, a template’s own word percent-encoded, and leaves out what does not parse', () => {
    expect(parseVoiceClips('qing:pack,a:synthesis,d0:pack')).toEqual([
      { name: 'qing', source: 'pack' },
      { name: 'a', source: 'synthesis' },
      { name: 'd0', source: 'pack' },
    ]);
    expect(parseVoiceClips(`${encodeURIComponent('受理')}:synthesis, hao:pack`)).toEqual([
      { name: '受理', source: 'synthesis' },
      { name: 'hao', source: 'pack' },
    ]);
    expect(parseVoiceClips('qing:browser,:pack,nosource,%E5:pack')).toEqual([{ name: '%E5', source: 'pack' }]);
    expect(parseVoiceClips(null)).toEqual([]);
    expect(parseVoiceClips('')).toEqual([]);
  });

  it('plays the first service’s first ticket at the hall’s first window, and none without either', () => {
    const config = demoHallConfig();
    const call = sampleCall(config)!;
    expect(call.ticket).toBe(`${config.services[0]!.prefix}001`);
    expect(call.window).toBe(config.windows[0]!.number);
    expect(sampleCall({ ...config, windows: [] })).toBeNull();
    expect(sampleCall({ ...config, services: [] })).toBeNull();
    expect(announcementPath('demo hall', 'zh', { ticket: 'A001', window: 3 })).toBe('/api/halls/demo%20hall/voice/announcement.wav?lang=zh&ticket=A001&window=3');
    expect(voicePacksPath('demo', 'zh', '受理')).toBe(`/api/halls/demo/voice-packs/zh/clips/${encodeURIComponent('受理')}`);
    expect(voicePacksPath('demo')).toBe('/api/halls/demo/voice-packs');
  });

  it('names the refused file and the reason in Chinese (and English), and the chosen zip when the archive itself is refused', () => {
    const v = adminZh.voice;
    expect(packRefusal(v, { file: 'qing.mp3', reason: 'too-long' }, 'pack.zip')).toBe('文件「qing.mp3」超过 10 秒，请剪短后再上传。');
    expect(packRefusal(v, { file: 'readme.txt', reason: 'not-audio' })).toBe('文件「readme.txt」不是可用的 WAV、OGG 或 MP3 音频。');
    expect(packRefusal(v, { file: '', reason: 'not-zip' }, '语音.rar')).toBe('文件「语音.rar」不是 zip 压缩包。');
    expect(packRefusal(v, { reason: 'not-zip' })).toBe('上传的文件不是 zip 压缩包。');
    expect(packRefusal(v, { file: 'x.wav', reason: 'new-reason' })).toBe('文件「x.wav」不符合要求（new-reason）。');
    expect(packRefusal(v, { file: 'x.wav' })).toBeNull();
    expect(packRefusal(v, undefined)).toBeNull();
    for (const reason of ['not-zip', 'not-audio', 'too-long', 'too-large', 'unknown-name', 'duplicate-name', 'silent']) {
      expect(v.reasons[reason], reason).toBeTruthy();
      expect(adminEn.voice.reasons[reason], reason).toBeTruthy();
    }
  });

  it('lists every clip of the catalog as a file name with its text', () => {
    const catalog = voiceClipCatalog('zh', '请{ticket}号到{window}号窗口受理');
    const text = fileNameList('中文', catalog, adminZh.voice.namesHeading);
    const lines = text.split('\r\n');
    expect(lines[0]).toMatch(/^中文语音包文件名清单/);
    expect(lines).toContain('qing.wav\t请');
    expect(lines).toContain('haochuangkou.wav\t号窗口');
    expect(lines).toContain('受理.wav\t受理');
    expect(lines.filter((line) => line.includes('.wav\t'))).toHaveLength(catalog.length);
  });

  it('orders the sources, turns them on and off, and never leaves none', () => {
    expect(voiceSourcesOf({})).toEqual(['pack', 'synthesis', 'browser']);
    expect(voiceSourcesOf({ voice: { sources: ['synthesis'] } })).toEqual(['synthesis']);
    expect(moveSource(['pack', 'synthesis', 'browser'], 'browser', -1)).toEqual(['pack', 'browser', 'synthesis']);
    expect(moveSource(['pack', 'synthesis', 'browser'], 'pack', -1)).toEqual(['pack', 'synthesis', 'browser']);
    expect(moveSource(['pack', 'synthesis'], 'browser', 1)).toEqual(['pack', 'synthesis']);
    expect(toggleSource(['pack', 'synthesis', 'browser'], 'browser', false)).toEqual(['pack', 'synthesis']);
    expect(toggleSource(['pack'], 'browser', true)).toEqual(['pack', 'browser']);
    expect(toggleSource(['pack'], 'pack', false)).toEqual(['pack']);
  });

  it('names a refused wording by the voice tab’s label', () => {
    const config = { ...demoHallConfig(), callTemplate: '请到窗口' };
    expect(issuePlaces([{ path: 'config.callTemplate' }], config, adminZh)).toEqual([`叫号语音：${adminZh.voice.callTemplate}`]);
    expect(issuePlaces([{ path: 'config.voice.sources' }], config, adminZh)).toEqual([`叫号语音：${adminZh.voice.sourcesLegend}`]);
    expect(DEFAULT_CALL_TEMPLATE_ZH).toContain('{ticket}');
  });
});
