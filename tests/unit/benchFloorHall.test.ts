import { describe, expect, it } from 'vitest';
import { FloorHall } from '../bench/floor/hall.js';

describe('bench floor hall', () => {
  const hall = () => new FloorHall('bench-001', ['a', 'b'], ['1', '2']);

  it('numbers tickets per service, counts people ahead and gives one event per command', () => {
    const h = hall();
    const first = h.issue('a', 1);
    const second = h.issue('a', 2);
    const other = h.issue('b', 3);
    if (typeof first === 'string' || typeof second === 'string' || typeof other === 'string') throw new Error('refused');
    expect([first.ticket.number, second.ticket.number, other.ticket.number]).toEqual(['A001', 'A002', 'B001']);
    expect([first.ahead, second.ahead, other.ahead]).toEqual([0, 1, 0]);
    expect([first.event.seq, second.event.seq, other.event.seq]).toEqual([1, 2, 3]);
    expect(h.view().services).toEqual([
      { serviceId: 'a', waiting: 2 },
      { serviceId: 'b', waiting: 1 },
    ]);
  });

  it('calls first come first served, finishing the window’s current ticket in the same event', () => {
    const h = hall();
    h.issue('b', 1);
    h.issue('a', 2);
    expect(h.callNext('1', 3)).toBe('WINDOW_NOT_OPEN');
    h.open('1', 3);
    const one = h.callNext('1', 4);
    const two = h.callNext('1', 5);
    if (typeof one === 'string' || typeof two === 'string') throw new Error('refused');
    expect(one.ticket.number).toBe('B001');
    expect(two.ticket.number).toBe('A001');
    expect(two.event).toMatchObject({ type: 'ticket:called', windowId: '1', finishedId: one.ticket.id, seq: 5 });
    expect(h.callNext('1', 6)).toBe('NO_TICKET_WAITING');
    expect(h.view().windows[0]).toEqual({ windowId: '1', open: true, current: 'A001' });
  });

  it('refuses unknown services and windows without changing anything', () => {
    const h = hall();
    expect(h.issue('zz', 1)).toBe('NOT_FOUND');
    expect(h.open('9', 1)).toBe('NOT_FOUND');
    expect(h.callNext('9', 1)).toBe('NOT_FOUND');
    expect(h.seq).toBe(0);
    expect(h.waiting).toBe(0);
  });

  it('keeps its order through the queue compaction', () => {
    const h = hall();
    h.open('2', 0);
    for (let i = 0; i < 3000; i++) h.issue(i % 2 ? 'a' : 'b', i);
    const called: string[] = [];
    for (let i = 0; i < 2500; i++) {
      const r = h.callNext('2', i);
      if (typeof r === 'string') throw new Error(r);
      called.push(r.ticket.id);
    }
    expect(called.at(-1)).toBe('bench-001-2500');
    expect(h.waiting).toBe(500);
    const next = h.callNext('2', 0);
    expect(typeof next !== 'string' && next.ticket.id).toBe('bench-001-2501');
  });
});
