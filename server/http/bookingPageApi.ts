import type { Router } from 'express';
import { z } from 'zod';
import type { BookingPageInfo } from '../protocol/bookingPage.js';
import type { HallStore } from '../store/port.js';
import { route, sendError } from './support.js';

const hallIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);

/**
 * The booking page's view of the hall. It carries only what the hall shows on its own door
 * (name, address) and the one form rule the page must know before sending (the ID-card digits),
 * so it is public like the board.
 */
export function mountBookingPageApi(api: Router, deps: { halls: HallStore }): void {
  api.get(
    '/halls/:hallId/booking-page',
    route(async (req, res) => {
      const hallId = hallIdSchema.safeParse(req.params.hallId);
      const hall = hallId.success ? await deps.halls.loadHall(hallId.data) : null;
      if (!hall || hall.archivedAt !== undefined) return sendError(req, res, 'HALL_NOT_FOUND');
      const { config } = hall;
      const info: BookingPageInfo = {
        hallId: config.id,
        hallName: config.name,
        ...(config.nameAlt ? { hallNameAlt: config.nameAlt } : {}),
        ...(config.booking?.address ? { address: config.booking.address } : {}),
        timeZone: config.timeZone,
        requireIdTail: config.booking?.requireIdTail === true,
        bookingOpen: config.services.some((service) => service.enabled && service.booking?.enabled === true),
      };
      res.set('Cache-Control', 'no-store').json(info);
    }),
  );
}
