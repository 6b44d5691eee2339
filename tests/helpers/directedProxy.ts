import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';

/**
 * An HTTP reverse proxy standing in for the load balancer in front of several HallQ processes,
 * except that the test says which process gets the next requests (`to`), so it can make a login
 * start on one process and come back on another. Every request is forwarded on its own (no
 * stickiness through kept-alive connections), and `served` records who answered what.
 */
export interface DirectedProxy {
  url: string;
  to(index: number): void;
  served: Array<{ method: string; path: string; backend: number }>;
  close(): Promise<void>;
}

export async function startDirectedProxy(backendPorts: () => number[]): Promise<DirectedProxy> {
  let current = 0;
  const served: DirectedProxy['served'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const backend = current;
    served.push({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, backend });
    const upstream = request(
      { host: '127.0.0.1', port: backendPorts()[backend], path: req.url, method: req.method, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    to(index) {
      current = index;
    },
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
