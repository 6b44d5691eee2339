import { describe, expect, it } from 'vitest';
import { staffView } from '../../server/domain/views.js';
import { alerts } from '../../counter/src/lib/supervisor.js';
import { en } from '../../counter/src/locales/en.js';
import { zh } from '../../counter/src/locales/zh.js';
import type { ConnectedScreen } from '../../server/protocol/screens.js';
import { BOARD_LOCKED_GRACE_MS, summarizeScreens } from '../../server/realtime/presence.js';
import { clerk1, harness } from '../helpers/engineHarness.js';

/**
 * A board that cannot play a call (issue 17): no voice works, or nobody tapped 「开启声音」 within
 * a minute. The presence summary counts them; the supervisor sees 「大厅屏无法播放声音」.
 */
describe('silent boards', () => {
  const NOW = 1_800_000_000_000;
  const board = (audio?: ConnectedScreen['audio'], audioLockedSince?: number): ConnectedScreen => ({
    kind: 'board',
    connectedAt: NOW - 5000,
    ...(audio ? { audio } : {}),
    ...(audioLockedSince !== undefined ? { audioLockedSince } : {}),
  });

  it('counts a board with no source at once, a locked one only after the grace, and which sources boards use', () => {
    const screens = [
      board({ source: 'synthesis', unlocked: true }),
      board({ source: 'pack', unlocked: true }),
      board({ source: null, unlocked: true }),
      board({ source: 'synthesis', unlocked: false }, NOW - BOARD_LOCKED_GRACE_MS + 1),
    ];
    expect(summarizeScreens(screens, NOW)).toEqual([
      { kind: 'board', windowId: null, connections: 4, since: NOW - 5000, silent: 1, audioSources: { synthesis: 2, pack: 1 } },
    ]);
    expect(summarizeScreens(screens, NOW + 1)[0]!.silent).toBe(2);
  });

  it('says nothing about the sound of boards that never reported it, nor of other screens', () => {
    expect(summarizeScreens([board(), { kind: 'window-screen', windowId: '3', connectedAt: NOW }], NOW)).toEqual([
      { kind: 'board', windowId: null, connections: 1, since: NOW - 5000 },
      { kind: 'window-screen', windowId: '3', connections: 1, since: NOW },
    ]);
  });

  it('raises 大厅屏无法播放声音 with how many, right after a dark board', () => {
    const h = harness();
    h.open('w1', clerk1);
    const view = staffView(h.state, h.clock.now);
    const online = [
      { kind: 'window-screen' as const, windowId: 'w1', connections: 1, since: 0 },
      { kind: 'panel' as const, windowId: null, userId: 'clerk1', connections: 1, since: 0 },
    ];
    const heard = { kind: 'board' as const, windowId: null, connections: 2, since: 0, silent: 0, audioSources: { synthesis: 2 } };
    expect(alerts(view, [heard, ...online], h.clock.now)).toEqual([]);
    const silent = { ...heard, silent: 2, audioSources: {} };
    expect(alerts(view, [silent, ...online], h.clock.now)).toEqual([{ kind: 'board-silent', count: 2 }]);
    expect(zh.sv.alertBoardSilent(2)).toContain('大厅屏无法播放声音');
    expect(zh.sv.alertBoardSilent(2)).toContain('2');
    expect(en.sv.alertBoardSilent(1)).toContain('1 board silent');
  });
});
