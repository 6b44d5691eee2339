/** The calling rules live in the protocol, so the screens sort queues with the engine's own code. */
export * from '../protocol/rules/queue.js';
