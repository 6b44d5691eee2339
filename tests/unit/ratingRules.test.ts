import { describe, expect, it } from 'vitest';
import { caseDueDay, isBadRating, isCaseOverdue, isGoodRating, ratingSettings, DEFAULT_BAD_RATING_REASONS } from '../../server/protocol/rules/ratings.js';
import { publicEvent } from '../../server/protocol/redact.js';
import type { HallEvent } from '../../server/protocol/events.js';

describe('好差评 rules', () => {
  it('不满意 and 非常不满意 are 差评; the other three count as 好评', () => {
    expect([1, 2, 3, 4, 5].map((level) => isBadRating(level as 1))).toEqual([true, true, false, false, false]);
    expect([1, 2, 3, 4, 5].map((level) => isGoodRating(level as 1))).toEqual([false, false, true, true, true]);
  });

  it('fills every default and keeps what the hall set', () => {
    expect(ratingSettings({})).toEqual({ periodDays: 7, reasons: [...DEFAULT_BAD_RATING_REASONS], caseDueWorkingDays: 5, defaultLevel: null, defaultAfterDays: 7 });
    expect(ratingSettings({ ratings: { periodDays: 3, reasons: ['态度'], defaultLevel: 3 } })).toMatchObject({ periodDays: 3, reasons: ['态度'], defaultLevel: 3 });
  });

  it('counts the case due day in working days over weekends, holidays and make-up days', () => {
    // Opened Friday 2026-09-25; 5 working days: Mon 28, Tue 29, Wed 30, then 1-7 Oct 国庆 holidays, Sat 10 Oct is a make-up day.
    const calendar = {
      holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
      makeUpWorkdays: ['2026-10-10'],
    };
    expect(caseDueDay('2026-09-25', calendar)).toBe('2026-10-09');
    expect(caseDueDay('2026-09-30', { ...calendar, ratings: { caseDueWorkingDays: 2 } })).toBe('2026-10-09');
    expect(caseDueDay('2026-10-08', { ...calendar, ratings: { caseDueWorkingDays: 2 } })).toBe('2026-10-10');
  });

  it('a case is overdue only after its due day and while not closed', () => {
    expect(isCaseOverdue({ dueDay: '2026-10-09', status: 'open' }, '2026-10-09')).toBe(false);
    expect(isCaseOverdue({ dueDay: '2026-10-09', status: 'fixed' }, '2026-10-10')).toBe(true);
    expect(isCaseOverdue({ dueDay: '2026-10-09', status: 'closed' }, '2026-10-12')).toBe(false);
  });

  it('public screens get neither the reasons of a rating nor anything of a case', () => {
    const base = { hallId: 'h', seq: 5, at: 1, v: 2 } as const;
    const rated = publicEvent({ ...base, type: 'ticket:rated', level: 1, channel: 'qr', reasons: ['服务态度差'], note: '太慢', ticket: { id: 't', number: 'A001', serviceId: 's', day: '2026-10-08', seqOfDay: 1, channel: 'kiosk', priority: false, status: 'served', issuedAt: 0, rank: 1, recallCount: 0, noShowCount: 0, rating: 1 } } as HallEvent);
    expect(rated).not.toHaveProperty('reasons');
    expect(rated).not.toHaveProperty('note');
    const opened = publicEvent({ ...base, type: 'rating-case:opened', case: { id: 't', ticketId: 't', ticketNumber: 'A001', serviceId: 's', level: 1, reasons: ['其他'], followUpPhone: '13800000000', channel: 'qr', openedAt: 1, dueDay: '2026-10-15', status: 'open' } } as HallEvent);
    expect(JSON.stringify(opened)).not.toContain('13800000000');
    expect(opened).toMatchObject({ type: 'rating-case:opened', seq: 5 });
  });
});
