import { maskPhone } from './personalData.js';
import type { HallConfig, NotifySettings, Ticket } from '../model.js';

/**
 * 无声叫号 rules shared by the engine (what a ticket carries), the notifier (when to send) and the
 * screens (what staff see of the number). Pure: the protocol imports nothing of the server.
 */

export const NOTIFY_DEFAULTS = { aheadAt: 2, onCall: true, perNumberPerDay: 10, phoneAlert: false } as const;

export type ResolvedNotify = Required<NotifySettings>;

/** The hall's settings with their defaults, or null when the hall sends no messages. */
export function notifySettings(config: Pick<HallConfig, 'notify'>): ResolvedNotify | null {
  const notify = config.notify;
  if (!notify?.enabled) return null;
  return { ...NOTIFY_DEFAULTS, ...notify, enabled: true };
}

/** Whether the e-ticket page should vibrate and sound at "aheadAt" (works without SMS being on). */
export function phoneAlertAt(config: Pick<HallConfig, 'notify'>): number | null {
  const notify = config.notify;
  if (!notify?.phoneAlert) return null;
  return notify.aheadAt ?? NOTIFY_DEFAULTS.aheadAt;
}


/** A ticket as staff may see it: the number masked. Other fields untouched, the same object if there is none. */
export function maskTicketPhone<T extends Pick<Ticket, 'notifyPhone'>>(ticket: T): T {
  if (ticket.notifyPhone === undefined) return ticket;
  return { ...ticket, notifyPhone: maskPhone(ticket.notifyPhone) };
}

/**
 * A command's result with any ticket's number masked (the ticket itself or `.ticket`): what staff
 * are answered, and what the hall remembers for retries, so no raw number outlives its ticket there.
 */
export function maskResultPhones<T>(result: T): T {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return result;
  const record = result as { notifyPhone?: unknown; ticket?: unknown };
  let masked: Record<string, unknown> = record as Record<string, unknown>;
  if (typeof record.notifyPhone === 'string') masked = maskTicketPhone(record as Pick<Ticket, 'notifyPhone'>) as Record<string, unknown>;
  const inner = record.ticket as { notifyPhone?: unknown } | undefined;
  if (inner && typeof inner === 'object' && typeof inner.notifyPhone === 'string') masked = { ...masked, ticket: maskTicketPhone(inner as Pick<Ticket, 'notifyPhone'>) };
  return masked as T;
}

/** A ticket without the number: what ends a ticket (served, cancelled, expired) and what public clients get. */
export function withoutPhone<T extends Pick<Ticket, 'notifyPhone'>>(ticket: T): T {
  if (ticket.notifyPhone === undefined) return ticket;
  const { notifyPhone: _phone, ...rest } = ticket;
  return rest as T;
}
