/**
 * A day of the test hall as the engine wrote it before events had a schema
 * version (tests/fixtures/eventlog-v1/day.json, generated once by the engine
 * of that time and never rewritten): the hall as created, every event, and
 * the state the engine then held (without remembered requests).
 */
import { readFileSync } from 'node:fs';
import type { HallState } from '../../server/protocol/model.js';
import { hallFromJson } from './plainHall.js';

export interface V1Day {
  initial: HallState;
  /** Stored events in version 1: no `v`, `hall:configured` without `config`. */
  events: Array<Record<string, unknown> & { type: string; seq: number; at: number; hallId: string }>;
  final: Omit<HallState, 'requests'>;
  /** The clock when the day ended (the last command). */
  at: number;
}

export function v1Day(): V1Day {
  const day = JSON.parse(readFileSync(new URL('../fixtures/eventlog-v1/day.json', import.meta.url), 'utf8')) as V1Day;
  // The live tickets are an object keyed by id in the file, a TicketMap in the engine.
  return { ...day, initial: hallFromJson(JSON.stringify(day.initial)), final: hallFromJson(JSON.stringify(day.final)) };
}
