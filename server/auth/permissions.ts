import type { Command } from '../domain/commands.js';
import type { Principal } from './principal.js';
import { isManager, mayActInHall } from './principal.js';

/**
 * Who may send which command, checked before the engine. The engine then
 * checks what depends on the hall's state (which clerk holds which window).
 */
export function mayRun(principal: Principal, hallId: string, command: Command, phoneTickets: boolean): boolean {
  if (!mayActInHall(principal, hallId)) return false;
  switch (command.type) {
    case 'ticket.issue':
      if (principal.kind === 'staff') return true;
      // A kiosk anyone can touch may not hand out the green channel: a guide-desk clerk's login does that.
      // Nor label its tickets as the desk's or appointments (that would skew the statistics by channel).
      if (principal.kind === 'device') return principal.device.kind === 'kiosk' && command.channel === 'kiosk' && !command.priority;
      return phoneTickets && command.channel === 'phone' && !command.priority;
    case 'appointment.check-in':
      return principal.kind === 'staff' || (principal.kind === 'device' && principal.device.kind === 'kiosk');
    case 'ticket.rate':
      // Only the citizen rates: the paired screen at their window (by window, its own only), or their
      // own e-ticket link (by ticket id, which only the ticket's holder knows). Staff never rate.
      if (principal.kind === 'device') {
        return principal.device.kind === 'window-screen' && command.ticketId === undefined && command.windowId === principal.device.windowId;
      }
      return principal.kind === 'public' && command.ticketId !== undefined && command.windowId === undefined;
    case 'hall.configure':
      // Supervisors run the hall; changing what it offers is the administrator's.
      return principal.kind === 'staff' && principal.user.role === 'admin';
    case 'hall.close-day':
      return isManager(principal);
    case 'appointment.create':
    case 'announcement.post':
    case 'announcement.remove':
      return isManager(principal);
    default:
      return principal.kind === 'staff';
  }
}
