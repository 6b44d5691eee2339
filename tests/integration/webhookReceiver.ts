import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../server/outbox/signing.js';

/**
 * A hall's own system receiving webhooks, for the tests: a real HTTP server that checks every
 * delivery's signature with the secret, keeps each delivery id once (as a receiver must), and
 * answers as the test tells it: a status, 'hang' (never), or `{ afterMs, status }` (a slow one).
 */
export interface WebhookDelivery {
  /** X-HallQ-Delivery. */
  id: string | undefined;
  /** X-HallQ-Event. */
  event: string | undefined;
  body: any;
  raw: string;
  /** X-HallQ-Signature as received. */
  signature: string | undefined;
  /** Whether it verifies with the receiver's secret. */
  signed: boolean;
}

export type Answer = number | 'hang' | { afterMs: number; status: number };

export interface WebhookReceiver {
  url: string;
  /** Every request, duplicates included, in arrival order. */
  requests: WebhookDelivery[];
  /** The first 2xx of each delivery id, in the order accepted. */
  accepted: WebhookDelivery[];
  /** Requests received and not answered yet. */
  holding: number;
  answer: (delivery: WebhookDelivery) => Answer;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string, port = 0): Promise<WebhookReceiver> {
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const seen = new Set<string>();
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    accepted: [],
    holding: 0,
    answer: () => 200,
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met; got ${receiver.requests.length} requests, ${receiver.accepted.length} accepted`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const respond = (delivery: WebhookDelivery, res: ServerResponse, status: number) => {
    receiver.holding--;
    open.delete(res);
    if (status >= 200 && status < 300 && delivery.id !== undefined && !seen.has(delivery.id)) {
      seen.add(delivery.id);
      receiver.accepted.push(delivery);
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    receiver.holding++;
    open.add(res);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const delivery: WebhookDelivery = {
        id: req.headers['x-hallq-delivery'] as string | undefined,
        event: req.headers['x-hallq-event'] as string | undefined,
        body,
        raw,
        signature: req.headers['x-hallq-signature'] as string | undefined,
        signed: verifySignature(raw, secret, req.headers['x-hallq-signature'] as string | undefined),
      };
      receiver.requests.push(delivery);
      const answer = delivery.signed ? receiver.answer(delivery) : 401;
      if (answer === 'hang') return;
      if (typeof answer === 'number') return respond(delivery, res, answer);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) respond(delivery, res, answer.status);
      }, answer.afterMs);
      timers.add(timer);
    });
    res.on('close', () => {
      if (open.delete(res)) receiver.holding--;
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
