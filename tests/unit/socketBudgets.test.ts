import { describe, expect, it } from 'vitest';
import { type BudgetState, FLOOD_DISCONNECT, SOCKET_BUDGETS, spend } from '../../server/realtime/budgets.js';

describe('socket budgets (issue 13 item 2)', () => {
  it('a public socket gets its minute of syncs, then RATE_LIMITED, and the bucket refills continuously', () => {
    const socket: { budget?: BudgetState } = {};
    const t0 = 1_000_000;
    for (let i = 0; i < SOCKET_BUDGETS.public.sync; i++) expect(spend(socket, 'public', 'hall:sync', t0).ok).toBe(true);
    const refused = spend(socket, 'public', 'hall:sync', t0);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: 1, disconnect: false });
    // Other kinds have their own bucket.
    expect(spend(socket, 'public', 'ticket:rate', t0).ok).toBe(true);
    // One request's worth comes back after a minute / budget.
    expect(spend(socket, 'public', 'hall:sync', t0 + 60_000 / SOCKET_BUDGETS.public.sync + 1).ok).toBe(true);
    expect(spend(socket, 'public', 'hall:sync', t0 + 60_000 / SOCKET_BUDGETS.public.sync + 2).ok).toBe(false);
  });

  it('staff commands are not counted here; staff syncs are', () => {
    const socket: { budget?: BudgetState } = {};
    for (let i = 0; i < 10_000; i++) expect(spend(socket, 'staff', 'window:call-next', 5).ok).toBe(true);
    for (let i = 0; i < SOCKET_BUDGETS.staff.sync; i++) expect(spend(socket, 'staff', 'hall:sync', 5).ok).toBe(true);
    expect(spend(socket, 'staff', 'hall:sync', 5).ok).toBe(false);
  });

  it(`a socket refused ${FLOOD_DISCONNECT} times in a burst is to be disconnected`, () => {
    const socket: { budget?: BudgetState } = {};
    for (let i = 0; i < SOCKET_BUDGETS.public.other; i++) spend(socket, 'public', 'x', 0);
    const answers = Array.from({ length: FLOOD_DISCONNECT }, () => spend(socket, 'public', 'x', 0));
    expect(answers.slice(0, -1).every((answer) => !answer.ok && !answer.disconnect)).toBe(true);
    expect(answers.at(-1)).toMatchObject({ ok: false, disconnect: true });
  });
});
