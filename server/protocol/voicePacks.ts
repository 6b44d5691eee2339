/**
 * The voice-pack routes' answers (docs/voice.md), shared with the admin page that records and
 * uploads packs.
 */

/**
 * Why a pack or a clip was refused (VOICE_PACK_INVALID `details.reason`, with `details.file`).
 * `silent`: nothing in the recording rose above the silence threshold (a muted microphone).
 * A whole-archive fault (not a zip, no files, too many) is `not-zip` with `file` ''.
 */
export type VoicePackRefusalReason = 'not-zip' | 'not-audio' | 'too-long' | 'too-large' | 'unknown-name' | 'duplicate-name' | 'silent';

export const VOICE_PACK_REFUSAL_REASONS: readonly VoicePackRefusalReason[] = [
  'not-zip',
  'not-audio',
  'too-long',
  'too-large',
  'unknown-name',
  'duplicate-name',
  'silent',
];

export interface VoicePackClipView {
  name: string;
  /** What the clip says, shown to whoever records it. */
  text: string;
  recorded: boolean;
  durationMs?: number;
  updatedAt?: number;
}

export interface VoicePackLanguageView {
  lang: string;
  /** The call template the language speaks; null for a second language without one (only its clips of letters and digits are used). */
  template: string | null;
  /** Whether the bundled synthesizer speaks the language (fills in a clip the pack lacks); null when not known here. */
  synthesis: boolean | null;
  clips: VoicePackClipView[];
}

/** `GET /api/halls/:hallId/voice-packs`: zh, en and the hall's second language, in that order. */
export interface VoicePacksView {
  hallId: string;
  languages: VoicePackLanguageView[];
}

/** `PUT /api/halls/:hallId/voice-packs/:lang` and `…/clips/:name` answer the language's view after the change. */
export type VoicePackSaved = VoicePackLanguageView;

/** In a configuration file (`GET …/config/export`): per language, per clip name, the stored WAV in base64. */
export type VoicePacksFile = Record<string, Record<string, string>>;
