/**
 * One Monday of a small hall, scripted twice with the same tickets issued at the same times: once by
 * honest clerks and once by clerks who do everything the integrity signals look for (docs/oversight.md).
 * Engine only (tests/unit/integrity.test.ts); the integration and browser tests script a day over REST.
 *
 * Hall: services A (norm 5 min) and B (norm 6 min); w1 serves A, w2 serves B, w3 both (opened only for
 * the transfer at 10:00). 张三 (clerk1) holds w1, 李四 (clerk2) w2, 赵六 (clerk3) w3.
 *
 *   08:00 w1, w2 open; A001–A004 and B001–B005 issued
 *   w1 honest: calls A001 at once, 6 min each (A001–A004 until 08:24); lunch pause 08:30–09:20 (50 min)
 *   w1 dirty:  idles 08:00–08:12 while A001–A004 wait; calls A001 08:12, no-show 10 s later;
 *              08:13 calls A004 by number (A002, A003 were due first); A004, A002, A003 one minute each
 *              (08:13–08:16: three services under 25 % of the 5-min norm); pause 08:20–09:30 (70 min)
 *   w2 both:   B001–B005, 6 min each (08:00–08:30)
 *              honest: each rated on the window screen 30 s after it (5, 4, 5, 3, 5)
 *              dirty:  all five rated 非常满意 at the guide desk at 08:31:00, :10, :20, :30, :40
 *   10:00 B006 issued, w2 calls it, w3 opens; 10:02 w2 transfers it to w3, w3 calls it
 *              honest: w3 serves it until 10:08     dirty: 10:03 w3 transfers it back to w2, w2 serves it until 10:09
 *   10:10 w3 closes. The report is read at 12:00.
 */
import type { IntegritySettings } from '../../server/protocol/integrity.js';
import type { HallConfig, RatingLevel, Ticket } from '../../server/protocol/model.js';
import { clerk1, clerk2, clerk3, harness, local, publicActor, supervisor, testHallConfig, type Harness } from './engineHarness.js';

export const DAY = '2026-03-02';
export const REPORT_AT = local(`${DAY}T12:00`);

export function integrityHall(integrity?: IntegritySettings): HallConfig {
  const base = testHallConfig({ policy: { boostAfterMinutes: null } });
  return {
    ...base,
    services: base.services.filter((service) => service.id === 'svc-a' || service.id === 'svc-b'),
    windows: [
      { id: 'w1', number: 1, name: '1号窗口', services: [{ serviceId: 'svc-a', tier: 1 }] },
      { id: 'w2', number: 2, name: '2号窗口', services: [{ serviceId: 'svc-b', tier: 1 }] },
      { id: 'w3', number: 3, name: '3号窗口', services: [{ serviceId: 'svc-a', tier: 1 }, { serviceId: 'svc-b', tier: 1 }] },
    ],
    // Five ratings a day make a window's day rateable here (the default 20 would need a longer script).
    integrity: { allTopMinRatings: 5, ...integrity },
  };
}

export function scriptDay(dirty: boolean, integrity?: IntegritySettings): Harness {
  const h = harness({ config: integrityHall(integrity), start: local(`${DAY}T08:00`) });
  const at = (hhmmss: string) => h.clock.set(local(`${DAY}T${hhmmss.length === 5 ? `${hhmmss}:00` : hhmmss}`));
  const ticketOf = (type: 'ticket:issued' | 'ticket:finished', number: string): Ticket => {
    const event = h.events.findLast((candidate) => candidate.type === type && candidate.ticket.number === number);
    if (event?.type !== type) throw new Error(`no ${type} of ${number}`);
    return event.ticket;
  };
  const id = (number: string) => ticketOf('ticket:issued', number).id;
  const finished = (number: string) => ticketOf('ticket:finished', number);
  const finishAndRate = (level: RatingLevel, hhmm: string) => {
    at(hhmm), h.finish('w2', clerk2, 'completed');
    if (!dirty) at(`${hhmm}:30`), h.ok({ type: 'ticket.rate', windowId: 'w2', level, reasons: ['其他'] }, publicActor);
  };

  at('08:00');
  h.open('w1', clerk1);
  h.open('w2', clerk2);
  for (let index = 0; index < 4; index++) h.issue('svc-a');
  for (let index = 0; index < 5; index++) h.issue('svc-b');

  // w2, the same both days but for its ratings.
  const levels: RatingLevel[] = [5, 4, 5, 3, 5];
  const ends = ['08:06', '08:12', '08:18', '08:24', '08:30'];
  h.callNext('w2', clerk2);
  const w2Steps: Array<() => void> = ends.map((end, index) => () => {
    finishAndRate(levels[index]!, end);
    if (index < ends.length - 1) h.callNext('w2', clerk2);
  });

  if (!dirty) {
    h.callNext('w1', clerk1);
    const w1Ends = ['08:06', '08:12', '08:18', '08:24'];
    w1Ends.forEach((end, index) => {
      at(end), h.finish('w1', clerk1, 'completed');
      if (index < w1Ends.length - 1) h.callNext('w1', clerk1);
      w2Steps[index]!();
    });
    w2Steps[4]!();
    at('08:30'), h.ok({ type: 'window.pause', windowId: 'w1', reason: 'lunch' }, clerk1);
    at('09:20'), h.ok({ type: 'window.resume', windowId: 'w1' }, clerk1);
  } else {
    w2Steps[0]!();
    at('08:12'), w2Steps[1]!();
    at('08:12'), h.callNext('w1', clerk1);
    at('08:12:10'), h.ok({ type: 'window.no-show', windowId: 'w1' }, clerk1);
    at('08:13'), h.ok({ type: 'window.call', windowId: 'w1', ticketId: id('A004') }, clerk1);
    at('08:14'), h.finish('w1', clerk1, 'completed'), h.callNext('w1', clerk1);
    at('08:15'), h.finish('w1', clerk1, 'completed'), h.callNext('w1', clerk1);
    at('08:16'), h.finish('w1', clerk1, 'completed');
    w2Steps[2]!();
    at('08:20'), h.ok({ type: 'window.pause', windowId: 'w1', reason: 'other' }, clerk1);
    w2Steps[3]!();
    w2Steps[4]!();
    ['08:31:00', '08:31:10', '08:31:20', '08:31:30', '08:31:40'].forEach((time, index) => {
      // Served half an hour ago, the ticket has left the live hall: the server would hand the engine its stored copy.
      at(time), h.ok({ type: 'ticket.rate', ticketId: id(`B00${index + 1}`), level: 5, stored: finished(`B00${index + 1}`) }, supervisor);
    });
    at('09:30'), h.ok({ type: 'window.resume', windowId: 'w1' }, clerk1);
  }

  at('10:00'), h.issue('svc-b'), h.callNext('w2', clerk2), h.open('w3', clerk3);
  at('10:02'), h.ok({ type: 'window.transfer', windowId: 'w2', toWindowId: 'w3' }, clerk2), h.callNext('w3', clerk3);
  if (dirty) {
    at('10:03'), h.ok({ type: 'window.transfer', windowId: 'w3', toWindowId: 'w2' }, clerk3), h.callNext('w2', clerk2);
    at('10:09'), h.finish('w2', clerk2, 'completed');
  } else {
    at('10:08'), h.finish('w3', clerk3, 'completed');
  }
  at('10:10'), h.ok({ type: 'window.close', windowId: 'w3' }, clerk3);
  return h;
}
