import type { Command } from '../protocol/commands.js';
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
      if (principal.kind === 'device') return principal.device.kind === 'kiosk' && command.channel !== 'phone' && !command.priority;
      return phoneTickets && command.channel === 'phone' && !command.priority;
    case 'appointment.check-in':
      return principal.kind === 'staff' || (principal.kind === 'device' && principal.device.kind === 'kiosk');
    case 'ticket.rate':
      // A window screen is a public page: it may only rate what was just finished at its window.
      return principal.kind === 'staff' || command.ticketId === undefined;
    case 'hall.configure':
    case 'hall.archive':
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
