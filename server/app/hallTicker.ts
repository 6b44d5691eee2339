import type { Logger } from 'pino';
import type { HallStore } from '../store/port.js';
import type { HallService } from './hallService.js';

const MINUTE = 60_000;
/** Just after the minute turns, so a period starting at 08:30 is open when the tick runs. */
const AFTER_THE_MINUTE_MS = 50;

/**
 * Every hall gets a `hall.tick` at the start of every minute. The engine then
 * decides what changed with the clock alone: the midnight roll-over, the end
 * of day at `closeDayAt`, an issuing period opening or closing, the rating
 * window ending, an announcement expiring. What changed is stored and sent
 * as events (`hall:clock` when no other event says it), so every screen stays
 * right without polling; a tick that changes nothing writes nothing. One
 * timer serves all the halls of the process, one tick per hall per minute
 * (with several processes each ticks; the second finds nothing left to tell).
 * `intervalMs` (tests) replaces the minute alignment with a plain interval.
 */
export function startHallTicker(service: HallService, halls: HallStore, log: Logger, intervalMs?: number): () => void {
  let running = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tickAll = async () => {
    if (running) return;
    running = true;
    try {
      for (const hall of await halls.listHalls()) {
        const answer = await service.tick(hall.id);
        if (!answer.ok) log.warn({ hallId: hall.id, error: answer.error.code }, 'hall tick refused');
      }
    } catch (error) {
      log.error({ err: error }, 'hall tick failed');
    } finally {
      running = false;
    }
  };
  const schedule = () => {
    if (stopped) return;
    const delay = intervalMs ?? MINUTE - (Date.now() % MINUTE) + AFTER_THE_MINUTE_MS;
    timer = setTimeout(() => {
      void tickAll();
      schedule();
    }, delay);
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
