import { describe, expect, it } from 'vitest';
import type { BookingCreated } from '../../server/protocol/booking.js';
import type { Command } from '../../server/protocol/commands.js';
import { computeStats } from '../../server/stats/compute.js';
import { statsCsv } from '../../server/stats/csv.js';
import { harness, kiosk, local, publicActor, supervisor, testHallConfig } from '../helpers/engineHarness.js';

/** 网上预约 in the reports: bookings, check-ins, no-shows and cancellations per service and day. */
describe('booking figures', () => {
  it('counts each on the day it happened, per service, and exports them as CSV', () => {
    const config = testHallConfig();
    config.services[0]!.booking = { enabled: true, hours: [{ from: '09:00', to: '12:00' }], slotMinutes: 30, perSlot: 5 };
    const h = harness({ config });
    const create = (slotStart: number, phone: string): BookingCreated =>
      h.ok<BookingCreated>({ type: 'booking.create', serviceId: 'svc-a', slotStart, name: '张三', phone } as Command, publicActor);
    // Monday: three bookings for Tuesday, one cancelled the same day.
    const kept = create(local('2026-03-03T09:00'), '13900000001');
    create(local('2026-03-03T09:30'), '13900000002');
    const dropped = create(local('2026-03-03T10:00'), '13900000003');
    h.ok({ type: 'booking.cancel', bookingId: dropped.id }, supervisor);
    // Tuesday: one checks in, one misses the slot.
    h.clock.set(local('2026-03-03T08:55'));
    h.ok({ type: 'appointment.check-in', code: kept.code }, kiosk);
    h.clock.set(local('2026-03-03T11:00'));
    h.run({ type: 'hall.tick' }, supervisor);

    const report = computeStats(h.events, h.state.config, { from: '2026-03-02', to: '2026-03-03' }, { now: local('2026-03-03T18:00') });
    expect(report.bookings).toEqual([
      { day: '2026-03-02', serviceId: 'svc-a', name: '社保业务', booked: 3, checkedIn: 0, noShow: 0, cancelled: 1 },
      { day: '2026-03-03', serviceId: 'svc-a', name: '社保业务', booked: 0, checkedIn: 1, noShow: 1, cancelled: 0 },
    ]);
    const tuesdayOnly = computeStats(h.events, h.state.config, { from: '2026-03-03', to: '2026-03-03' }, { now: local('2026-03-03T18:00') });
    expect(tuesdayOnly.bookings).toHaveLength(1);
    const csv = statsCsv(report, 'booking').split('\r\n');
    expect(csv[0]).toBe('\uFEFF日期(Date),业务编号(Service ID),业务名称(Service),预约(Booked),签到(Checked in),爽约(No-show),取消预约(Cancelled)');
    expect(csv[1]).toBe('2026-03-02,svc-a,社保业务,3,0,0,1');
    expect(csv[2]).toBe('2026-03-03,svc-a,社保业务,0,1,1,0');
  });
});
