/**
 * A scripted day (scriptedDay.ts) acted out straight into the pure engine, with no server: every event
 * it recorded from the hall's founding on, as 排班模拟 reads a day from the log.
 */
import { execute, foundHall } from '../../server/domain/engine.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { Actor, HallConfig, HallState } from '../../server/protocol/model.js';
import { CountingIds } from './engineHarness.js';
import { type ScriptShift, type ScriptTicket, actOutDay } from './scriptedDay.js';

const ADMIN: Actor = { kind: 'staff', user: { id: 'admin1', name: '管理员', role: 'admin' } };

export async function recordDay(
  config: HallConfig,
  dayStart: number,
  tickets: readonly ScriptTicket[],
  shifts: readonly ScriptShift[],
  /** How each event is kept (the bench keeps them as the log returns them for a report). */
  keep: (event: HallEvent) => HallEvent = (event) => event,
): Promise<HallEvent[]> {
  const founded = foundHall(config, ADMIN, dayStart);
  let state: HallState = founded.state;
  const events: HallEvent[] = [...founded.events];
  const ids = new CountingIds();
  await actOutDay(
    async (command, now) => {
      const outcome = execute(state, command, ADMIN, { now, ids });
      if (!outcome.ok) return undefined;
      state = outcome.state;
      for (const event of outcome.events) events.push(keep(event));
      return outcome.result;
    },
    config.windows.map((window) => window.id),
    tickets,
    shifts,
  );
  return events;
}
