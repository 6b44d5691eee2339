import type { Messages } from '../locales/index.js';
import type { Blocked } from './panel.js';
import type { PrinterState } from '../../../server/protocol/printing.js';

/** "4:05", "1:02:03": time at the window, to the second. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "1 分 17 秒", "2 小时 5 分": a duration as the supervisor reads it (not "1:17"). */
export function durationWords(t: Messages, ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return t.sv.spokenDuration(Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60);
}

/** Why an action is disabled, in words; nothing for the moment a command is in flight. */
export function blockedText(t: Messages, blocked: Blocked | null): string {
  if (!blocked || blocked.key === 'busy') return '';
  if (blocked.key === 'heldByOther') return t.blocked.heldByOther(blocked.name);
  return t.blocked[blocked.key];
}

/** Which printer, in words a clerk knows: the kiosk's name, the guide desk, or a window. */
export function printerLabel(t: Messages, printer: PrinterState, windowLabel: (windowId: string) => string): string {
  if (printer.role === 'kiosk') return t.printerKiosk(printer.deviceName ?? '');
  if (printer.role === 'window' && printer.windowId) return t.printerWindow(windowLabel(printer.windowId));
  return t.printerDesk;
}

/** "Printer of kiosk 入口取号机: out of paper …" */
export function printerAlarmText(t: Messages, printer: PrinterState, windowLabel: (windowId: string) => string): string {
  return t.printerAlarm(printerLabel(t, printer, windowLabel), t.printerStatuses[printer.status ?? 'offline'] ?? String(printer.status));
}
