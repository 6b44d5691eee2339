import type { Messages } from '../locales/index.js';
import type { ClientError } from '../../../client/api.js';

/**
 * An error in plain words, from its code (the server's own message is not
 * used: the panel translates every code itself, in the page language).
 * `windowLabel` names a window id, for the codes whose details name one.
 */
export function errorText(t: Messages, error: ClientError, windowLabel: (windowId: string) => string = (id) => id): string {
  const details = error.details ?? {};
  if (error.code === 'WINDOW_BUSY' && typeof details.clerk === 'string') return t.windowBusyBy(details.clerk);
  if (error.code === 'CLERK_HOLDS_OTHER_WINDOW' && typeof details.windowId === 'string') return t.holdsOther(windowLabel(details.windowId));
  return t.errors[error.code] ?? t.errors.INTERNAL!;
}
