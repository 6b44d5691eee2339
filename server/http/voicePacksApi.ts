import express, { type Request, type Response, type Router } from 'express';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallState } from '../protocol/model.js';
import { callTemplateOf } from '../protocol/voice.js';
import type { VoicePackLanguageView, VoicePacksView } from '../protocol/voicePacks.js';
import type { HallStore, VoiceStore } from '../store/port.js';
import { normalizeClip } from '../voice/audio.js';
import { languageRefusal, packCatalog, packLanguages, packRefusal, readPackZip } from '../voice/packs.js';
import { principalOf, route, sendError } from './support.js';

/** A zip of a whole pack: a hundred clips of up to 1 MB each compress to well under this. */
export const VOICE_PACK_BODY_LIMIT = '64mb';
/**
 * One clip's body: read up to here so that a file over CLIP_MAX_BYTES is refused by name
 * (VOICE_PACK_INVALID too-large), not by the body parser's bare PAYLOAD_TOO_LARGE.
 */
export const VOICE_CLIP_BODY_LIMIT = '8mb';

export interface VoicePacksApiDeps {
  halls: HallStore;
  voice: VoiceStore;
  now: () => number;
  /** The languages the bundled synthesizer speaks; without it the answer's `synthesis` is null. */
  synthesisLanguages?: () => readonly string[];
}

type Access = 'read' | 'write';

/**
 * A body reader for the bytes of any content type (the bytes decide what the file is; the json
 * parser on /api has left these alone), run inside a route once the caller has been let in.
 */
function rawBody(limit: string): (req: Request, res: Response) => Promise<unknown> {
  const parse = express.raw({ type: () => true, limit });
  return (req, res) => new Promise((resolve, reject) => parse(req, res, (error?: unknown) => (error ? reject(error) : resolve(req.body))));
}

/**
 * The hall's voice packs (docs/voice.md): supervisors and admins of the hall read them, admins
 * change them. Every change is checked whole before it is stored, and stored in one step, so a
 * refused upload leaves the pack the boards play as it was.
 */
export function mountVoicePacksApi(api: Router, deps: VoicePacksApiDeps): void {
  const { halls, voice } = deps;

  /** The hall, when the caller may read (supervisors, admins) or write (admins) its packs; null when refused (answered). */
  async function hallFor(req: Request, res: Response, access: Access): Promise<HallState | null> {
    const hallId = String(req.params.hallId);
    const principal = principalOf(req);
    const allowed = access === 'read' ? isManager(principal) : principal.kind === 'staff' && principal.user.role === 'admin';
    if (!allowed || !mayActInHall(principal, hallId)) {
      sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      return null;
    }
    const hall = await halls.loadHall(hallId);
    if (!hall) sendError(req, res, 'HALL_NOT_FOUND');
    return hall;
  }

  /** The hall and the language's catalog; null when refused (answered). Runs before any body is read. */
  async function target(req: Request, res: Response, access: Access) {
    const hall = await hallFor(req, res, access);
    if (!hall) return null;
    const lang = String(req.params.lang);
    const catalog = packCatalog(hall.config, lang);
    if (!catalog) {
      sendError(req, res, languageRefusal(lang, hall.config));
      return null;
    }
    return { hall, lang, catalog };
  }

  async function languageView(hall: HallState, lang: string): Promise<VoicePackLanguageView> {
    const stored = new Map((await voice.listClips(hall.config.id, lang)).map((clip) => [clip.name, clip]));
    const catalog = packCatalog(hall.config, lang) ?? [];
    return {
      lang,
      template: callTemplateOf(lang, hall.config),
      synthesis: deps.synthesisLanguages ? deps.synthesisLanguages().includes(lang) : null,
      clips: catalog.map(({ name, text }) => {
        const clip = stored.get(name);
        return clip ? { name, text, recorded: true, durationMs: clip.durationMs, updatedAt: clip.updatedAt } : { name, text, recorded: false };
      }),
    };
  }

  api.get(
    '/halls/:hallId/voice-packs',
    route(async (req, res) => {
      const hall = await hallFor(req, res, 'read');
      if (!hall) return;
      const view: VoicePacksView = { hallId: hall.config.id, languages: [] };
      for (const lang of packLanguages(hall.config)) view.languages.push(await languageView(hall, lang));
      res.set('Cache-Control', 'no-store').json(view);
    }),
  );

  const readPack = rawBody(VOICE_PACK_BODY_LIMIT);
  api.put(
    '/halls/:hallId/voice-packs/:lang',
    route(async (req, res) => {
      const found = await target(req, res, 'write');
      if (!found) return;
      // Read only now: a 64 MB body is taken from an admin of the hall, from nobody else.
      const body = await readPack(req, res);
      if (!Buffer.isBuffer(body) || body.length === 0) return sendError(req, res, packRefusal('', 'not-zip', 'the request has no zip body'));
      const pack = await readPackZip(body, found.catalog);
      if (!pack.ok) return sendError(req, res, pack.error);
      const at = deps.now();
      await voice.putClips(found.hall.config.id, found.lang, pack.clips.map((clip) => ({ ...clip, updatedAt: at })), true);
      res.json(await languageView(found.hall, found.lang));
    }),
  );

  api.delete(
    '/halls/:hallId/voice-packs/:lang',
    route(async (req, res) => {
      const found = await target(req, res, 'write');
      if (!found) return;
      await voice.deleteClips(found.hall.config.id, found.lang);
      res.status(204).end();
    }),
  );

  const readClip = rawBody(VOICE_CLIP_BODY_LIMIT);
  api.put(
    '/halls/:hallId/voice-packs/:lang/clips/:name',
    route(async (req, res) => {
      const found = await target(req, res, 'write');
      if (!found) return;
      const name = String(req.params.name);
      if (!found.catalog.some((clip) => clip.name === name)) return sendError(req, res, packRefusal(name, 'unknown-name'));
      const body = await readClip(req, res);
      if (!Buffer.isBuffer(body) || body.length === 0) return sendError(req, res, packRefusal(name, 'not-audio', 'the request has no audio body'));
      // Whatever its content type says (a recorder's audio/webm, a file's audio/mpeg): the bytes decide.
      const clip = await normalizeClip(body, 'clip');
      if (!clip.ok) return sendError(req, res, packRefusal(name, clip.reason));
      await voice.putClips(found.hall.config.id, found.lang, [{ name, wav: clip.wav, durationMs: clip.durationMs, updatedAt: deps.now() }], false);
      res.json(await languageView(found.hall, found.lang));
    }),
  );

  api.get(
    '/halls/:hallId/voice-packs/:lang/clips/:name',
    route(async (req, res) => {
      const found = await target(req, res, 'read');
      if (!found) return;
      const clip = await voice.getClip(found.hall.config.id, found.lang, String(req.params.name));
      if (!clip) return sendError(req, res, 'NOT_FOUND');
      // A re-recorded clip has the same address: the admin listening back must hear the new one.
      res.set('Cache-Control', 'no-store').type('audio/wav').send(clip.wav);
    }),
  );

  api.delete(
    '/halls/:hallId/voice-packs/:lang/clips/:name',
    route(async (req, res) => {
      const found = await target(req, res, 'write');
      if (!found) return;
      const name = String(req.params.name);
      const stored = await voice.listClips(found.hall.config.id, found.lang);
      if (!stored.some((clip) => clip.name === name)) return sendError(req, res, 'NOT_FOUND');
      await voice.deleteClips(found.hall.config.id, found.lang, [name]);
      res.status(204).end();
    }),
  );
}
