import type { HallConfig } from '../protocol/model.js';

/**
 * The configuration file of a hall, as `GET …/config/export` and `hallq halls
 * export` write it: the configuration itself, indented, so that a person can
 * read and edit it and `POST /api/halls` (as `config`), `PUT …/config` and
 * `hallq halls import` take it unchanged.
 */
export function configFileText(config: HallConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function configFileName(hallId: string): string {
  return `hallq-${hallId.replace(/[^A-Za-z0-9_.-]/g, '_')}-config.json`;
}
