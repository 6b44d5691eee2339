import type { ErrorBody } from '../protocol/errors.js';
import type { HallConfig } from '../protocol/model.js';
import { CLIP_MAX_BYTES, type VoiceClip, callTemplateOf, voiceClipCatalog } from '../protocol/voice.js';
import type { VoicePackRefusalReason } from '../protocol/voicePacks.js';
import { normalizeClip } from './audio.js';
import { readZipDirectory, readZipEntry } from './zip.js';

/**
 * What a voice pack may hold and how an upload becomes one (docs/voice.md): the languages a hall
 * speaks, the names of each language's catalog, and a zip's files checked all before any is kept.
 */

/** More files than any catalog has names: past this a zip is not a voice pack. */
export const PACK_MAX_FILES = 100;
/** Directory records of any kind (folders, macOS litter included) a zip may have before it is not read at all. */
const ZIP_MAX_RECORDS = 1_000;

/** The languages a hall's packs may be for: Chinese, English and the hall's second language, in that order. */
export function packLanguages(config: Pick<HallConfig, 'secondLanguage'>): string[] {
  const languages = ['zh', 'en'];
  const second = config.secondLanguage.toLowerCase();
  if (second && !languages.includes(second)) languages.push(second);
  return languages;
}

/** The clips a language's pack may hold, or null for a language the hall does not speak. */
export function packCatalog(config: HallConfig, lang: string): VoiceClip[] | null {
  if (!packLanguages(config).includes(lang)) return null;
  return voiceClipCatalog(lang, callTemplateOf(lang, config));
}

export function languageRefusal(lang: string, config: HallConfig): ErrorBody {
  return {
    code: 'VALIDATION_FAILED',
    message: '',
    details: { issues: [{ path: 'lang', message: `the hall speaks ${packLanguages(config).join(', ')}; there is no pack for ${lang}` }] },
  };
}

export function packRefusal(file: string, reason: VoicePackRefusalReason, detail?: string): ErrorBody {
  return { code: 'VOICE_PACK_INVALID', message: '', details: { file, reason, ...(detail ? { detail } : {}) } };
}

export interface PackClip {
  name: string;
  wav: Buffer;
  durationMs: number;
}

const PACK_EXTENSIONS = /\.(wav|ogg|mp3)$/i;

/** Left by the tools that make zips, never meant as a clip: skipped, as folders are. */
function isLitter(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return path.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store' || base === 'Thumbs.db' || base === 'desktop.ini';
}

/**
 * The clips of an uploaded zip, normalized, or the refusal naming the first file at fault. Every
 * name is checked before any file is inflated, and every file before the pack is answered: all
 * or nothing. A file may sit in a folder (a zipped folder of clips); its name is its last part.
 */
export async function readPackZip(zip: Uint8Array, catalog: readonly VoiceClip[]): Promise<{ ok: true; clips: PackClip[] } | { ok: false; error: ErrorBody }> {
  const directory = readZipDirectory(zip, ZIP_MAX_RECORDS);
  if (!directory.ok) return { ok: false, error: packRefusal('', 'not-zip', directory.why) };
  const known = new Set(catalog.map((clip) => clip.name));
  const files = directory.entries.filter((entry) => !entry.path.endsWith('/') && !isLitter(entry.path));
  if (files.length === 0) return { ok: false, error: packRefusal('', 'not-zip', 'the zip holds no files') };
  if (files.length > PACK_MAX_FILES) return { ok: false, error: packRefusal(files[PACK_MAX_FILES]!.path, 'not-zip', `more than ${PACK_MAX_FILES} files`) };

  const seen = new Map<string, string>();
  for (const file of files) {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (!PACK_EXTENSIONS.test(base)) return { ok: false, error: packRefusal(file.path, 'not-audio', 'a clip is a .wav, .ogg or .mp3 file') };
    const name = base.replace(PACK_EXTENSIONS, '');
    if (!known.has(name) && !known.has(name.toLowerCase())) return { ok: false, error: packRefusal(file.path, 'unknown-name') };
    const clipName = known.has(name) ? name : name.toLowerCase();
    const earlier = seen.get(clipName);
    if (earlier !== undefined) return { ok: false, error: packRefusal(file.path, 'duplicate-name', earlier) };
    seen.set(clipName, file.path);
    if (file.size > CLIP_MAX_BYTES) return { ok: false, error: packRefusal(file.path, 'too-large') };
    if (file.encrypted) return { ok: false, error: packRefusal(file.path, 'not-zip', 'the file is encrypted') };
  }

  const clips: PackClip[] = [];
  for (const file of files) {
    const bytes = readZipEntry(zip, file);
    if (!bytes) return { ok: false, error: packRefusal(file.path, 'not-zip', 'the file is damaged in the zip') };
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    const clip = await normalizeClip(bytes, base);
    if (!clip.ok) return { ok: false, error: packRefusal(file.path, clip.reason) };
    const name = base.replace(PACK_EXTENSIONS, '');
    clips.push({ name: known.has(name) ? name : name.toLowerCase(), wav: clip.wav, durationMs: clip.durationMs });
  }
  return { ok: true, clips };
}
