import { afterEach, describe, expect, it, vi } from 'vitest';
import { StaffTokens } from '../../server/auth/tokens.js';
import type { UserRecord } from '../../server/store/port.js';

const SECRET = 'a-test-signing-secret-that-is-long-enough';
const user: UserRecord = { id: 'u1', username: 'wang', displayName: '王', role: 'clerk', hallIds: ['h1'], passwordHash: 'x', tokenVersion: 2, disabled: false, createdAt: 0 };

afterEach(() => {
  vi.useRealTimers();
});

describe('StaffTokens.verify', () => {
  it('checks a token once: the next request with the same token gets the principal verified before', async () => {
    const tokens = new StaffTokens(SECRET, 8);
    const { token } = await tokens.issue(user);
    const first = await tokens.verify(token);
    const second = await tokens.verify(token);
    expect(first).toMatchObject({ ok: true, principal: { kind: 'staff', user: { id: 'u1', role: 'clerk' }, hallIds: ['h1'], tokenVersion: 2 } });
    expect(second.ok && first.ok && second.principal).toBe(first.ok && first.principal);
  });

  it('a token verified before is refused as expired once its time is up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T08:00:00Z'));
    const tokens = new StaffTokens(SECRET, 1);
    const { token, expiresAt } = await tokens.issue(user);
    expect((await tokens.verify(token)).ok).toBe(true);
    vi.setSystemTime(expiresAt - 1000);
    expect((await tokens.verify(token)).ok).toBe(true);
    vi.setSystemTime(expiresAt);
    expect(await tokens.verify(token)).toEqual({ ok: false, expired: true });
    expect(await tokens.verify(token)).toEqual({ ok: false, expired: true });
  });

  it('a token signed with another key or altered is refused even after a good one was verified', async () => {
    const tokens = new StaffTokens(SECRET, 8);
    const { token } = await tokens.issue(user);
    expect((await tokens.verify(token)).ok).toBe(true);
    const forged = (await new StaffTokens(`${SECRET}-other`, 8).issue({ ...user, role: 'admin' })).token;
    expect(await tokens.verify(forged)).toEqual({ ok: false, expired: false });
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await tokens.verify(flipped)).toEqual({ ok: false, expired: false });
  });

  it('the shared principal cannot be changed by one request for the next', async () => {
    const tokens = new StaffTokens(SECRET, 8);
    const { token } = await tokens.issue(user);
    const check = await tokens.verify(token);
    if (!check.ok) throw new Error('token refused');
    expect(() => check.principal.hallIds.push('*')).toThrow();
    expect(() => {
      (check.principal.user as { role: string }).role = 'admin';
    }).toThrow();
    const again = await tokens.verify(token);
    expect(again.ok && again.principal).toMatchObject({ hallIds: ['h1'], user: { role: 'clerk' } });
  });

  it('keeps a bounded number of verified tokens', async () => {
    const tokens = new StaffTokens(SECRET, 8);
    const first = (await tokens.issue(user)).token;
    const firstCheck = await tokens.verify(first);
    for (let i = 0; i < 2048; i++) await tokens.verify((await tokens.issue({ ...user, id: `u${i + 2}` })).token);
    const again = await tokens.verify(first);
    expect(again.ok).toBe(true);
    // The oldest was let go: verified afresh, a new principal.
    expect(again.ok && firstCheck.ok && again.principal).not.toBe(firstCheck.ok && firstCheck.principal);
  });
});
