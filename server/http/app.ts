import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from 'pino';
import { type ApiDeps, apiRouter } from './api.js';
import { isConfigFileRoute } from './configApi.js';
import { USERS_BODY_LIMIT } from './usersApi.js';
import { securityHeaders } from './securityHeaders.js';
import { HOME_STYLE, homePage } from './homePage.js';
import { sendError } from './support.js';
import { mountFavicon } from './favicon.js';
import { type TrustProxy, compileTrust } from './clientAddress.js';
import { StoreError } from '../store/port.js';

export interface HttpDeps extends ApiDeps {
  log: Logger;
  maxPayloadBytes: number;
  trustProxy: TrustProxy;
  /** Project root, where display/, counter/ and ticket-printer/ live. */
  rootDir: string;
  /** HALLQ_BOARD_FRAME_ANCESTORS. */
  boardFrameAncestors?: readonly string[];
}

const MALFORMED_PATH = { code: 'VALIDATION_FAILED', message: '', details: { reason: 'malformed percent-encoding in the path' } } as const;

function isDecodablePath(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}


/** Where each app's built files are; the built dist/ folder wins over the source page. */
function appDir(rootDir: string, app: string): string {
  const built = join(rootDir, app, 'dist');
  return existsSync(built) ? built : join(rootDir, app, 'public');
}

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // The same rule as the sockets' (clientAddress.ts): only the configured hops are believed.
  app.set('trust proxy', compileTrust(deps.trustProxy));
  app.use(securityHeaders({ ...(deps.boardFrameAncestors ? { boardFrameAncestors: deps.boardFrameAncestors } : {}), inlineStyles: [HOME_STYLE] }));

  // A path that is not valid percent-encoding (`/api/tickets/%ff`) is the client's mistake, not ours:
  // refused here, once, before any route tries to decode it.
  app.use((req, res, next) => {
    if (isDecodablePath(req.path)) return next();
    deps.log.debug({ url: req.originalUrl }, 'malformed percent-encoding in the path');
    sendError(req, res, MALFORMED_PATH);
  });

  mountFavicon(app);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Parsed here first with its own limit; the general parser below then leaves the body alone.
  app.use('/api/users', express.json({ limit: USERS_BODY_LIMIT, strict: true }));
  // A configuration file may carry voice packs: its body is read after authentication (configApi.ts).
  // Audio bodies (voicePacksApi.ts) are not JSON, so this parser leaves them to their routes.
  const json = express.json({ limit: deps.maxPayloadBytes, strict: true });
  app.use('/api', (req, res, next) => (isConfigFileRoute(req.method, req.path) ? next() : json(req, res, next)), apiRouter(deps));

  const apps: Array<[string, string]> = [
    ['/display', 'display'],
    ['/counter', 'counter'],
    ['/admin', 'counter'],
    ['/kiosk', 'ticket-printer'],
    ['/t', 'ticket-printer'],
    // 网上预约: the citizen's booking and manage pages (issue 18).
    ['/book', 'ticket-printer'],
  ];
  for (const [mount, folder] of apps) {
    const dir = appDir(deps.rootDir, folder);
    app.use(mount, express.static(dir, { index: 'index.html', maxAge: '1h' }));
    // Client-side routes (/t/:ticketId, /counter/...) get the app's page.
    app.get(`${mount}/{*rest}`, (_req, res) => res.sendFile(join(dir, 'index.html')));
  }
  // The halls in service, read at each visit: a hall created meanwhile (admin page, command line) is listed at once.
  app.get('/', async (req, res) => {
    const halls = (await deps.store.halls.listHalls()).filter((hall) => hall.archivedAt === undefined);
    // Chinese unless ?lang=en, as every page of the apps (not the browser's Accept-Language: hall PCs are often set to English).
    res.type('html').set('Cache-Control', 'no-store').send(homePage(halls, req.query.lang === 'en' ? 'en' : 'zh'));
  });

  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return sendError(req, res, 'PAYLOAD_TOO_LARGE');
    if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { reason: 'body is not valid JSON' } });
    }
    if (error instanceof URIError) {
      deps.log.debug({ err: error, url: req.originalUrl }, 'malformed percent-encoding');
      return sendError(req, res, MALFORMED_PATH);
    }
    // A store that cannot answer (Redis down) is 503 STORE_UNAVAILABLE, as a refused write is: retry later.
    if (error instanceof StoreError) {
      deps.log.warn({ err: error, url: req.originalUrl }, 'store unavailable');
      return sendError(req, res, 'STORE_UNAVAILABLE');
    }
    deps.log.error({ err: error, url: req.originalUrl }, 'request failed');
    sendError(req, res, 'INTERNAL');
  };
  app.use(onError);
  return app;
}
