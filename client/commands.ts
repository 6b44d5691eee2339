import type { Socket } from 'socket.io-client';
import type { CommandInput, CommandName, CommandResult, SocketCommandName, SocketEventOf } from '../server/protocol/declarations.js';
import type { Ack } from '../server/protocol/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../server/protocol/socket.js';
import { type Result, request } from './api.js';
import { commandRoutes } from './commandRoutes.js';

/**
 * The apps' typed client for commands: `emitCommand(socket, 'window.call-next', { windowId })`
 * and `requestCommand('ticket.issue', hallId, { serviceId })` take the
 * declared input and answer the declared result (server/protocol/declarations.ts).
 */

/** A client socket with the protocol's event maps. */
export type HallClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// The generated routes must name each declared command's own socket event (a stale file fails to compile).
commandRoutes satisfies { [K in CommandName]: { socket: K extends SocketCommandName ? SocketEventOf<K> : null } };

/** Sends a command over the socket; rejects when no acknowledgement comes within `timeoutMs`. */
export function emitCommand<K extends SocketCommandName>(socket: HallClientSocket, name: K, input: CommandInput<K>, timeoutMs: number): Promise<Ack<CommandResult<K>>> {
  // Socket.IO cannot relate a generic command name to its event's parameters; the signature above does.
  const untyped = socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, payload: unknown): Promise<Ack<CommandResult<K>>> };
  return untyped.emitWithAck(commandRoutes[name].socket, input);
}

/** Sends a command over REST: the path's ids come out of the input, the rest is the body. */
export function requestCommand<K extends CommandName>(
  name: K,
  hallId: string,
  input: CommandInput<K>,
  options: { token?: string | null; timeoutMs?: number } = {},
): Promise<Result<CommandResult<K>>> {
  const route = commandRoutes[name];
  const body: Record<string, unknown> = { ...input };
  const path = route.path.replace(/:([A-Za-z]+)/g, (_match, param: string) => {
    if (param === 'hallId') return encodeURIComponent(hallId);
    const value = body[param];
    delete body[param];
    return encodeURIComponent(String(value));
  });
  return request<CommandResult<K>>(route.method, path, { ...options, body });
}
