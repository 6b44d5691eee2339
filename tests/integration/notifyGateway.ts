import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, string>;
}

/** A fake SMS gateway: a real local HTTP server that records each message (JSON body) and answers 200, or 503 while `down`. */
export interface FakeGateway {
  url: string;
  received: GatewayRequest[];
  down: boolean;
  to(phone: string): GatewayRequest[];
  close(): Promise<void>;
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const received: GatewayRequest[] = [];
  const gateway: FakeGateway = {
    url: '',
    received,
    down: false,
    to: (phone) => received.filter((request) => request.body.phone === phone),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (gateway.down) {
        res.writeHead(503).end();
        return;
      }
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) as Record<string, string> });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"OK"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return gateway;
}
