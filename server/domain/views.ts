/** The read models live in the protocol (server/protocol/views), shared by the server's snapshots and the apps' live updates. */
export * from '../protocol/views/board.js';
export * from '../protocol/views/staff.js';
export * from '../protocol/views/ticket.js';
