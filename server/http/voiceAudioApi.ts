import type { Request, Response, Router } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE } from '../app/rateLimits.js';
import type { HallState } from '../protocol/model.js';
import type { ErrorBody } from '../protocol/errors.js';
import type { HallStore } from '../store/port.js';
import type { Announcer } from '../voice/announcer.js';
import { route, sendError } from './support.js';

const hallIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const QUERY_KEYS = new Set(['lang', 'ticket', 'window', 'recall']);
/** A ticket number as halls issue them: a service's prefix (one or two letters) and at most five digits. */
const TICKET = /^([A-Z]{1,2})(\d{1,5})$/;
const WINDOW = /^[1-9]\d{0,2}$/;

/**
 * A board may keep an answer for a minute (a burst of calls, several boards of one hall), and then
 * revalidates it by its ETag: a pack recorded or replaced meanwhile is heard within that minute.
 */
const CACHE_CONTROL = 'public, max-age=60';

/**
 * The call voice as audio (docs/voice.md): public, as the board that plays it is. What an anonymous
 * request can make the server do is bounded by the hall itself: its languages, its services'
 * prefixes, its window numbers and five digits, so every word asked for is one of the hall's catalog
 * and the synthesizer never sees a stranger's text.
 */
export function mountVoiceAudioApi(api: Router, deps: { halls: HallStore; announcer: Announcer; freshPerMinute?: number }): void {
  // In this process's memory, like the socket budgets: with several processes an address gets this much from each.
  const fresh = new RateLimiterMemory({ keyPrefix: 'announcement', points: deps.freshPerMinute ?? FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE, duration: 60 });
  api.get(
    '/halls/:hallId/voice/announcement.wav',
    route(async (req, res) => {
      const state = await publicHall(req, res, deps.halls);
      if (!state) return;
      const hall = state.config;
      const query = announcementQuery(req.query, state);
      if ('error' in query) return sendError(req, res, query.error);
      let retryAfterSeconds = 0;
      const admit = async () => {
        try {
          await fresh.consume(req.ip ?? 'unknown');
          return true;
        } catch (refusal) {
          if (!(refusal instanceof RateLimiterRes)) throw refusal;
          retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
          return false;
        }
      };
      const said = await deps.announcer.announce(hall, query.lang, { ticketNumber: query.ticket, windowNumber: query.window, recall: query.recall }, admit);
      if ('refused' in said) {
        res.set('Retry-After', String(retryAfterSeconds));
        return sendError(req, res, { code: 'RATE_LIMITED', message: '', details: { retryAfterSeconds } });
      }
      if ('unavailable' in said) {
        return sendError(req, res, { code: 'VOICE_UNAVAILABLE', message: '', details: { lang: said.lang, ...(said.word !== null ? { word: said.word } : {}) } });
      }
      res.set({
        'Content-Type': 'audio/wav',
        'Cache-Control': CACHE_CONTROL,
        ETag: said.etag,
        // Names of a template's own words are its text (受理): encoded, as a header carries only ASCII.
        'X-HallQ-Voice-Clips': said.words.map((word) => `${encodeURIComponent(word.name)}:${word.source}`).join(','),
        'X-HallQ-Voice-Source': said.source,
      });
      res.send(said.wav);
    }),
  );

  api.get(
    '/halls/:hallId/voice/chime.wav',
    route(async (req, res) => {
      const state = await publicHall(req, res, deps.halls);
      if (!state) return;
      const hall = state.config;
      const unknown = Object.keys(req.query).filter((key) => key !== 'lang');
      if (unknown.length > 0) return sendError(req, res, invalid(unknown[0]!, 'not a parameter of this route'));
      const chime = await deps.announcer.chime(hall);
      res.set({ 'Content-Type': 'audio/wav', 'Cache-Control': CACHE_CONTROL, ETag: chime.etag, 'X-HallQ-Voice-Source': chime.source });
      res.send(chime.wav);
    }),
  );
}

async function publicHall(req: Request, res: Response, halls: HallStore): Promise<HallState | null> {
  const hallId = hallIdSchema.safeParse(req.params.hallId);
  const hall = hallId.success ? await halls.loadHall(hallId.data) : null;
  if (!hall) sendError(req, res, 'HALL_NOT_FOUND');
  return hall;
}

interface AnnouncementQuery {
  lang: string;
  ticket: string;
  window: number;
  recall: boolean;
}

function announcementQuery(query: Request['query'], state: HallState): AnnouncementQuery | { error: ErrorBody } {
  const hall = state.config;
  const unknown = Object.keys(query).find((key) => !QUERY_KEYS.has(key));
  if (unknown !== undefined) return { error: invalid(unknown, 'not a parameter of this route') };
  // One value each: ?lang=zh&lang=en or lang[]=zh arrives as an array or object and is refused.
  const single = (key: string): string | undefined | null => {
    const value = query[key];
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : null;
  };
  const lang = single('lang');
  const languages = ['zh', 'en', hall.secondLanguage.toLowerCase()];
  if (!lang || !languages.includes(lang)) return { error: invalid('lang', `one of ${[...new Set(languages)].join(', ')}`) };
  const ticket = single('ticket');
  const parsed = ticket ? TICKET.exec(ticket) : null;
  if (!ticket || !parsed) return { error: invalid('ticket', 'a ticket number: a service prefix and 1 to 5 digits, e.g. A001') };
  // A ticket issued before its service's prefix was changed keeps its number, and is still called by it.
  const known = hall.services.some((service) => service.prefix === parsed[1]) || [...state.tickets].some((live) => live.number === ticket);
  if (!known) return { error: invalid('ticket', `${parsed[1]} is not the prefix of a service of this hall`) };
  const window = single('window');
  if (!window || !WINDOW.test(window)) return { error: invalid('window', 'a window number from 1 to 999') };
  if (!hall.windows.some((entry) => entry.number === Number(window))) return { error: invalid('window', `window ${window} is not a window of this hall`) };
  const recall = single('recall');
  if (recall !== undefined && recall !== '1') return { error: invalid('recall', '1, or absent') };
  return { lang, ticket, window: Number(window), recall: recall === '1' };
}

function invalid(path: string, message: string): ErrorBody {
  return { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path, message }] } };
}
