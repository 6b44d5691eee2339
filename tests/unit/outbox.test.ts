/**
 * The pieces of the 好差评 upload that need no server: the back-off, the signature, ISO times with
 * the hall's offset, and the record of each rating event and case step (protocol/ratingExport.ts).
 */
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../server/outbox/backoff.js';
import { signature, verifySignature } from '../../server/outbox/signing.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { RatingCase, Ticket } from '../../server/protocol/model.js';
import { type RatingRecordContext, isoWithOffset, makesRatingRecord, ratingCsvValue, ratingRecordOf } from '../../server/protocol/ratingExport.js';
import { ratingUploadSettingsSchema } from '../../server/protocol/ratingUpload.js';

describe('retryDelayMs', () => {
  const timing = { retryBaseMs: 1000, retryMaxMs: 600_000 };
  it('waits 1 s after the first failure, doubling up to 10 minutes, and not at all without failures', () => {
    expect([0, 1, 2, 3, 4, 10].map((failures) => retryDelayMs(failures, timing))).toEqual([0, 1000, 2000, 4000, 8000, 512_000]);
    expect(retryDelayMs(11, timing)).toBe(600_000);
    expect(retryDelayMs(10_000, timing)).toBe(600_000);
  });
});

describe('signature', () => {
  it('is sha256=<hex HMAC-SHA256 of the raw body>, verified in constant time, and fails for any change', () => {
    // RFC 4231 test case 2.
    expect(signature('what do ya want for nothing?', 'Jefe')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const body = '{"deliveryId":"demo:7","data":{"level":5}}';
    const header = signature(body, 'secret-1234567890');
    expect(verifySignature(body, 'secret-1234567890', header)).toBe(true);
    expect(verifySignature(body.replace('5', '1'), 'secret-1234567890', header)).toBe(false);
    expect(verifySignature(body, 'another-secret-123', header)).toBe(false);
    expect(verifySignature(body, 'secret-1234567890', undefined)).toBe(false);
    expect(verifySignature(body, 'secret-1234567890', 'sha256=00')).toBe(false);
  });
});

describe('isoWithOffset', () => {
  it('gives the hall’s wall-clock time with its offset, to the second', () => {
    const at = Date.UTC(2026, 10, 27, 2, 5, 33, 789);
    expect(isoWithOffset(at, 'Asia/Shanghai')).toBe('2026-11-27T10:05:33+08:00');
    expect(isoWithOffset(at, 'UTC')).toBe('2026-11-27T02:05:33+00:00');
    expect(isoWithOffset(at, 'Asia/Kolkata')).toBe('2026-11-27T07:35:33+05:30');
    // Across a daylight-saving change the offset follows the instant.
    expect(isoWithOffset(Date.UTC(2026, 6, 1, 12), 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
    expect(isoWithOffset(Date.UTC(2026, 0, 1, 12), 'America/New_York')).toBe('2026-01-01T07:00:00-05:00');
    // Local midnight is 00, never 24.
    expect(isoWithOffset(Date.UTC(2026, 10, 26, 16), 'Asia/Shanghai')).toBe('2026-11-27T00:00:00+08:00');
  });
});

const AT = Date.UTC(2026, 10, 27, 2, 0, 0);
const ticket: Ticket = {
  id: 'secret-ticket-id',
  number: 'A007',
  serviceId: 'svc',
  day: '2026-11-27',
  seqOfDay: 7,
  channel: 'kiosk',
  priority: false,
  status: 'served',
  issuedAt: AT - 3_600_000,
  rank: 7,
  recallCount: 0,
  noShowCount: 0,
  windowId: 'w1',
  clerkId: 'u1',
  finishedAt: AT - 60_000,
  caseNumber: 'BJ-1',
  rating: 1,
  ratedVia: 'window-screen',
};
const actor = { id: 'u9', name: '主任' };
const ratingCase: RatingCase = {
  id: ticket.id,
  ticketId: ticket.id,
  ticketNumber: ticket.number,
  serviceId: 'svc',
  windowId: 'w1',
  clerkId: 'u1',
  caseNumber: 'BJ-1',
  level: 1,
  reasons: ['服务态度差', '其他'],
  note: '态度不好',
  followUpPhone: '13800138000',
  channel: 'window-screen',
  openedAt: AT,
  dueDay: '2026-12-04',
  status: 'open',
};
const context: RatingRecordContext = {
  hallId: 'hall',
  hallName: '白马镇便民服务中心',
  timeZone: 'Asia/Shanghai',
  service: (id) => (id === 'svc' ? '社保办理' : id),
  window: (id) => (id === 'w1' ? { number: 1, name: '综合窗口' } : { number: null, name: id }),
  clerk: (id) => (id === 'u1' ? { name: '李四', staffNo: 'G007' } : undefined),
  ratingCase: (id) => (id === ratingCase.id ? ratingCase : undefined),
  ticket: (id) => (id === ticket.id ? ticket : undefined),
};
const event = (seq: number, body: Record<string, unknown>): HallEvent => ({ seq, at: AT + seq * 1000, v: 2, actor: 'x', ...body }) as unknown as HallEvent;

describe('ratingRecordOf', () => {
  it('makes a rating record with every field a platform asks for, named as the hall names them', () => {
    const rated = event(10, { type: 'ticket:rated', ticket, windowId: 'w1', clerkId: 'u1', level: 1, channel: 'window-screen', reasons: ['服务态度差', '其他'], note: '态度不好' });
    expect(ratingRecordOf(rated, context)).toEqual({
      schema: 'hallq.rating-record/1',
      kind: 'rating',
      recordId: 'hall:10',
      ratingId: 'hall:2026-11-27:svc:A007',
      hallId: 'hall',
      hallName: '白马镇便民服务中心',
      windowId: 'w1',
      windowNumber: 1,
      windowName: '综合窗口',
      staffNo: 'G007',
      clerkName: '李四',
      serviceId: 'svc',
      serviceName: '社保办理',
      caseNumber: 'BJ-1',
      ticketNumber: 'A007',
      level: 1,
      levelName: '非常不满意',
      bad: true,
      reasons: ['服务态度差', '其他'],
      note: '态度不好',
      channel: 'window-screen',
      ratedAt: '2026-11-27T10:00:10+08:00',
      servedAt: '2026-11-27T09:59:00+08:00',
      caseStep: null,
      caseStatus: null,
      caseDueDay: null,
      caseStepAt: null,
      substantiated: null,
      measures: null,
      followUpReached: null,
      followUpSatisfied: null,
      caseNote: null,
    });
  });

  it('makes one case record per step, with the status after it and what the step recorded, never the phone or the ticket id', () => {
    const steps: Array<[HallEvent, Record<string, unknown>]> = [
      [event(11, { type: 'rating-case:opened', case: { ...ratingCase } }), { caseStep: 'opened', caseStatus: 'open', caseDueDay: '2026-12-04' }],
      [event(12, { type: 'rating-case:verified', caseId: ratingCase.id, verification: { substantiated: true, note: '查看录像属实', by: actor, at: AT } }), { caseStep: 'verified', caseStatus: 'verified', substantiated: true, caseNote: '查看录像属实' }],
      [event(13, { type: 'rating-case:fixed', caseId: ratingCase.id, fix: { measures: '窗口人员培训', by: actor, at: AT } }), { caseStep: 'fixed', caseStatus: 'fixed', measures: '窗口人员培训' }],
      [event(14, { type: 'rating-case:followed-up', caseId: ratingCase.id, followUp: { reached: true, satisfied: false, by: actor, at: AT } }), { caseStep: 'followed-up', followUpReached: true, followUpSatisfied: false, caseNote: null }],
      [event(15, { type: 'rating-case:closed', caseId: ratingCase.id, closed: { note: '已办结', by: actor, at: AT } }), { caseStep: 'closed', caseStatus: 'closed', caseNote: '已办结' }],
    ];
    for (const [step, expected] of steps) {
      const record = ratingRecordOf(step, context)!;
      expect(record).toMatchObject({
        kind: 'case',
        recordId: `hall:${step.seq}`,
        ratingId: 'hall:2026-11-27:svc:A007',
        level: 1,
        reasons: ['服务态度差', '其他'],
        ratedAt: '2026-11-27T10:00:00+08:00',
        caseStepAt: isoWithOffset(step.at, 'Asia/Shanghai'),
        staffNo: 'G007',
        ...expected,
      });
      const json = JSON.stringify(record);
      expect(json).not.toContain('13800138000');
      expect(json).not.toContain('secret-ticket-id');
      expect(json).not.toContain('主任');
    }
  });

  it('completes a step on a case the hall no longer holds from its ticket, and makes nothing without either', () => {
    const withoutCase = { ...context, ratingCase: () => undefined };
    const step = event(20, { type: 'rating-case:closed', caseId: ticket.id, closed: { by: actor, at: AT } });
    expect(ratingRecordOf(step, withoutCase)).toMatchObject({ kind: 'case', level: 1, channel: 'window-screen', reasons: [], ratedAt: null, caseDueDay: null, caseStatus: 'closed' });
    expect(ratingRecordOf(step, { ...withoutCase, ticket: () => undefined })).toBeNull();
  });

  it('takes only ratings and case steps', () => {
    expect(['ticket:rated', 'rating-case:opened', 'rating-case:verified', 'rating-case:fixed', 'rating-case:followed-up', 'rating-case:closed'].every((type) => makesRatingRecord({ type } as HallEvent))).toBe(true);
    expect(['ticket:issued', 'ticket:served', 'hall:configured', 'window:opened'].some((type) => makesRatingRecord({ type } as HallEvent))).toBe(false);
    expect(ratingRecordOf(event(3, { type: 'ticket:issued', ticket }), context)).toBeNull();
  });

  it('writes CSV cells plainly: lists joined, 是/否, empty for null', () => {
    const record = ratingRecordOf(event(10, { type: 'ticket:rated', ticket, level: 1, reasons: ['服务态度差', '其他'] }), context)!;
    expect(ratingCsvValue(record, 'reasons')).toBe('服务态度差；其他');
    expect(ratingCsvValue(record, 'bad')).toBe('是');
    expect(ratingCsvValue(record, 'note')).toBeNull();
    expect(ratingCsvValue(record, 'windowNumber')).toBe(1);
  });
});

describe('ratingUploadSettingsSchema', () => {
  it('takes http(s) addresses and a printable secret of 16 to 256 characters', () => {
    const ok = (body: unknown) => ratingUploadSettingsSchema.safeParse(body).success;
    expect(ok({ url: 'https://hcp.example.gov.cn/api/evaluations', secret: 'a'.repeat(16), enabled: true })).toBe(true);
    expect(ok({ url: 'http://10.0.0.5:8080/in', enabled: false })).toBe(true);
    expect(ok({ url: 'file:///etc/passwd', enabled: true })).toBe(false);
    expect(ok({ url: 'http://', enabled: true })).toBe(false);
    expect(ok({ url: 'https://a:b@example.org', enabled: true })).toBe(false);
    expect(ok({ url: 'https://example.org', secret: 'a'.repeat(15), enabled: true })).toBe(false);
    expect(ok({ url: 'https://example.org', secret: 'a'.repeat(257), enabled: true })).toBe(false);
    expect(ok({ url: 'https://example.org', secret: `${'a'.repeat(16)}\n`, enabled: true })).toBe(false);
  });
});
