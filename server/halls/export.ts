import type { HallConfig } from '../protocol/model.js';
import type { VoicePacksFile } from '../protocol/voicePacks.js';

/**
 * The configuration file of a hall, as `GET …/config/export` and `hallq halls
 * export` write it: the configuration itself, indented, so that a person can
 * read and edit it and `POST /api/halls` (as `config`), `PUT …/config` and
 * `hallq halls import` take it unchanged. The hall's voice packs, when it has
 * any, ride along as `voicePacks` (server/voice/packExport.ts): the file then
 * carries the hall's own voice to the next township, and PUT …/config ignores them.
 */
export function configFileText(config: HallConfig, voicePacks?: VoicePacksFile): string {
  return `${JSON.stringify(voicePacks ? { ...config, voicePacks } : config, null, 2)}\n`;
}

export function configFileName(hallId: string): string {
  return `hallq-${hallId.replace(/[^A-Za-z0-9_.-]/g, '_')}-config.json`;
}
