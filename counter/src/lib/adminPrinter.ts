import type { DeviceView } from '../../../server/protocol/devices.js';
import type { HallConfig } from '../../../server/protocol/model.js';
import { request } from '../../../client/api.js';

/**
 * The printer set-up of /admin as choices a clerk understands (屏幕预览, a
 * network printer by its IP address, a print agent, the server's default),
 * turned into and read from the address syntax the server takes
 * (`tcp://192.168.1.50:9100?paper=58`, see server/protocol/printerAddress.ts).
 */

export type PrinterKind = 'default' | 'preview' | 'network' | 'agent';

export interface PrinterChoice {
  kind: PrinterKind;
  /** Network printer: IP address or host name, and port. */
  host: string;
  port: number;
  /** Print agent: its device id. */
  deviceId: string;
  paper: 58 | 80;
  /** The printer has no Chinese font: pages go as pictures. */
  raster: boolean;
}

export function readPrinter(raw: string | undefined): PrinterChoice {
  const choice: PrinterChoice = { kind: 'default', host: '', port: 9100, deviceId: '', paper: 80, raster: false };
  if (raw === undefined || raw.trim() === '') return choice;
  const [target = '', query = ''] = raw.trim().split('?');
  const params = new URLSearchParams(query);
  choice.paper = params.get('paper') === '58' ? 58 : 80;
  choice.raster = params.has('raster');
  if (target === 'preview') choice.kind = 'preview';
  else if (target.startsWith('agent:')) {
    choice.kind = 'agent';
    choice.deviceId = target.slice('agent:'.length);
  } else if (target.startsWith('tcp://')) {
    choice.kind = 'network';
    const match = /^(.*?)(?::(\d+))?$/.exec(target.slice('tcp://'.length))!;
    choice.host = match[1]!;
    choice.port = Number(match[2] ?? 9100);
  }
  return choice;
}

/** The address for a choice; undefined for the server's default (the field is left out). */
export function printerAddress(choice: PrinterChoice): string | undefined {
  const options = [...(choice.paper === 58 ? ['paper=58'] : []), ...(choice.raster ? ['raster=1'] : [])];
  const query = options.length > 0 ? `?${options.join('&')}` : '';
  switch (choice.kind) {
    case 'default':
      return undefined;
    case 'preview':
      return `preview${query}`;
    case 'agent':
      return `agent:${choice.deviceId}${query}`;
    case 'network':
      return `tcp://${choice.host.trim()}${choice.port === 9100 ? '' : `:${choice.port}`}${query}`;
  }
}

/** The host (and port, when not 9100) a network printer adds to the allow-list. */
export function allowEntryFor(choice: PrinterChoice): string | null {
  if (choice.kind !== 'network' || choice.host.trim() === '') return null;
  return choice.port === 9100 ? choice.host.trim() : `${choice.host.trim()}:${choice.port}`;
}

/**
 * A network printer may only be used once the hall allows it (the server
 * refuses the configuration otherwise): setting one up allows it, and drops
 * the entry the set-up added before for another address, unless it was saved
 * or another printer of the hall still uses it.
 */
export function allowPrinter(config: HallConfig, saved: HallConfig | null, before: string | null, after: string | null): void {
  let list = [...(config.printerAllowList ?? [])];
  if (before && before !== after && !saved?.printerAllowList?.includes(before)) {
    const stillUsed = [config.deskPrinter, ...config.windows.map((window) => window.printer)].some((raw) => allowEntryFor(readPrinter(raw)) === before);
    if (!stillUsed) list = list.filter((entry) => entry !== before);
  }
  if (after && !list.some((entry) => entry.toLowerCase() === after.toLowerCase())) list.push(after);
  if (list.length > 0) config.printerAllowList = list;
  else delete config.printerAllowList;
}

/** The hall's print agents not revoked, for the printer set-ups' agent choice. */
export async function loadPrintAgents(hallId: string, token: string): Promise<Array<{ id: string; name: string }>> {
  const answer = await request<DeviceView[]>('GET', `/api/halls/${encodeURIComponent(hallId)}/devices`, { token });
  return answer.ok ? answer.data.filter((device) => device.kind === 'printer' && device.revokedAt === undefined).map((device) => ({ id: device.id, name: device.name })) : [];
}
