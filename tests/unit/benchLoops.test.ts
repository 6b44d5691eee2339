import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { countedLoop, restRefusal } from '../bench/lib/rest.js';

describe('bench closed loops', () => {
  it('runs exactly the asked number of operations, never more than `concurrency` at once', async () => {
    let inFlight = 0;
    let most = 0;
    const workers = new Set<number>();
    const result = await countedLoop(25, 4, async (worker) => {
      workers.add(worker);
      most = Math.max(most, ++inFlight);
      await nextTurn();
      inFlight--;
      return undefined;
    });
    expect(result.done).toBe(25);
    expect(result.latency.count).toBe(25);
    expect(most).toBe(4);
    expect([...workers].sort()).toEqual([0, 1, 2, 3]);
  });

  it('counts refusals and failures by code, apart from successes', async () => {
    let k = 0;
    const result = await countedLoop(9, 2, async () => {
      const n = k++;
      if (n % 3 === 1) return 'NO_TICKET_WAITING';
      if (n % 3 === 2) throw new Error('socket hang up');
      return undefined;
    });
    expect(result.done).toBe(3);
    expect(result.refused).toEqual({ NO_TICKET_WAITING: 3, 'NO_ANSWER: socket hang up': 3 });
  });

  it('names a refused REST answer by its error code, or by its status', () => {
    expect(restRefusal({ status: 409, body: { error: { code: 'NO_TICKET_WAITING', message: '…' } } })).toBe('NO_TICKET_WAITING');
    expect(restRefusal({ status: 502, body: 'Bad Gateway' })).toBe('HTTP_502');
  });
});
