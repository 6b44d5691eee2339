import type { Logger } from 'pino';
import type { HallStore } from '../store/port.js';
import type { HallService } from './hallService.js';

/**
 * Once a minute every hall gets a `hall.tick`, so that midnight roll-over
 * (expiring yesterday's queue, restarting the numbering) happens in an idle
 * hall too and boards never show yesterday's queue. A tick that changes
 * nothing writes nothing.
 */
export function startHallTicker(service: HallService, halls: HallStore, log: Logger, intervalMs = 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
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
    })();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
