/**
 * Loaded by vitest before every test file (vitest.config.ts setupFiles): `toEqual` and friends compare
 * two TicketMaps by their entries, ids and tickets in order, as they compared the plain objects the map
 * replaced, and a map and a plain object keyed by id by the same rule (entries, ids and tickets).
 * Its workings are private fields, which equality would not see otherwise.
 */
import { expect } from 'vitest';
import { TicketMap } from '../../server/protocol/ticketMap.js';

expect.addEqualityTesters([
  function ticketMapsEqual(this: { equals: (a: unknown, b: unknown) => boolean }, a: unknown, b: unknown) {
    const aIs = a instanceof TicketMap;
    const bIs = b instanceof TicketMap;
    if (!aIs && !bIs) return undefined;
    if (aIs && bIs) return this.equals(a.entries(), b.entries());
    // Against a plain object keyed by id (what a test wrote before, or JSON): the same entries.
    const map = (aIs ? a : b) as TicketMap<unknown>;
    const other = aIs ? b : a;
    if (other === null || typeof other !== 'object' || Array.isArray(other) || Object.getPrototypeOf(other) !== Object.prototype) return false;
    return this.equals(map.toRecord(), other);
  },
]);
