import { describe, expect, it } from 'vitest';
import { DEMO_BOOKABLE_SERVICES, demoHallConfig, demoStaff } from '../../server/demo/demoHall.js';
import { bookingOf, bookingWindowDays, openSlots, slotsOfDay } from '../../server/protocol/rules/booking.js';

describe('demo hall', () => {
  const hall = demoHallConfig();

  it('is the demo hall in Asia/Shanghai with the agreed policy', () => {
    expect(hall.id).toBe('demo');
    expect(hall.name).toMatch(/便民服务中心$/);
    expect(hall.timeZone).toBe('Asia/Shanghai');
    expect(hall.secondLanguage).toBe('en');
    expect(hall.maxWaitMinutes).toBe(30);
    expect(hall.evaluationMinutes).toBe(10);
    expect(hall.policy).toEqual({
      priorityStreakCap: 2,
      boostAfterMinutes: 45,
      requeueAfter: 3,
      appointmentEarlyMinutes: 15,
      appointmentGraceMinutes: 15,
    });
  });

  it('has windows "1".."8" numbered 1..8', () => {
    expect(hall.windows.map((w) => w.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(hall.windows.map((w) => w.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('has 12–18 services with unique ids and unique single-letter prefixes', () => {
    expect(hall.services.length).toBeGreaterThanOrEqual(12);
    expect(hall.services.length).toBeLessThanOrEqual(18);
    const ids = hall.services.map((s) => s.id);
    const prefixes = hall.services.map((s) => s.prefix);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const s of hall.services) {
      expect(s.id).toMatch(/^[a-z0-9-]+$/);
      expect(s.prefix).toMatch(/^[A-Z]$/);
    }
  });

  it('every service is served by at least one window, and every link points at a service', () => {
    const ids = new Set(hall.services.map((s) => s.id));
    const served = new Set<string>();
    for (const w of hall.windows) {
      const linked = w.services.map((l) => l.serviceId);
      expect(new Set(linked).size, `window ${w.id} links a service twice`).toBe(linked.length);
      for (const link of w.services) {
        expect(ids.has(link.serviceId), `window ${w.id} links unknown ${link.serviceId}`).toBe(true);
        expect(Number.isInteger(link.tier) && link.tier >= 1).toBe(true);
        served.add(link.serviceId);
      }
    }
    for (const id of ids) expect(served.has(id), `${id} is served nowhere`).toBe(true);
  });

  it('window 1 serves every service (一窗式); window 8 serves a fee service', () => {
    const w1 = hall.windows.find((w) => w.id === '1')!;
    expect(new Set(w1.services.map((l) => l.serviceId))).toEqual(new Set(hall.services.map((s) => s.id)));
    expect(w1.services.some((l) => l.tier === 1)).toBe(true);
    expect(w1.services.some((l) => l.tier === 2)).toBe(true);
    const w8 = hall.windows.find((w) => w.id === '8')!;
    const feeServices = hall.services.filter((s) => s.fee && s.fee !== '不收费').map((s) => s.id);
    expect(w8.services.some((l) => feeServices.includes(l.serviceId))).toBe(true);
  });

  it('department windows serve their own department’s services at tier 1', () => {
    for (const w of hall.windows.filter((w) => w.id !== '1')) {
      const own = hall.services.filter((s) => s.department === w.department);
      expect(own.length, `window ${w.id} has no services of its own`).toBeGreaterThan(0);
      for (const s of own) {
        expect(w.services.find((l) => l.serviceId === s.id)?.tier, `${s.id} at window ${w.id}`).toBe(1);
      }
    }
  });

  it('has no daily caps and no issuing hours, and every service is enabled', () => {
    for (const s of hall.services) {
      expect(s.dailyCap).toBeNull();
      expect(s.issuingHours).toEqual([]);
      expect(s.enabled).toBe(true);
      expect(s.initialServiceMinutes).toBeGreaterThanOrEqual(3);
      expect(s.initialServiceMinutes).toBeLessThanOrEqual(15);
      if (s.timeLimit.kind === 'working-days') expect(s.timeLimit.days).toBeGreaterThan(0);
    }
  });

  it('has no empty strings anywhere', () => {
    const empties: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (typeof value === 'string') {
        if (value.trim() === '') empties.push(path);
      } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
    };
    walk(hall, 'hall');
    walk(demoStaff(), 'staff');
    expect(empties).toEqual([]);
    for (const s of hall.services) {
      expect(s.nameAlt).toBeTruthy();
      expect(s.department).toBeTruthy();
      expect(s.fee).toBeTruthy();
      expect(s.materials.length).toBeGreaterThan(0);
    }
    for (const w of hall.windows) {
      expect(w.nameAlt).toBeTruthy();
      expect(w.department).toBeTruthy();
    }
  });

  it('returns a fresh copy each time', () => {
    const a = demoHallConfig();
    a.services[0]!.materials.push('x');
    a.windows[0]!.services.pop();
    const b = demoHallConfig();
    expect(b).toEqual(hall);
  });

  it('has one clerk per window and a supervisor, with unique usernames and staff numbers', () => {
    const staff = demoStaff();
    const usernames = staff.map((s) => s.username);
    expect(new Set(usernames).size).toBe(usernames.length);
    expect(new Set(staff.map((s) => s.staffNo)).size).toBe(staff.length);
    for (let n = 1; n <= 8; n++) expect(usernames).toContain(`clerk${n}`);
    expect(staff.find((s) => s.username === 'zhuren')?.role).toBe('supervisor');
    expect(staff.filter((s) => s.role === 'clerk')).toHaveLength(8);
  });
  it('takes 网上预约 for at least three services, several slots every day, one to book within half an hour at any hour', () => {
    const bookable = hall.services.filter((service) => bookingOf(service) !== null);
    expect(bookable.map((service) => service.id)).toEqual(DEMO_BOOKABLE_SERVICES);
    expect(bookable.length).toBeGreaterThanOrEqual(3);
    // The confirmation lists what to bring and where the hall is.
    expect(hall.booking?.address).toBeTruthy();
    // A Monday 00:10 to the Sunday after, every 50 minutes: every hour of every weekday is met.
    const monday = Date.parse('2026-03-02T00:10:00+08:00');
    for (const service of bookable) {
      const settings = bookingOf(service)!;
      expect(service.materials.length).toBeGreaterThan(0);
      for (let now = monday; now < monday + 7 * 86_400_000; now += 50 * 60_000) {
        const next = openSlots(settings, hall, now)[0]!;
        expect(next.start - now, `${service.id} at ${new Date(now).toISOString()}`).toBeLessThanOrEqual(30 * 60_000);
        expect(next.start).toBeGreaterThan(now);
        expect(bookingWindowDays(settings, hall, now).length).toBeGreaterThanOrEqual(5);
      }
      for (let day = 2; day <= 8; day++) expect(slotsOfDay(settings, `2026-03-0${day}`, hall.timeZone).length).toBeGreaterThan(2);
    }
  });
});
