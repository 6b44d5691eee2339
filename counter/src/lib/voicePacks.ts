import type { HallConfig } from '../../../server/protocol/model.js';
import type { ErrorCode } from '../../../server/protocol/errors.js';
import type { VoiceSource } from '../../../server/protocol/voice.js';
import type { ClientError, Result } from '../../../client/api.js';
import type { AdminMessages } from '../locales/admin.zh.js';

/**
 * The admin page's side of the voice-pack routes (docs/voice.md): sending and fetching audio,
 * which the JSON `request` of client/api.ts does not carry (the list and the deletes go through it), and the small rules of the panel
 * (which clip comes next, the sample call, the file-name list), kept pure for unit tests.
 */

export type { VoicePackClipView, VoicePackLanguageView, VoicePacksView } from '../../../server/protocol/voicePacks.js';

export const voicePacksPath = (hallId: string, lang?: string, clip?: string): string =>
  `/api/halls/${encodeURIComponent(hallId)}/voice-packs${lang ? `/${encodeURIComponent(lang)}` : ''}${clip ? `/clips/${encodeURIComponent(clip)}` : ''}`;

/** A zip of a few MB over a hall's LAN: more time than a JSON request gets. */
const UPLOAD_TIMEOUT_MS = 60_000;
const AUDIO_TIMEOUT_MS = 15_000;

async function errorOf(response: Response): Promise<ClientError> {
  try {
    const body = (await response.json()) as { error?: { code?: ErrorCode; details?: Record<string, unknown> } };
    return { code: body.error?.code ?? 'INTERNAL', details: body.error?.details };
  } catch {
    return { code: 'INTERNAL' };
  }
}

export interface FetchedAudio {
  bytes: ArrayBuffer;
  headers: Headers;
}

async function exchange(path: string, init: RequestInit, timeoutMs: number): Promise<Result<FetchedAudio>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(path, { ...init, signal: abort.signal });
    if (!response.ok) return { ok: false, error: await errorOf(response) };
    // The body is read inside the timeout too: a stalled download is a timeout, not a hang.
    return { ok: true, data: { bytes: await response.arrayBuffer(), headers: response.headers } };
  } catch (error) {
    return { ok: false, error: { code: (error as Error).name === 'AbortError' ? 'TIMEOUT' : 'NETWORK' } };
  } finally {
    clearTimeout(timer);
  }
}

/** PUT of a zip or one clip; the answer's JSON, if any. */
export async function putAudio<T>(path: string, token: string, body: Blob, contentType: string): Promise<Result<T>> {
  const answer = await exchange(path, { method: 'PUT', body, headers: { 'content-type': contentType, authorization: `Bearer ${token}` } }, UPLOAD_TIMEOUT_MS);
  if (!answer.ok) return answer;
  const text = new TextDecoder().decode(answer.data.bytes);
  try {
    return { ok: true, data: (text ? JSON.parse(text) : undefined) as T };
  } catch {
    return { ok: true, data: undefined as T };
  }
}

/** GET of a stored clip (with the admin's token) or of the public announcement and chime. */
export function fetchAudio(path: string, token?: string): Promise<Result<FetchedAudio>> {
  return exchange(path, { headers: token ? { authorization: `Bearer ${token}` } : {} }, AUDIO_TIMEOUT_MS);
}

export interface SaidClip {
  name: string;
  source: 'pack' | 'synthesis';
}

/**
 * X-HallQ-Voice-Clips, `name:source,…` in the order said. A template's own word is named by its
 * text (受理), which a header carries percent-encoded; a part that does not parse is left out.
 */
export function parseVoiceClips(header: string | null): SaidClip[] {
  if (!header) return [];
  return header.split(',').flatMap((part): SaidClip[] => {
    const at = part.lastIndexOf(':');
    if (at <= 0) return [];
    const source = part.slice(at + 1).trim();
    if (source !== 'pack' && source !== 'synthesis') return [];
    let name = part.slice(0, at).trim();
    try {
      name = decodeURIComponent(name);
    } catch {
      // Not percent-encoded after all: the name as sent.
    }
    return name ? [{ name, source }] : [];
  });
}

/** The sample call 「试听整句」 plays: the first service's first ticket at the hall's first window (A001 at window 1). */
export function sampleCall(config: Pick<HallConfig, 'services' | 'windows'>): { ticket: string; window: number } | null {
  const service = config.services.find((candidate) => /^[A-Za-z]+$/.test(candidate.prefix));
  const window = config.windows[0];
  if (!service || !window) return null;
  return { ticket: `${service.prefix.toUpperCase()}001`, window: window.number };
}

export const announcementPath = (hallId: string, lang: string, call: { ticket: string; window: number }): string =>
  `/api/halls/${encodeURIComponent(hallId)}/voice/announcement.wav?${new URLSearchParams({ lang, ticket: call.ticket, window: String(call.window) })}`;

export const chimePath = (hallId: string): string => `/api/halls/${encodeURIComponent(hallId)}/voice/chime.wav`;

/** The clip 「录下一条」 goes to: the next one not yet recorded after `current`, in the catalog's order, wrapping round; null when all are. */
export function nextToRecord(clips: ReadonlyArray<{ name: string; recorded: boolean }>, current: string | null, justSaved?: string): string | null {
  const start = current === null ? -1 : clips.findIndex((clip) => clip.name === current);
  for (let step = 1; step <= clips.length; step++) {
    const clip = clips[(start + step + clips.length) % clips.length]!;
    if (!clip.recorded && clip.name !== justSaved) return clip.name;
  }
  return null;
}

/** The text file a hall gets to prepare a zip: one line per clip, its file name and what it says. */
export function fileNameList(languageName: string, clips: ReadonlyArray<{ name: string; text: string }>, heading: string): string {
  const lines = clips.map((clip) => `${clip.name}.wav\t${clip.text}`);
  return `${heading.replace('{language}', languageName)}\r\n\r\n${lines.join('\r\n')}\r\n`;
}

/** The hall's source order, with the default when it has set none. */
export function voiceSourcesOf(config: Pick<HallConfig, 'voice'>): VoiceSource[] {
  return config.voice?.sources ? [...config.voice.sources] : ['pack', 'synthesis', 'browser'];
}

/** Moves a source one place up (-1) or down (+1); the list is otherwise unchanged. */
export function moveSource(sources: readonly VoiceSource[], source: VoiceSource, by: -1 | 1): VoiceSource[] {
  const list = [...sources];
  const from = list.indexOf(source);
  const to = from + by;
  if (from < 0 || to < 0 || to >= list.length) return list;
  [list[from], list[to]] = [list[to]!, list[from]!];
  return list;
}

/** Turns a source on (at the end of the order) or off; the last one stays, a hall needs a voice. */
export function toggleSource(sources: readonly VoiceSource[], source: VoiceSource, on: boolean): VoiceSource[] {
  if (on) return sources.includes(source) ? [...sources] : [...sources, source];
  const left = sources.filter((candidate) => candidate !== source);
  return left.length > 0 ? left : [...sources];
}

/**
 * A refused clip or zip in the admin's words: the file it names and why (VOICE_PACK_INVALID's
 * details). A refusal of the upload as a whole (not a zip) names the file the admin chose.
 */
export function packRefusal(v: AdminMessages['voice'], details: Record<string, unknown> | undefined, uploaded?: string): string | null {
  const reason = typeof details?.reason === 'string' ? details.reason : null;
  if (reason === null) return null;
  const why = v.reasons[reason] ?? v.reasonOther(reason);
  const file = typeof details?.file === 'string' && details.file ? details.file : uploaded;
  return file ? v.refusal(file, why) : v.refusalNoFile(why);
}
