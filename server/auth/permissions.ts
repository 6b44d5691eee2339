import type { Command } from '../protocol/commands.js';
import { type Caller, declarationOf } from '../protocol/declarations.js';
import type { Principal } from './principal.js';
import { mayActInHall } from './principal.js';

/** The caller as the command declarations' rules see it. */
export function callerOf(principal: Principal): Caller {
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', role: principal.user.role };
    case 'device':
      return { kind: 'device', device: principal.device.kind, ...(principal.device.windowId !== undefined ? { windowId: principal.device.windowId } : {}) };
    default:
      return { kind: 'public' };
  }
}

/**
 * Who may send which command, checked before the engine: the hall first, then
 * the command's own rule (server/protocol/declarations.ts). The engine then
 * checks what depends on the hall's state (which clerk holds which window).
 * A command without a declaration (the server's clock) is no caller's to send.
 */
export function mayRun(principal: Principal, hallId: string, command: Command, phoneTickets: boolean): boolean {
  if (!mayActInHall(principal, hallId)) return false;
  const declaration = declarationOf(command.type);
  return declaration !== undefined && declaration.who.may(callerOf(principal), command, { phoneTickets });
}
