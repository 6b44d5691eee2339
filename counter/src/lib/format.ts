import type { Messages } from '../locales/index.js';
import type { Blocked } from './panel.js';

/** "4:05", "1:02:03": time at the window, to the second. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Why an action is disabled, in words; nothing for the moment a command is in flight. */
export function blockedText(t: Messages, blocked: Blocked | null): string {
  if (!blocked || blocked.key === 'busy') return '';
  if (blocked.key === 'heldByOther') return t.blocked.heldByOther(blocked.name);
  return t.blocked[blocked.key];
}
