import type { Request, Response, Router } from 'express';
import { mayActInHall } from '../auth/principal.js';
import type { HallService } from '../app/hallService.js';
import type { RateLimits } from '../app/rateLimits.js';
import { secretEquals } from '../domain/handlers/bookingKeys.js';
import { bookingQuerySchemas } from '../protocol/bookingSchemas.js';
import { bookableServices, bookingList, bookingView, slotsAnswer } from '../protocol/bookingViews.js';
import type { Command } from '../protocol/commands.js';
import type { HallState } from '../protocol/model.js';
import { schemas } from '../protocol/schemas.js';
import type { HallStore } from '../store/port.js';
import { principalOf, route, sendAck, sendError, sendValidationError } from './support.js';

/**
 * The 网上预约 read models and the manage link (server/protocol/booking.ts). The commands themselves
 * (create, and cancel/move under the hall) are declared routes (commandRoutes.ts); the manage link's
 * cancel and move here are the same commands, sent for the hall the booking belongs to.
 */

/** Booking id → hall, so a manage link without `hall=` is found without reading every hall again. */
const KNOWN_HALLS_MAX = 10_000;

export function mountBookingApi(api: Router, deps: { halls: HallStore; service: HallService; limits: RateLimits; now: () => number }): void {
  const knownHalls = new Map<string, string>();

  /** Anonymous reads are rate-limited per client address (answers the refusal itself). */
  async function publicReadAllowed(req: Request, res: Response): Promise<boolean> {
    const principal = principalOf(req);
    if (principal.kind !== 'public') return true;
    const rate = await deps.limits.forPublicRead(principal.ip);
    if (rate.ok) return true;
    sendError(req, res, { code: 'RATE_LIMITED', message: '', details: { retryAfterSeconds: rate.retryAfterSeconds } });
    return false;
  }

  /** The hall holding a booking: the one the link names, else the first (in service) that has it. */
  async function hallOfBooking(bookingId: string, named: unknown): Promise<HallState | null> {
    const candidates: string[] = [];
    if (typeof named === 'string' && schemas.id.safeParse(named).success) candidates.push(named);
    const known = knownHalls.get(bookingId);
    if (known !== undefined) candidates.push(known);
    for (const hallId of candidates) {
      const hall = await deps.halls.loadHall(hallId);
      if (hall && Object.hasOwn(hall.appointments, bookingId)) return hall;
    }
    for (const summary of await deps.halls.listHalls()) {
      if (summary.archivedAt !== undefined || candidates.includes(summary.id)) continue;
      const hall = await deps.halls.loadHall(summary.id);
      if (hall && Object.hasOwn(hall.appointments, bookingId)) {
        if (knownHalls.size >= KNOWN_HALLS_MAX) knownHalls.clear();
        knownHalls.set(bookingId, summary.id);
        return hall;
      }
    }
    return null;
  }

  /** The query without `hall` (the manage link's hint), for the strict schemas. */
  function queryOf(req: Request): Record<string, unknown> {
    const { hall: _hall, ...rest } = req.query as Record<string, unknown>;
    return rest;
  }

  api.get(
    '/halls/:hallId/booking-services',
    route(async (req, res) => {
      if (!(await publicReadAllowed(req, res))) return;
      const hall = await deps.halls.loadHall(String(req.params.hallId));
      if (!hall) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json(bookableServices(hall));
    }),
  );

  api.get(
    '/halls/:hallId/booking-slots',
    route(async (req, res) => {
      if (!(await publicReadAllowed(req, res))) return;
      const parsed = bookingQuerySchemas.slots.safeParse(req.query);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const hall = await deps.halls.loadHall(String(req.params.hallId));
      if (!hall) return sendError(req, res, 'HALL_NOT_FOUND');
      const { serviceId, from, to } = parsed.data;
      const answer = slotsAnswer(hall, serviceId, deps.now(), { ...(from !== undefined ? { from: Number(from) } : {}), ...(to !== undefined ? { to: Number(to) } : {}) });
      if (!answer) return sendError(req, res, { code: 'SERVICE_NOT_BOOKABLE', message: '', details: { serviceId } });
      res.json(answer);
    }),
  );

  api.get(
    '/halls/:hallId/bookings',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      const principal = principalOf(req);
      if (principal.kind !== 'staff' || !mayActInHall(principal, hallId)) return sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      const parsed = bookingQuerySchemas.list.safeParse(req.query);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const hall = await deps.halls.loadHall(hallId);
      if (!hall) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json(bookingList(hall, parsed.data.date));
    }),
  );

  api.get(
    '/bookings/:bookingId',
    route(async (req, res) => {
      if (!(await publicReadAllowed(req, res))) return;
      const bookingId = String(req.params.bookingId);
      const parsed = bookingQuerySchemas.view.safeParse(queryOf(req));
      if (!parsed.success || !schemas.id.safeParse(bookingId).success) return sendError(req, res, 'APPOINTMENT_NOT_FOUND');
      const hall = await hallOfBooking(bookingId, req.query.hall);
      const appointment = hall?.appointments[bookingId];
      // A wrong secret and an unknown id are one answer: the link's holder only may see the booking.
      if (!hall || !appointment || appointment.source === undefined || !appointment.secret || !secretEquals(appointment.secret, parsed.data.secret)) {
        return sendError(req, res, 'APPOINTMENT_NOT_FOUND');
      }
      res.json(bookingView(hall, appointment, deps.now()));
    }),
  );

  /** The manage link's cancel and move: the command for the booking's hall, answered as the link shows it. */
  const change = (build: (bookingId: string, body: Record<string, unknown>) => { ok: true; command: Command } | { ok: false; res: (req: Request, res: Response) => void }) =>
    route(async (req, res) => {
      const bookingId = String(req.params.bookingId);
      if (!schemas.id.safeParse(bookingId).success) return sendError(req, res, 'APPOINTMENT_NOT_FOUND');
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path: '', message: 'an object' }] } });
      const { hall: named, ...rest } = body as Record<string, unknown>;
      const built = build(bookingId, rest);
      if (!built.ok) return built.res(req, res);
      const hall = await hallOfBooking(bookingId, named ?? req.query.hall);
      if (!hall) return sendError(req, res, 'APPOINTMENT_NOT_FOUND');
      const ack = await deps.service.run(principalOf(req), hall.config.id, built.command);
      if (!ack.ok) return sendAck(req, res, ack);
      const after = await deps.halls.loadHall(hall.config.id);
      const appointment = after?.appointments[bookingId];
      if (!after || !appointment) return sendError(req, res, 'APPOINTMENT_NOT_FOUND');
      res.json(bookingView(after, appointment, deps.now()));
    });

  api.post(
    '/bookings/:bookingId/cancel',
    change((bookingId, body) => {
      const parsed = bookingQuerySchemas.secretBody.safeParse(body);
      if (!parsed.success) return { ok: false, res: (req, res) => sendValidationError(req, res, parsed.error) };
      const { secret, requestId } = parsed.data;
      return { ok: true, command: { type: 'booking.cancel', bookingId, secret, ...(requestId !== undefined ? { requestId } : {}) } };
    }),
  );

  api.post(
    '/bookings/:bookingId/move',
    change((bookingId, body) => {
      const parsed = bookingQuerySchemas.moveBody.safeParse(body);
      if (!parsed.success) return { ok: false, res: (req, res) => sendValidationError(req, res, parsed.error) };
      const { secret, slotStart, requestId } = parsed.data;
      return { ok: true, command: { type: 'booking.move', bookingId, secret, slotStart, ...(requestId !== undefined ? { requestId } : {}) } };
    }),
  );
}
