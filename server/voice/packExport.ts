import type { ErrorBody } from '../protocol/errors.js';
import type { HallConfig } from '../protocol/model.js';
import { CLIP_MAX_BYTES, CLIP_MAX_MS, CLIP_SAMPLE_RATE } from '../protocol/voice.js';
import type { VoicePacksFile } from '../protocol/voicePacks.js';
import type { VoiceStore } from '../store/port.js';
import { decodeWavPcm16, durationMs, encodeWav, normalizeClip, trimSilence } from './audio.js';
import { type PackClip, packCatalog, packLanguages, packRefusal } from './packs.js';

/**
 * Voice packs in a hall's configuration file (docs/voice.md): `voicePacks` beside the
 * configuration's own keys, `{ [lang]: { [name]: base64 WAV } }`, present when the hall has a
 * clip. A file edited by hand is checked as an upload is; our own WAVs come back byte for byte.
 */

/** The key a configuration file keeps its packs under. */
export const VOICE_PACKS_KEY = 'voicePacks';

/**
 * The hall's clips for its configuration file; undefined when it has none. Only what the
 * configuration can use: a clip of a template word since changed, or of a second language since
 * dropped, stays stored but would make the file refused on import.
 */
export async function exportVoicePacks(voice: VoiceStore, config: HallConfig): Promise<VoicePacksFile | undefined> {
  const file: VoicePacksFile = {};
  let count = 0;
  for (const { lang, name } of await voice.listClips(config.id)) {
    if (!packCatalog(config, lang)?.some((clip) => clip.name === name)) continue;
    const clip = await voice.getClip(config.id, lang, name);
    if (!clip) continue;
    (file[lang] ??= {})[name] = clip.wav.toString('base64');
    count++;
  }
  return count > 0 ? file : undefined;
}

/** A configuration as sent without its packs (PUT …/config ignores them; creation restores them apart). */
export function withoutVoicePacks(config: unknown): { config: unknown; packs: unknown } {
  if (typeof config !== 'object' || config === null || Array.isArray(config) || !(VOICE_PACKS_KEY in config)) return { config, packs: undefined };
  const { [VOICE_PACKS_KEY]: packs, ...rest } = config as Record<string, unknown>;
  return { config: rest, packs };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function invalid(path: string, message: string): ErrorBody {
  return { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path: `config.${VOICE_PACKS_KEY}${path}`, message }] } };
}

/** One clip of a file: a WAV of ours is kept as is; anything else is normalized like an upload. */
async function importedClip(bytes: Buffer): Promise<{ ok: true; wav: Buffer; durationMs: number } | { ok: false; reason: Parameters<typeof packRefusal>[1] }> {
  if (bytes.length > CLIP_MAX_BYTES) return { ok: false, reason: 'too-large' };
  try {
    const { samples, sampleRate } = decodeWavPcm16(bytes);
    if (sampleRate === CLIP_SAMPLE_RATE && samples.length > 0) {
      const duration = durationMs(samples, sampleRate);
      if (duration > CLIP_MAX_MS) return { ok: false, reason: 'too-long' };
      // Trimmed already (trimming again could shave a window off each end); only nothing audible is refused.
      if (trimSilence(samples, sampleRate).length === 0) return { ok: false, reason: 'silent' };
      return { ok: true, wav: encodeWav(samples), durationMs: duration };
    }
  } catch {
    // Not our own format: an edited file, normalized below.
  }
  return normalizeClip(bytes, 'clip');
}

/**
 * The packs of a configuration file checked against the configuration they come with: the hall's
 * languages, each language's catalog, each clip's audio. All or nothing, as a zip upload.
 */
export async function checkImportedPacks(raw: unknown, config: HallConfig): Promise<{ ok: true; packs: Map<string, PackClip[]> } | { ok: false; error: ErrorBody }> {
  const packs = new Map<string, PackClip[]>();
  if (raw === undefined) return { ok: true, packs };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: invalid('', 'an object { [lang]: { [clip name]: base64 WAV } }') };
  for (const [lang, clips] of Object.entries(raw)) {
    const catalog = packCatalog(config, lang);
    if (!catalog) return { ok: false, error: invalid(`.${lang}`, `the hall speaks ${packLanguages(config).join(', ')}`) };
    if (typeof clips !== 'object' || clips === null || Array.isArray(clips)) return { ok: false, error: invalid(`.${lang}`, 'an object { [clip name]: base64 WAV }') };
    const known = new Set(catalog.map((clip) => clip.name));
    const checked: PackClip[] = [];
    for (const [name, base64] of Object.entries(clips as Record<string, unknown>)) {
      const file = `${lang}/${name}`;
      if (!known.has(name)) return { ok: false, error: packRefusal(file, 'unknown-name') };
      if (typeof base64 !== 'string' || !BASE64.test(base64)) return { ok: false, error: packRefusal(file, 'not-audio', 'not base64') };
      const clip = await importedClip(Buffer.from(base64, 'base64'));
      if (!clip.ok) return { ok: false, error: packRefusal(file, clip.reason) };
      checked.push({ name, wav: clip.wav, durationMs: clip.durationMs });
    }
    packs.set(lang, checked);
  }
  return { ok: true, packs };
}

/** Stores checked packs for a hall, each language replaced as a whole. */
export async function restoreVoicePacks(voice: VoiceStore, hallId: string, packs: Map<string, PackClip[]>, now: number): Promise<void> {
  for (const [lang, clips] of packs) await voice.putClips(hallId, lang, clips.map((clip) => ({ ...clip, updatedAt: now })), true);
}
