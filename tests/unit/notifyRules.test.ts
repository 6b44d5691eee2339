import { describe, expect, it } from 'vitest';
import type { NotifySettings, Ticket } from '../../server/protocol/model.js';
import { maskPhone } from '../../server/protocol/rules/personalData.js';
import { maskTicketPhone, notifySettings, phoneAlertAt, withoutPhone } from '../../server/protocol/rules/notify.js';
import { publicEvent, publicTicket, staffEvent } from '../../server/protocol/redact.js';
import { staffView } from '../../server/protocol/views/staff.js';
import { boardView } from '../../server/protocol/views/board.js';
import { aheadDue, decisionsOf, messageFacts, messageId, phoneKey } from '../../server/notify/rules.js';
import { fillTemplate } from '../../server/notify/httpGateway.js';
import { messageText } from '../../server/notify/text.js';
import { logGateway } from '../../server/notify/logGateway.js';
import { pino } from 'pino';
import { NotifyConfigError, notifyGatewaySettings } from '../../server/notify/config.js';
import type { NotifyMessage } from '../../server/notify/gateway.js';
import { schemas } from '../../server/protocol/schemas.js';
import { hallConfigSchema } from '../../server/protocol/configSchema.js';
import { clerk1, harness, kiosk, testHallConfig } from '../helpers/engineHarness.js';
import { hallFromJson } from '../helpers/plainHall.js';

const PHONE = '13812345678';
const on = { enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10 };

function hall(notify: NotifySettings = on) {
  const h = harness({ config: testHallConfig({ notify }) });
  const issue = (notifyPhone?: string): Ticket =>
    h.ok<{ ticket: Ticket }>({ type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false, ...(notifyPhone ? { notifyPhone } : {}) }, kiosk).ticket;
  return { h, issue, settings: notifySettings(h.state.config)! };
}

describe('the settings', () => {
  it('default to 2 ahead, a message on the call, 10 a day; off when absent or disabled', () => {
    expect(notifySettings({ notify: { enabled: true } })).toEqual({ enabled: true, aheadAt: 2, onCall: true, perNumberPerDay: 10, phoneAlert: false });
    expect(notifySettings({})).toBeNull();
    expect(notifySettings({ notify: { enabled: false, aheadAt: 3 } })).toBeNull();
  });

  it('give the phone page its alert on its own, without text messages', () => {
    expect(phoneAlertAt({ notify: { enabled: false, phoneAlert: true } })).toBe(2);
    expect(phoneAlertAt({ notify: { enabled: false, phoneAlert: true, aheadAt: 4 } })).toBe(4);
    expect(phoneAlertAt({ notify: { enabled: true } })).toBeNull();
  });

  it('are checked by the configuration schema', () => {
    const base = testHallConfig();
    expect(hallConfigSchema.safeParse({ ...base, notify: { enabled: true, aheadAt: 2 } }).success).toBe(true);
    for (const notify of [{ enabled: true, aheadAt: 0 }, { enabled: true, perNumberPerDay: 1000 }, { enabled: 'yes' }, { enabled: true, extra: 1 }]) {
      expect(hallConfigSchema.safeParse({ ...base, notify }).success).toBe(false);
    }
  });
});

describe('the number on the ticket', () => {
  it('accepts mainland mobiles only', () => {
    expect(schemas.issueTicket.safeParse({ serviceId: 's', notifyPhone: PHONE }).success).toBe(true);
    for (const bad of ['1381234567', '138123456789', '23812345678', '1381234567x', '+8613812345678', '']) {
      expect(schemas.issueTicket.safeParse({ serviceId: 's', notifyPhone: bad }).success).toBe(false);
      expect(schemas.kioskTicket.safeParse({ serviceId: 's', delivery: 'paper', notifyPhone: bad }).success).toBe(false);
    }
  });

  it('is kept while the ticket lives and dropped when it is served, cancelled or expired', () => {
    const { h, issue } = hall();
    const served = issue(PHONE);
    const cancelled = issue(PHONE);
    const expired = issue(PHONE);
    expect(h.ticket(served.id).notifyPhone).toBe(PHONE);
    h.open('w1', clerk1);
    h.callNext('w1', clerk1);
    const finished = h.finish('w1', clerk1);
    expect(finished.notifyPhone).toBeUndefined();
    expect(h.state.tickets.get(served.id)?.notifyPhone).toBeUndefined();
    h.ok({ type: 'ticket.cancel', ticketId: cancelled.id });
    h.ok({ type: 'hall.close-day' });
    expect(expired.notifyPhone).toBe(PHONE);
    for (const type of ['ticket:finished', 'ticket:cancelled', 'ticket:expired'] as const) {
      expect(h.eventsOfType(type).length).toBeGreaterThan(0);
      for (const event of h.eventsOfType(type)) expect(event.ticket.notifyPhone).toBeUndefined();
    }
    expect(JSON.stringify(h.rebuilt())).not.toContain(PHONE);
  });

  it('is recorded in the log masked only; the live ticket holds it whole', () => {
    const { h, issue } = hall();
    const mine = issue(PHONE);
    h.open('w1', clerk1);
    h.callNext('w1', clerk1);
    expect(h.ticket(mine.id).notifyPhone).toBe(PHONE);
    const log = JSON.stringify(h.events);
    expect(log).not.toContain(PHONE);
    expect(log).toContain('138****5678');
    // A hall rebuilt from the log has nothing to send to.
    const rebuilt = hallFromJson(JSON.stringify(h.rebuilt()));
    expect(messageFacts(rebuilt, mine.id, 'called', h.clock.now)).toBeNull();
  });

  it('is remembered for retries only masked, and a retry answers the same', () => {
    const { h } = hall();
    const command = { type: 'ticket.issue', serviceId: 'svc-a', channel: 'kiosk', priority: false, notifyPhone: PHONE, requestId: 'kiosk-req-0001' } as const;
    const first = h.ok<{ ticket: Ticket }>(command, kiosk);
    expect(JSON.stringify(h.state.requests)).not.toContain(PHONE);
    expect(JSON.stringify(h.state.requests)).toContain('138****5678');
    const again = h.ok<{ ticket: Ticket }>(command, kiosk);
    expect(again.ticket.id).toBe(first.ticket.id);
    expect(h.state.tickets.size).toBe(1);
  });

  it('is not stored by a hall that sends no messages', () => {
    const { h, issue } = hall({ enabled: false });
    expect(h.ticket(issue(PHONE).id).notifyPhone).toBeUndefined();
  });

  it('is masked for staff (events and the staff view) and absent for the public', () => {
    const { h, issue } = hall();
    issue(PHONE);
    const [event] = h.lastEvents;
    expect(maskPhone(PHONE)).toBe('138****5678');
    expect((staffEvent(event!) as { ticket: Ticket }).ticket.notifyPhone).toBe('138****5678');
    expect(JSON.stringify(publicEvent(event!))).not.toContain('5678');
    expect(JSON.stringify(publicTicket(h.ticket((event as { ticket: Ticket }).ticket.id)))).not.toContain('notifyPhone');
    const staff = JSON.stringify(staffView(h.state, h.clock.now));
    expect(staff).toContain('138****5678');
    expect(staff).not.toContain(PHONE);
    expect(JSON.stringify(boardView(h.state, h.clock.now))).not.toContain('5678');
    expect(maskTicketPhone({ notifyPhone: undefined })).toEqual({ notifyPhone: undefined });
    expect(withoutPhone({ number: 'A1', notifyPhone: PHONE })).toEqual({ number: 'A1' });
  });
});

describe('when to send', () => {
  it('"ahead" is due once aheadAt or fewer wait in front, and only for waiting tickets with a number', () => {
    const { h, issue, settings } = hall();
    for (let i = 0; i < 3; i++) issue();
    const mine = issue(PHONE);
    const other = issue();
    expect(aheadDue(h.state, settings, h.clock.now)).toEqual([]);
    h.open('w1', clerk1);
    h.callNext('w1', clerk1);
    expect(aheadDue(h.state, settings, h.clock.now)).toEqual([mine.id]);
    expect(aheadDue(h.state, settings, h.clock.now)).not.toContain(other.id);
    expect(messageFacts(h.state, mine.id, 'ahead', h.clock.now)).toEqual({ phone: PHONE, number: mine.number, window: '', ahead: 2 });
  });

  it('a ticket called (or gone) before its message went out gets no "ahead"; "called" names the window', () => {
    const { h, issue } = hall();
    const mine = issue(PHONE);
    h.open('w1', clerk1);
    h.callNext('w1', clerk1);
    expect(messageFacts(h.state, mine.id, 'ahead', h.clock.now)).toBeNull();
    expect(messageFacts(h.state, mine.id, 'called', h.clock.now)).toEqual({ phone: PHONE, number: mine.number, window: '1', ahead: 0 });
    h.finish('w1', clerk1);
    expect(messageFacts(h.state, mine.id, 'called', h.clock.now)).toBeNull();
    const cancelled = issue(PHONE);
    h.ok({ type: 'ticket.cancel', ticketId: cancelled.id });
    expect(messageFacts(h.state, cancelled.id, 'ahead', h.clock.now)).toBeNull();
    expect(messageFacts(h.state, 'unknown', 'ahead', h.clock.now)).toBeNull();
  });

  it('the log decides "called" once per call (not on a recall) and skips "ahead" for a ticket issued already near', () => {
    const { h, issue, settings } = hall();
    const near = issue(PHONE);
    for (let i = 0; i < 3; i++) issue();
    const far = issue(PHONE);
    h.open('w1', clerk1);
    h.callNext('w1', clerk1);
    h.ok({ type: 'window.recall', windowId: 'w1' }, clerk1);
    expect(decisionsOf(h.events, settings)).toEqual([
      { ticketId: near.id, kind: 'ahead', status: 'skipped' },
      { ticketId: near.id, kind: 'called', status: 'pending' },
    ]);
    expect(decisionsOf(h.events, { ...settings, onCall: false })).toEqual([{ ticketId: near.id, kind: 'ahead', status: 'skipped' }]);
    expect(decisionsOf(h.events, settings).some((decision) => decision.ticketId === far.id)).toBe(false);
  });

  it('keys for the limit and the gateway are stable and reveal neither the number nor the ticket id', () => {
    expect(phoneKey('hall', PHONE)).toBe(phoneKey('hall', PHONE));
    expect(phoneKey('hall', PHONE)).not.toBe(phoneKey('other', PHONE));
    expect(phoneKey('hall', PHONE)).not.toContain(PHONE);
    expect(messageId('hall', 'ticket-secret', 'ahead')).not.toBe(messageId('hall', 'ticket-secret', 'called'));
    expect(messageId('hall', 'ticket-secret', 'ahead')).not.toContain('ticket-secret');
  });
});

describe('the gateway templates', () => {
  const message: NotifyMessage = { id: 'abc', hallId: 'h', kind: 'called', phone: PHONE, number: 'A012', window: '3', ahead: 0, text: '请"A012"\n到 3 号窗口' };

  it('escape each value for JSON bodies and for URLs, so no value breaks out', () => {
    const json = fillTemplate('{"to":"{phone}","msg":"{text}","n":"{number}"}', message, (value) => JSON.stringify(value).slice(1, -1));
    expect(JSON.parse(json)).toEqual({ to: PHONE, msg: message.text, n: 'A012' });
    expect(fillTemplate('https://sms.example/send?to={phone}&t={text}', message, encodeURIComponent)).toBe(
      `https://sms.example/send?to=${PHONE}&t=${encodeURIComponent(message.text)}`,
    );
    expect(fillTemplate('{unknown} {window}', message, (value) => value)).toBe('{unknown} 3');
  });

  it('word the messages in plain Chinese', () => {
    expect(messageText('ahead', { hall: '青山镇', number: 'A012', window: '', ahead: 2 })).toBe('【青山镇】您的号码 A012 前面还有 2 人，请回到大厅留意叫号。');
    expect(messageText('called', { hall: '青山镇', number: 'A012', window: '3', ahead: 0 })).toBe('【青山镇】请 A012 号到 3 号窗口办理。');
  });
});

describe('the server gateway settings (HALLQ_NOTIFY_*)', () => {
  it('default to the log adapter and read the HTTP adapter from the environment', () => {
    expect(notifyGatewaySettings({})).toEqual({ kind: 'log' });
    expect(
      notifyGatewaySettings({
        HALLQ_NOTIFY_GATEWAY: 'http',
        HALLQ_NOTIFY_URL: 'https://sms.example/send?to={phone}',
        HALLQ_NOTIFY_AUTH: 'Authorization: Bearer k',
        HALLQ_NOTIFY_METHOD: 'get',
      }),
    ).toMatchObject({ kind: 'http', url: 'https://sms.example/send?to={phone}', method: 'GET', authHeader: 'Authorization: Bearer k', contentType: 'application/json', timeoutMs: 10_000 });
  });

  it('refuse what cannot work, naming the variable', () => {
    const http = { HALLQ_NOTIFY_GATEWAY: 'http', HALLQ_NOTIFY_URL: 'https://sms.example/send' };
    for (const [env, variable] of [
      [{ HALLQ_NOTIFY_GATEWAY: 'smtp' }, 'HALLQ_NOTIFY_GATEWAY'],
      [{ ...http, HALLQ_NOTIFY_URL: 'ftp://sms.example/' }, 'HALLQ_NOTIFY_URL'],
      [{ ...http, HALLQ_NOTIFY_URL: 'not a url' }, 'HALLQ_NOTIFY_URL'],
      [{ ...http, HALLQ_NOTIFY_AUTH: 'Bearer k' }, 'HALLQ_NOTIFY_AUTH'],
      [{ ...http, HALLQ_NOTIFY_METHOD: 'PUT' }, 'HALLQ_NOTIFY_METHOD'],
      [{ ...http, HALLQ_NOTIFY_TIMEOUT_MS: '5' }, 'HALLQ_NOTIFY_TIMEOUT_MS'],
    ] as const) {
      expect(() => notifyGatewaySettings(env)).toThrow(NotifyConfigError);
      expect(() => notifyGatewaySettings(env)).toThrow(variable);
    }
  });
});

describe('the log adapter', () => {
  it('writes the message with the number masked', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const message: NotifyMessage = { id: 'abc', hallId: 'h', kind: 'ahead', phone: PHONE, number: 'A012', window: '', ahead: 2, text: messageText('ahead', { hall: '青山镇', number: 'A012', window: '', ahead: 2 }) };
    expect(await logGateway(log).send(message, new AbortController().signal)).toEqual({ ok: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('138****5678');
    expect(lines[0]).toContain('前面还有 2 人');
    expect(lines[0]).not.toContain(PHONE);
  });
});
