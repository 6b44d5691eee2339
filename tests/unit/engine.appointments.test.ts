import { describe, expect, it } from 'vitest';
import type { IssuedTicket } from '../../server/domain/handlers/tickets.js';
import type { Appointment } from '../../server/protocol/model.js';
import { MINUTE, clerk1, harness, kiosk, local, publicActor, supervisor, type Harness } from '../helpers/engineHarness.js';

function book(h: Harness, serviceId: string, startOffsetMinutes: number, lengthMinutes = 30): Appointment {
  return h.ok<Appointment>(
    {
      type: 'appointment.create',
      serviceId,
      slotStart: h.clock.now + startOffsetMinutes * MINUTE,
      slotEnd: h.clock.now + (startOffsetMinutes + lengthMinutes) * MINUTE,
      externalRef: 'gov-booking-42',
    },
    supervisor,
  );
}

describe('appointment.create', () => {
  it('books a slot with a check-in code that is never published in the event', () => {
    const h = harness();
    const appointment = book(h, 'svc-a', 60);
    expect(appointment).toMatchObject({ serviceId: 'svc-a', code: '000001', status: 'booked', externalRef: 'gov-booking-42', createdAt: h.clock.now });
    expect(h.state.appointments[appointment.id]?.code).toBe('000001');
    expect(h.lastEvents).toHaveLength(1);
    expect(h.lastEvents[0]).toMatchObject({ type: 'appointment:created', appointment: { id: appointment.id, slotStart: appointment.slotStart } });
    expect(JSON.stringify(h.lastEvents[0])).not.toContain('000001');
  });

  it('draws another code while the drawn one is in use', () => {
    const codes = ['111111', '111111', '222222'];
    const h = harness({ ids: { secretId: () => 'x', id: (() => { let n = 0; return () => `ap${++n}`; })(), checkInCode: () => codes.shift() ?? '999999' } });
    expect(book(h, 'svc-a', 60).code).toBe('111111');
    expect(book(h, 'svc-a', 60).code).toBe('222222');
  });

  it('refuses unknown services, empty slots and non-staff', () => {
    const h = harness();
    const now = h.clock.now;
    expect(h.fail({ type: 'appointment.create', serviceId: 'nope', slotStart: now, slotEnd: now + MINUTE }).code).toBe('SERVICE_NOT_FOUND');
    expect(h.fail({ type: 'appointment.create', serviceId: 'svc-a', slotStart: now, slotEnd: now }).code).toBe('APPOINTMENT_SLOT_INVALID');
    expect(h.fail({ type: 'appointment.create', serviceId: 'svc-a', slotStart: now, slotEnd: now + MINUTE }, kiosk).code).toBe('FORBIDDEN');
    expect(h.fail({ type: 'appointment.create', serviceId: 'svc-a', slotStart: now, slotEnd: now + MINUTE }, publicActor).code).toBe('FORBIDDEN');
  });
});

describe('appointment.check-in', () => {
  it('inside the slot yields an appointment ticket with the next number of its service', () => {
    const h = harness();
    h.issue('svc-a');
    const appointment = book(h, 'svc-a', 0);
    h.advance(5);
    const issued = h.ok<IssuedTicket>({ type: 'appointment.check-in', code: appointment.code }, kiosk);
    expect(issued.ticket).toMatchObject({
      number: 'A002',
      channel: 'appointment',
      priority: false,
      appointmentId: appointment.id,
      slotStart: appointment.slotStart,
      status: 'waiting',
    });
    // the booked citizen goes ahead of the walk-in
    expect(issued.ahead).toBe(0);
    expect(h.state.appointments[appointment.id]).toMatchObject({ status: 'checked-in', ticketId: issued.ticket.id });
    expect(h.lastEvents.map((event) => event.type)).toEqual(['appointment:checked-in']);
    expect(h.lastEvents[0]).toMatchObject({ appointmentId: appointment.id, waiting: expect.objectContaining({ 'svc-a': 2 }) });
  });

  it('is accepted from appointmentEarlyMinutes (10) before the slot, refused before that', () => {
    const h = harness();
    const appointment = book(h, 'svc-a', 30);
    h.advance(19);
    expect(h.fail({ type: 'appointment.check-in', code: appointment.code }, kiosk)).toEqual({
      code: 'APPOINTMENT_TOO_EARLY',
      // From when, so the kiosk can say it (「还未到签到时间」 alone leaves the citizen guessing).
      details: { slotStart: appointment.slotStart, checkInFrom: appointment.slotStart - 10 * 60_000 },
    });
    h.advance(1);
    h.ok({ type: 'appointment.check-in', code: appointment.code }, kiosk);
  });

  it('is accepted until appointmentGraceMinutes (15) after the slot ends, APPOINTMENT_EXPIRED after', () => {
    const h = harness();
    const appointment = book(h, 'svc-a', 0, 30);
    const late = book(h, 'svc-a', 0, 30);
    h.advance(45);
    h.ok({ type: 'appointment.check-in', code: appointment.code }, kiosk);
    h.clock.advanceSeconds(1);
    expect(h.fail({ type: 'appointment.check-in', code: late.code }, kiosk).code).toBe('APPOINTMENT_EXPIRED');
  });

  it('still says APPOINTMENT_EXPIRED (not unknown code) after the hall has carried on working', () => {
    const h = harness();
    const appointment = book(h, 'svc-a', 0, 30);
    h.advance(60);
    h.issue('svc-b'); // any command after the grace period
    h.advance(30);
    h.open('w1', clerk1);
    expect(h.fail({ type: 'appointment.check-in', code: appointment.code }, kiosk).code).toBe('APPOINTMENT_EXPIRED');
  });

  it('expired bookings are dropped at the next local day', () => {
    const h = harness();
    const appointment = book(h, 'svc-a', 0, 30);
    const tomorrow = h.ok<Appointment>({
      type: 'appointment.create',
      serviceId: 'svc-a',
      slotStart: local('2026-03-03T09:00'),
      slotEnd: local('2026-03-03T09:30'),
    });
    h.clock.set(local('2026-03-03T08:55'));
    h.issue('svc-b');
    expect(h.state.appointments[appointment.id]).toBeUndefined();
    expect(h.fail({ type: 'appointment.check-in', code: appointment.code }, kiosk).code).toBe('APPOINTMENT_NOT_FOUND');
    // a booking for the new day is kept and works
    expect(h.ok<IssuedTicket>({ type: 'appointment.check-in', code: tomorrow.code }, kiosk).ticket.number).toBe('A001');
  });

  it('refuses an unknown code and a second check-in', () => {
    const h = harness();
    const appointment = book(h, 'svc-a', 0);
    expect(h.fail({ type: 'appointment.check-in', code: '424242' }, kiosk).code).toBe('APPOINTMENT_NOT_FOUND');
    const issued = h.ok<IssuedTicket>({ type: 'appointment.check-in', code: appointment.code }, publicActor);
    expect(h.fail({ type: 'appointment.check-in', code: appointment.code }, kiosk)).toEqual({
      code: 'APPOINTMENT_ALREADY_CHECKED_IN',
      details: { ticketId: issued.ticket.id },
    });
  });

  it('is not subject to the daily cap or issuing hours (it was booked), but uses the day\'s numbering', () => {
    const h = harness({ start: local('2026-03-02T12:30') }); // D is not issuing over lunch
    for (let i = 0; i < 3; i++) h.issue('svc-c');
    const c = book(h, 'svc-c', 0);
    const d = book(h, 'svc-d', 0);
    expect(h.ok<IssuedTicket>({ type: 'appointment.check-in', code: c.code }, kiosk).ticket.number).toBe('C004');
    expect(h.ok<IssuedTicket>({ type: 'appointment.check-in', code: d.code }, kiosk).ticket.number).toBe('D001');
  });

  it('once its ticket is done the booking is gone from the hall document', () => {
    const h = harness();
    h.open('w1', clerk1);
    const appointment = book(h, 'svc-a', 0);
    const issued = h.ok<IssuedTicket>({ type: 'appointment.check-in', code: appointment.code }, kiosk);
    h.callNext('w1', clerk1);
    h.finish('w1', clerk1);
    expect(h.state.appointments[appointment.id]).toBeDefined(); // its ticket is still rateable
    h.advance(10);
    h.issue('svc-b');
    expect(h.state.tickets.get(issued.ticket.id)).toBeUndefined();
    expect(h.state.appointments[appointment.id]).toBeUndefined();
  });
});
