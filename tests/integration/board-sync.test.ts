import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardView } from '../../server/protocol/viewTypes.js';
import type { PublicEvent as PublicHallEvent } from '../../server/protocol/redact.js';
import { applyBoardEvent as applyEvent } from '../../server/protocol/views/board.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/** The comparison this test made before estimates reached the boards; the whole view is compared below too. */
function comparable(view: BoardView) {
  return { ...view, services: view.services.map(({ estimatedWaitMinutes: _estimate, ...service }) => service) };
}

/**
 * A board that starts from a snapshot and applies the public events must end
 * exactly where a fresh snapshot is, whatever the clerks did in between.
 */
describe('board state from events', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('equals the server snapshot after a busy, random morning', async () => {
    const board = await t.connect({ hallId: DEMO });
    let view = (board.snapshot as { view: BoardView }).view;
    const admin = await t.login('admin');
    const hall = `/api/halls/${DEMO}`;
    const post = (path: string, body: unknown = {}) => t.api('POST', `${hall}${path}`, { token: admin, body });
    const services = ['zonghe-zixun', 'minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-shiye-dengji', 'shoufei-shuiqi'];
    const windows = ['1', '2', '3', '4', '8'];
    for (const windowId of windows) await post(`/windows/${windowId}/open`);

    // A fixed pseudo-random sequence, so a failure can be replayed.
    let seed = 20261127;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let noShow: string | undefined;
    for (let step = 0; step < 160; step++) {
      const windowId = windows[random(windows.length)]!;
      switch (random(12)) {
        case 0:
        case 1:
        case 2:
          await post('/tickets', { serviceId: services[random(services.length)], priority: random(5) === 0 });
          break;
        case 3:
        case 4:
          await post(`/windows/${windowId}/call-next`);
          break;
        case 5:
          await post(`/windows/${windowId}/recall`);
          break;
        case 6:
          await post(`/windows/${windowId}/finish`, { outcome: 'accepted' });
          break;
        case 7: {
          const answer = await post(`/windows/${windowId}/no-show`);
          if (answer.status === 200) noShow = answer.body.id;
          break;
        }
        case 8:
          if (noShow) await post(`/windows/${windowId}/requeue`, { ticketId: noShow, after: 1 });
          noShow = undefined;
          break;
        case 9:
          await post(`/windows/${windowId}/transfer`, { toWindowId: windows[random(windows.length)] });
          break;
        case 10:
          await post(`/windows/${windowId}/${random(2) ? 'pause' : 'resume'}`, random(2) ? { reason: 'lunch' } : {});
          break;
        case 11:
          if (random(3) === 0) await post(`/windows/${windowId}/close`);
          else if (random(2) === 0) await t.api('POST', `${hall}/ratings`, { token: await t.windowScreenToken(windowId), body: { windowId, level: 1 + random(5) } });
          else await post(`/windows/${windowId}/open`);
          break;
      }
    }
    await post('/announcements', { text: '今天下午三点起暂停办理社保业务' });

    const finalSeq = (await t.api('GET', `${hall}/board`)).body.seq as number;
    await board.waitForEvent('announcement:posted');
    const events = board.hallEvents() as PublicHallEvent[];
    expect(events.at(-1)?.seq).toBe(finalSeq);
    for (const event of events) if (event.seq > view.seq) view = applyEvent(view, event);

    const fresh = (await t.api('GET', `${hall}/board`)).body as BoardView;
    expect(comparable(view)).toEqual(comparable(fresh));
    // Estimates and availability come with the events too (their board change): the whole view is equal.
    expect(view).toEqual(fresh);
    expect(view.services.some((service) => service.estimatedWaitMinutes > 0)).toBe(true);
    expect(view.recentCalls.length).toBeGreaterThan(3);
  });
});
