/**
 * A 排班模拟 thread (started by pool.ts): replays run here, a few seconds of
 * engine work each, so they never hold up a command or a socket on the main
 * thread. One job at a time, answered in order.
 */
import { parentPort, threadId } from 'node:worker_threads';
import { simulate } from './simulate.js';
import { suggest } from './suggest.js';
import type { ThreadReply, ThreadRequest } from './threadProtocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread (server/oversight/simulation/pool.ts starts it)');

port.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    const result = request.kind === 'simulate' ? simulate(request.job) : suggest(request.job);
    reply = { id: request.id, ok: true, threadId, result };
  } catch (error) {
    reply = { id: request.id, ok: false, threadId, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
