import { DEMO, type TestServer } from './testServer.js';

export interface RandomMorningOptions {
  /** The admin's token: every step is sent as the admin, over REST. */
  token: string;
  services: readonly string[];
  windows: readonly string[];
  steps: number;
  /** A fixed pseudo-random sequence, so a failure can be replayed. */
  seed: number;
  hallId?: string;
}

/**
 * A busy random morning in a real server's hall: the windows open, then
 * tickets, calls, recalls, finishes, no-shows and requeues, transfers, pauses,
 * closing and reopening windows and ratings from the paired window screens,
 * in an order fixed by the seed. Refusals (nothing to call, say) are part of
 * a morning too and are not errors. The sync tests compare what a screen made
 * of the events with the server's own view afterwards.
 */
export async function playRandomMorning(t: TestServer, options: RandomMorningOptions): Promise<void> {
  const hall = `/api/halls/${options.hallId ?? DEMO}`;
  const post = (path: string, body: unknown = {}) => t.api('POST', `${hall}${path}`, { token: options.token, body });
  const { services, windows } = options;
  for (const windowId of windows) await post(`/windows/${windowId}/open`);
  let seed = options.seed;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let noShow: string | undefined;
  for (let step = 0; step < options.steps; step++) {
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
        else if (random(2) === 0) await t.api('POST', `${hall}/ratings`, { token: await t.windowScreenToken(windowId, options.hallId ?? DEMO), body: { windowId, level: 1 + random(5), reasons: ['其他'] } });
        else await post(`/windows/${windowId}/open`);
        break;
    }
  }
}
