import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { StaffTokens } from './auth/tokens.js';
import { signingSecret } from './auth/signingSecret.js';
import { type Broadcaster, HallService } from './app/hallService.js';
import { cryptoIds } from './app/ids.js';
import { RateLimits, redisBackend } from './app/rateLimits.js';
import { Redis } from 'ioredis';
import { startHallTicker } from './app/hallTicker.js';
import { startRetention } from './app/retention.js';
import { startDefaultRatings } from './app/ratingDefaults.js';
import { bootstrap, ensureAdmin } from './bootstrap.js';
import { prepareDataDir } from './startup/dataDir.js';
import { explainListenFailure, explainStoreFailure } from './startup/explain.js';
import type { AppConfig } from './config.js';
import { SsoService } from './auth/sso/service.js';
import { loadSsoSettings } from './auth/sso/settings.js';
import type { IdSource } from './domain/engine.js';
import { createHttpApp } from './http/app.js';
import { type Realtime, attachRealtime } from './realtime/io.js';
import { type RedisBus, connectRedisBus, throttled } from './realtime/redisBus.js';
import { DEFAULT_PREFIX, RedisKeys, openRedisStore, redactUrl } from './store/redis/index.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { AgentChannel, AgentPrinterTiming } from './printing/agentPrinter.js';
import { PrintService } from './printing/printService.js';
import { OutboxWorker } from './outbox/worker.js';
import type { OutboxTiming } from './outbox/backoff.js';
import { ratingUploadSubscription } from './outbox/ratingRecords.js';
import { webhookSubscription } from './outbox/webhooks.js';
import { type Store, StoreError } from './store/port.js';
import { startNotifier, type NotifyStartOptions } from './notify/start.js';
import type { NotifyWorker } from './notify/worker.js';
import { Announcer } from './voice/announcer.js';
import { BundledSynthesizer } from './voice/synth.js';
import { SimulationPool } from './oversight/simulation/pool.js';
import { HallGroups } from './auth/hallGroups.js';
import { OverviewHub } from './oversight/overview/hub.js';
import { type WarmUpResult, warmUpVoices } from './voice/warmUp.js';

export const ROOT_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '..').replace(/[/\\]dist$/, '');

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  log: Logger;
  close(): Promise<void>;
  /** 无声叫号's worker (absent on Redis), for tests that wait until it has looked at a hall. */
  notifier?: NotifyWorker;
  /** The call voice: the bundled synthesizer, and the start's warm-up (null when off or it failed). */
  voice: { synthesizer: BundledSynthesizer; warmUp: Promise<WarmUpResult | null> };
  /** The county overview's rows, for the benchmark that measures their recomputation. */
  overview: OverviewHub;
}

export interface StartOptions {
  clock?: () => number;
  ids?: IdSource;
  /** Shown once: the generated admin password (default: standard error, apart from the JSON log on standard output). */
  announce?: (message: string) => void;
  log?: Logger;
  /** How often halls get their clock tick (midnight roll-over); tests shorten it. */
  tickIntervalMs?: number;
  /** How often the hall's default rating (好差评, off unless configured) is applied; tests shorten it. */
  defaultRatingIntervalMs?: number;
  /** How often network printers are probed for paper and cover; tests shorten it. */
  printerProbeIntervalMs?: number;
  /** Delivery timing of jobs to standalone print agents; tests shorten it. */
  agentTiming?: AgentPrinterTiming;
  /** Back-off, timeout and poll of the outbox (the 好差评 upload); tests shorten them. */
  outboxTiming?: Partial<OutboxTiming>;
  /** 无声叫号: the SMS gateway (default: from HALLQ_NOTIFY_*) and the notifier's timing; tests set both. */
  notify?: NotifyStartOptions;
  /**
   * Synthesize every hall's call words in the background at start (default true), so the first call
   * is fast. Tests that do not listen to calls turn it off rather than spend a core on it.
   */
  voiceWarmUp?: boolean;
  /** How often every overview row is recomputed (the longest wait grows); tests and benchmarks shorten it. */
  overviewTickMs?: number;
}

/** The SQLite file in the data directory, or (HALLQ_REDIS_URL) Redis shared with other processes. */
export async function openStore(config: AppConfig, log: Logger): Promise<Store> {
  if (config.redisUrl === undefined) {
    prepareDataDir(config.dataDir, log);
    return openSqliteStore({ file: join(config.dataDir, 'hallq.db'), synchronous: config.sqliteSynchronous });
  }
  const url = config.redisUrl;
  const warn = throttled((error: Error) => log.warn({ err: error, redis: redactUrl(url) }, 'Redis store connection error; writes are refused until it is back'));
  return openRedisStore({ url, prefix: DEFAULT_PREFIX, onError: warn });
}

export async function startServer(config: AppConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? pino({ level: config.logLevel });
  // Read before anything is opened: a bad settings file stops the start with nothing to clean up.
  const ssoSettings = loadSsoSettings(config.ssoConfigFile, process.env);
  if (config.publicUrl === undefined && config.trustProxy !== 0) {
    log.warn('HALLQ_PUBLIC_URL is not set behind a proxy: e-ticket links on slips use this server\'s own address, which phones may not reach; set it to the address phones use');
  }
  if (config.demo) {
    log.warn('demo hall and demo accounts (password demo1234) are enabled; set HALLQ_DEMO=0 for a real hall');
  }
  const clock = options.clock ?? Date.now;
  let store: Store;
  try {
    store = await openStore(config, log);
  } catch (error) {
    throw explainStoreFailure(error, config);
  }
  let bus: RedisBus | undefined;
  if (config.redisUrl !== undefined) {
    try {
      bus = await connectRedisBus(config.redisUrl, DEFAULT_PREFIX, log);
    } catch (error) {
      await store.close();
      throw explainStoreFailure(error, config);
    }
  }
  try {
    await bootstrap(store, { demo: config.demo, now: clock() }, log);
  } catch (error) {
    await store.close();
    await bus?.close();
    throw error instanceof StoreError ? explainStoreFailure(error, config) : error;
  }
  let secret: string;
  try {
    secret = await signingSecret(process.env, store.accounts);
  } catch (error) {
    await store.close();
    await bus?.close();
    throw error instanceof StoreError ? explainStoreFailure(error, config) : error;
  }
  const tokens = new StaffTokens(secret, config.tokenTtlHours);
  const groups = new HallGroups(store.halls);
  const authenticator = new Authenticator(tokens, store.accounts, clock, groups);
  // Limits that must hold across processes (phones per address, logins, the account lockout) count in Redis.
  const limiterRedis = config.redisUrl !== undefined ? await connectLimiterRedis(config.redisUrl, log) : undefined;
  const limits = new RateLimits(config, limiterRedis ? redisBackend(limiterRedis, new RedisKeys(DEFAULT_PREFIX).rateLimits) : undefined);

  const httpServer = createServer();
  // Express must be the server's request listener before Socket.IO attaches (Socket.IO then
  // takes /socket.io and hands everything else on), yet both need each other: one late binding.
  let realtime: Realtime | undefined;
  const ratingUpload = ratingUploadSubscription(store);
  const webhooks = webhookSubscription();
  const outbox = new OutboxWorker({
    outbox: store.outbox,
    halls: store.halls,
    subscriptions: [ratingUpload, webhooks],
    log,
    now: clock,
    ...(options.outboxTiming ? { timing: options.outboxTiming } : {}),
  });
  let notifier: NotifyWorker | undefined;
  try {
    notifier = startNotifier(config, store, log, clock, options.notify);
  } catch (error) {
    // A wrong HALLQ_NOTIFY_* is named at start, not found by the first citizen who left a number.
    await store.close();
    await bus?.close();
    await limiterRedis?.quit().catch(() => limiterRedis.disconnect());
    throw error;
  }
  const overviewHub = new OverviewHub({ halls: store.halls, accounts: store.accounts, now: clock, log });
  const broadcaster: Broadcaster = {
    publish: (hallId, events) => {
      realtime?.broadcaster.publish(hallId, events);
      overviewHub.committed(hallId, events);
      if (events.some((event) => event.type === 'hall:configured')) {
        // The hall may have moved between groups: accounts scoped to a group see it at their next request.
        groups.invalidate();
        void realtime?.overview?.rescope().catch((error: unknown) => log.warn({ err: error }, 'overview scopes not refreshed'));
      }
      // After the commit, off the command's path: the outbox only gets a nudge.
      outbox.notify(hallId, events);
      notifier?.notify(hallId, events);
    },
  };
  const service = new HallService(store.halls, clock, options.ids ?? cryptoIds, broadcaster, limits, log);
  // The synthesizer's thread starts on the first word (a request or the warm-up), never before listen.
  const synth = new BundledSynthesizer(log);
  const announcer = new Announcer({ voice: store.voice, synth, log });
  // Threads start on the first replay; two at most, one job waiting each, so a burst is told to retry (503).
  const simulations = new SimulationPool({ size: 2, queue: 2 });
  const agents: AgentChannel = {
    probe: (deviceId, timeoutMs) => realtime?.agents.probe(deviceId, timeoutMs) ?? Promise.resolve([]),
    print: (deviceId, job, timeoutMs) => realtime?.agents.print(deviceId, job, timeoutMs) ?? Promise.resolve([]),
  };
  const print = new PrintService({
    halls: store.halls,
    accounts: store.accounts,
    log,
    now: clock,
    defaultPrinter: config.printer ?? 'preview',
    agents,
    ...(options.agentTiming ? { agentTiming: options.agentTiming } : {}),
    onChange: (hallId) => void realtime?.printersChanged(hallId).catch((error: unknown) => log.warn({ err: error, hallId }, 'printer status not sent')),
  });
  const app = createHttpApp({
    store,
    service,
    authenticator,
    tokens,
    limits,
    now: clock,
    onDeviceRevoked: (deviceId) => realtime?.disconnectDevice(deviceId),
    onDevicesChanged: (hallId) => overviewHub.devicesChanged(hallId),
    onSessionsRevoked: (userId) => realtime?.disconnectUser(userId),
    screens: async (hallId) => (realtime ? realtime.screens(hallId) : []),
    print,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    log,
    ratingUpload: { worker: outbox, subscription: ratingUpload },
    sso: new SsoService(ssoSettings, store.accounts, clock, store.oneTime),
    webhooks,
    announcer,
    simulations,
    groups,
    maxPayloadBytes: config.maxPayloadBytes,
    trustProxy: config.trustProxy,
    rootDir: ROOT_DIR,
    ...(config.boardFrameAncestors ? { boardFrameAncestors: config.boardFrameAncestors } : {}),
  });
  // The port is bound before the admin account is made (so a start that cannot bind shows no
  // password it then loses); meanwhile every request, /healthz too, is told to come back.
  let serving = false;
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (serving) return app(req, res);
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
    res.end('{"status":"starting"}');
  });
  realtime = attachRealtime(httpServer, {
    service,
    authenticator,
    log,
    maxPayloadBytes: config.maxPayloadBytes,
    trustProxy: config.trustProxy,
    accounts: store.accounts,
    now: clock,
    hallExists: async (hallId) => (await store.halls.loadHall(hallId)) !== null,
    print,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    ...(bus ? { adapter: bus.adapter } : {}),
    overview: { hub: overviewHub, groups },
  });
  const { io } = realtime;
  const resync = realtime.resyncAll;
  // The store's connection may come back a little after the bus's: try until it answers.
  bus?.onReconnected(() => void retry(resync, { attempts: 120, delayMs: 500 }).catch((error: unknown) => log.error({ err: error }, 'could not resync clients after the Redis outage')));
  const stopTicker = startHallTicker(service, store.halls, log, options.tickIntervalMs);
  const stopRetention = startRetention(store.halls, clock, log);
  const stopDefaultRatings = startDefaultRatings(service, store.halls, clock, log, options.defaultRatingIntervalMs);
  const printerProbe = setInterval(
    () => void print.probeNetworkPrinters().catch((error: unknown) => log.warn({ err: error }, 'printer probe failed')),
    options.printerProbeIntervalMs ?? 30_000,
  );
  printerProbe.unref();
  // The overview's minute: longest waits grow, devices come and go, halls are created and move between groups.
  const overviewTick = setInterval(() => {
    void overviewHub.tick().catch((error: unknown) => log.warn({ err: error }, 'overview tick failed'));
    void realtime?.overview?.rescope().catch((error: unknown) => log.warn({ err: error }, 'overview scopes not refreshed'));
  }, options.overviewTickMs ?? 60_000);
  overviewTick.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopTicker();
      stopRetention();
      stopDefaultRatings();
      clearInterval(printerProbe);
      clearInterval(overviewTick);
      await outbox.close();
      await notifier?.close();
      await synth.close();
      await simulations.close();
      await new Promise<void>((done) => io.close(() => done()));
      httpServer.closeAllConnections();
      await print.close();
      await bus?.close();
      await limiterRedis?.quit().catch(() => limiterRedis.disconnect());
      await store.close();
    })();
    return closing;
  };

  try {
    await new Promise<void>((resolveListen, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => resolveListen());
    });
  } catch (error) {
    await close();
    throw explainListenFailure(error, config.port, config.host);
  }
  try {
    await ensureAdmin(
      store,
      {
        now: clock(),
        announce: options.announce ?? ((message) => process.stderr.write(`\n${message}\n\n`)),
        ...(config.adminPassword !== undefined ? { adminPassword: config.adminPassword } : {}),
      },
      log,
    );
  } catch (error) {
    await close();
    throw error instanceof StoreError ? explainStoreFailure(error, config) : error;
  }
  serving = true;
  outbox.start();
  notifier?.start();
  const warmUp =
    options.voiceWarmUp === false
      ? Promise.resolve(null)
      : warmUpVoices({ halls: store.halls, voice: store.voice, synth, log }).catch((error: unknown) => {
          // Closing stops the synthesizer under a warm-up that is still going: that is no failure.
          if (!closing) log.warn({ err: error }, 'call voice warm-up failed; words are synthesized on first use instead');
          return null;
        });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url, store: store.halls.kind, ...(config.redisUrl ? { redis: redactUrl(config.redisUrl) } : { dataDir: config.dataDir }) }, 'HallQ is serving');

  return { url, port, store, log, close, ...(notifier ? { notifier } : {}), voice: { synthesizer: synth, warmUp }, overview: overviewHub };
}

/** Like the store's connection: no offline queue, so a limit check during an outage is refused at once (STORE_UNAVAILABLE). */
async function connectLimiterRedis(url: string, log: Logger): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 2000, connectionName: 'hallq-limits' });
  client.on('error', throttled((error: Error) => log.warn({ err: error, redis: redactUrl(url) }, 'Redis rate-limit connection error; limited requests are refused until it is back')));
  await client.connect();
  return client;
}

async function retry(action: () => Promise<void>, { attempts, delayMs }: { attempts: number; delayMs: number }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
