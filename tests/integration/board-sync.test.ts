import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardView } from '../../server/protocol/viewTypes.js';
import type { PublicEvent as PublicHallEvent } from '../../server/protocol/redact.js';
import { applyBoardEvent as applyEvent } from '../../server/protocol/views/board.js';
import { playRandomMorning } from '../helpers/randomMorning.js';
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
    await playRandomMorning(t, {
      token: admin,
      services: ['zonghe-zixun', 'minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-shiye-dengji', 'shoufei-shuiqi'],
      windows: ['1', '2', '3', '4', '8'],
      steps: 160,
      seed: 20261127,
    });
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
