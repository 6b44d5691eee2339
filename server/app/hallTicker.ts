import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { HallStore } from '../store/port.js';
import type { HallService } from './hallService.js';

/** The server's own clock acting on the halls; never a client, so it is not in the command catalogue. */
const SYSTEM: Principal = { kind: 'staff', user: { id: 'system', name: '系统', role: 'admin' }, hallIds: ['*'] };

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
          const answer = await service.run(SYSTEM, hall.id, { type: 'hall.tick' });
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
