import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../server/outbox/signing.js';

/**
 * A provincial platform stand-in for the outbox tests: a real HTTP server that checks every
 * delivery's signature with the shared secret, keeps each idempotency key once (as a receiver
 * must), and answers as the test tells it (`answer`: a status, or 'hang' to never answer).
 */
export interface Delivery {
  key: string;
  body: any;
  raw: string;
  signed: boolean;
  headerKey: string | undefined;
}

export interface Receiver {
  url: string;
  /** Every request, duplicates included, in arrival order. */
  requests: Delivery[];
  /** The accepted deliveries: the first 2xx of each key, in the order accepted. */
  accepted: Delivery[];
  answer: (delivery: Delivery) => number | 'hang';
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, port = 0): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const seen = new Set<string>();
  const receiver: Receiver = {
    url: '',
    requests: [],
    accepted: [],
    answer: () => 200,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met; got ${receiver.requests.length} requests, ${receiver.accepted.length} accepted`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const headerKey = req.headers['x-hallq-delivery'] as string | undefined;
      const delivery: Delivery = { key: body?.deliveryId, body, raw, signed: verifySignature(raw, secret, req.headers['x-hallq-signature'] as string | undefined), headerKey };
      receiver.requests.push(delivery);
      const answer = delivery.signed ? receiver.answer(delivery) : 401;
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (answer >= 200 && answer < 300 && !seen.has(delivery.key)) {
        seen.add(delivery.key);
        receiver.accepted.push(delivery);
      }
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/haochaping`;
  return receiver;
}
