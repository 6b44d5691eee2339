/**
 * The persistent ticket map (protocol/ticketMap.ts) against the plain object it stands for: the same
 * entries in the same order after any run of writes, edits that never change the map they came from,
 * own keys only, and JSON as the object.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../server/protocol/model.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';

const ticket = (id: string, n: number) => ({ id, number: `A${n}` }) as unknown as Ticket;
const ids = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'a', 'b'), fc.string({ minLength: 1, maxLength: 3 }));
const op = fc.oneof(
  fc.record({ k: fc.constant('set' as const), id: ids, n: fc.nat(99) }),
  fc.record({ k: fc.constant('delete' as const), id: ids }),
  fc.record({ k: fc.constant('edit' as const) }),
  fc.record({ k: fc.constant('many' as const), n: fc.integer({ min: 1, max: 300 }) }),
);

function same(map: TicketMap<Ticket>, model: Map<string, Ticket>): void {
  expect(map.size).toBe(model.size);
  expect(map.keys()).toEqual([...model.keys()]);
  expect(map.values()).toEqual([...model.values()]);
  for (const [id, value] of model) {
    expect(map.get(id)).toBe(value);
    expect(map.has(id)).toBe(true);
  }
  expect(JSON.stringify(map)).toBe(JSON.stringify(Object.fromEntries(model)));
}

describe('TicketMap', () => {
  it('behaves as an insertion-ordered map, and an edit never changes the map it came from', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let map = TicketMap.empty<Ticket>();
        let model = new Map<string, Ticket>();
        const frozen: Array<{ map: TicketMap<Ticket>; model: Map<string, Ticket> }> = [];
        let fresh = 0;
        for (const step of ops) {
          if (step.k === 'set') {
            const value = ticket(step.id, step.n);
            map.set(step.id, value);
            model.set(step.id, value);
          } else if (step.k === 'delete') {
            expect(map.delete(step.id)).toBe(model.delete(step.id));
          } else if (step.k === 'edit') {
            frozen.push({ map, model: new Map(model) });
            map = map.edit();
            model = new Map(model);
          } else {
            // Enough entries to make the buckets grow inside an edit.
            for (let k = 0; k < step.n; k++) {
              const id = `t${fresh++}`;
              const value = ticket(id, k);
              map.set(id, value);
              model.set(id, value);
            }
          }
        }
        same(map, model);
        for (const earlier of frozen) same(earlier.map, earlier.model);
      }),
      { numRuns: 300 },
    );
  });

  it('reads ids such as "__proto__" as ids, and round-trips through its object form', () => {
    const map = TicketMap.fromRecord(JSON.parse('{"__proto__": {"id": "__proto__"}, "x": {"id": "x"}}') as Record<string, Ticket>);
    expect(map.get('__proto__')?.id).toBe('__proto__');
    expect(map.get('constructor')).toBeUndefined();
    expect(map.has('toString')).toBe(false);
    const record = map.toRecord();
    expect(Object.keys(record)).toEqual(['__proto__', 'x']);
    expect(TicketMap.fromRecord(record).keys()).toEqual(['__proto__', 'x']);
  });
});
