import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { localTime } from '../domain/time.js';
import type { HallEvent } from '../protocol/events.js';
import type { HallConfig, HallState } from '../protocol/model.js';
import type { SimulationRequest } from '../protocol/simulation.js';
import { addDays, localMidnight } from '../stats/days.js';
import { readRangeEvents } from '../stats/eventSource.js';
import type { Store } from '../store/port.js';
import { hallRequest } from './hallRequest.js';
import { route, sendError } from './support.js';
import { type ServiceSample, readDay } from '../oversight/simulation/dayRecord.js';
import { historyDays, isMarketDay } from '../oversight/simulation/history.js';
import { SimulationBusy, type SimulationPool } from '../oversight/simulation/pool.js';
import { simulationRequest, suggestionRequest } from '../oversight/simulation/schemas.js';
import { DAY_SAMPLES_NEEDED } from '../oversight/simulation/serviceTimes.js';

export interface SimulationApiDeps {
  store: Store;
  now: () => number;
  pool: SimulationPool;
}

const DAY_MS = 86_400_000;
/** Tickets of a day may finish after midnight; a day later nothing of it is still at a window. */
const DAY_TRAILING_MS = DAY_MS;

type Span = { start: number; end: number };

const daySpan = (day: string, timeZone: string): Span => ({ start: localMidnight(day, timeZone), end: localMidnight(addDays(day, 1), timeZone) });

function invalid(req: Request, res: Response, path: string, message: string): void {
  sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path, message }] } });
}

/** Admins and supervisors of the hall (docs/oversight.md). */
async function load<T>(req: Request, res: Response, deps: SimulationApiDeps, schema: z.ZodType<T>): Promise<{ state: HallState; body: T } | null> {
  const found = await hallRequest(req, res, deps.store.halls, 'managers', schema, req.body ?? {});
  return found && { state: found.state, body: found.input };
}

/** What of the request only the hall can check: windows and services that exist. Null when all is well. */
function hallRefusal(config: HallConfig, request: SimulationRequest): { path: string; message: string } | null {
  const windows = new Set(config.windows.map((window) => window.id));
  const services = new Set(config.services.map((service) => service.id));
  for (const [index, shift] of (request.staffing ?? []).entries()) {
    if (!windows.has(shift.windowId)) return { path: `staffing.${index}.windowId`, message: `no window ${shift.windowId} in this hall` };
  }
  for (const [index, window] of (request.policy?.windows ?? []).entries()) {
    if (!windows.has(window.windowId)) return { path: `policy.windows.${index}.windowId`, message: `no window ${window.windowId} in this hall` };
    for (const [link, service] of window.services.entries()) {
      if (!services.has(service.serviceId)) return { path: `policy.windows.${index}.services.${link}.serviceId`, message: `no service ${service.serviceId} in this hall` };
    }
  }
  return null;
}

const hasTickets = (events: readonly HallEvent[], span: Span): boolean =>
  events.some((event) => (event.type === 'ticket:issued' || event.type === 'appointment:checked-in') && event.ticket.issuedAt >= span.start && event.ticket.issuedAt < span.end);

/** A full pool is the caller's to retry (503); anything else is the server's fault and goes to the error handler. */
function sendPoolFailure(req: Request, res: Response, error: unknown): void {
  if (error instanceof SimulationBusy) return sendError(req, res, 'SIMULATION_BUSY');
  throw error;
}

/** 排班模拟 (docs/oversight.md): the replay of a past day, and the suggested staffing for a day. */
export function mountSimulationApi(api: Router, deps: SimulationApiDeps): void {
  const eventsOf = (state: HallState, span: Span) => readRangeEvents(deps.store.halls, state.config.id, state.seq, span, DAY_TRAILING_MS);

  api.post(
    '/halls/:hallId/simulations',
    route(async (req, res) => {
      const loaded = await load(req, res, deps, simulationRequest);
      if (!loaded) return;
      const { state, body } = loaded;
      const { config } = state;
      const today = localTime(deps.now(), config.timeZone).day;
      if (body.day >= today) return invalid(req, res, 'day', 'must be a day before today');
      const refused = hallRefusal(config, body);
      if (refused) return invalid(req, res, refused.path, refused.message);
      const span = daySpan(body.day, config.timeZone);
      const events = await eventsOf(state, span);
      if (!hasTickets(events, span)) return sendError(req, res, 'SIMULATION_NO_DATA');
      const monthSamples = await monthSamplesFor(state, body.day, span, events, (monthSpan) => eventsOf(state, monthSpan));
      try {
        res.json(await deps.pool.simulate({ config, day: body.day, span, events, monthSamples, request: body }));
      } catch (error) {
        sendPoolFailure(req, res, error);
      }
    }),
  );

  api.post(
    '/halls/:hallId/simulations/suggestion',
    route(async (req, res) => {
      const loaded = await load(req, res, deps, suggestionRequest);
      if (!loaded) return;
      const { state, body } = loaded;
      const { config } = state;
      const today = localTime(deps.now(), config.timeZone).day;
      const day = body.day ?? addDays(today, 1);
      const read = new Map<string, { span: Span; events: HallEvent[] }>();
      const hasDay = async (candidate: string) => {
        const span = daySpan(candidate, config.timeZone);
        const events = await eventsOf(state, span);
        read.set(candidate, { span, events });
        return hasTickets(events, span);
      };
      const basedOn = await historyDays(config, day, today, body.weeks ?? 4, hasDay);
      if (basedOn.length === 0) return sendError(req, res, 'SIMULATION_NO_DATA');
      const history = basedOn.map((past) => ({ day: past, ...read.get(past)! }));
      try {
        res.json(await deps.pool.suggest({ config, day, marketDay: isMarketDay(config, day), p90LimitMinutes: body.p90LimitMinutes ?? config.maxWaitMinutes, history }));
      } catch (error) {
        sendPoolFailure(req, res, error);
      }
    }),
  );
}

/**
 * The month's recorded times per service, read only when the day has fewer than DAY_SAMPLES_NEEDED
 * served tickets of a service it had arrivals of (a busy day needs no second read).
 */
async function monthSamplesFor(
  state: HallState,
  day: string,
  span: Span,
  events: HallEvent[],
  read: (span: Span) => Promise<HallEvent[]>,
): Promise<Record<string, ServiceSample[]>> {
  const record = readDay(events, span);
  const thin = new Set(record.arrivals.map((arrival) => arrival.serviceId).filter((serviceId) => (record.samples.get(serviceId)?.length ?? 0) < DAY_SAMPLES_NEEDED));
  if (thin.size === 0) return {};
  const monthStart = `${day.slice(0, 8)}01`;
  const nextMonth = addDays(`${day.slice(0, 8)}28`, 7).slice(0, 8) + '01';
  const monthSpan = { start: localMidnight(monthStart, state.config.timeZone), end: localMidnight(nextMonth, state.config.timeZone) };
  const month = readDay(await read(monthSpan), monthSpan);
  const samples: Record<string, ServiceSample[]> = {};
  for (const serviceId of thin) {
    const own = month.samples.get(serviceId);
    if (own && own.length > 0) samples[serviceId] = own;
  }
  return samples;
}
