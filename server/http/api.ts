import { randomUUID } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Authenticator } from '../auth/authenticator.js';
import { bearerToken } from '../auth/authenticator.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { isManager, mayActInHall } from '../auth/principal.js';
import { type StaffTokens, hashDeviceToken, newDeviceToken } from '../auth/tokens.js';
import type { HallService } from '../app/hallService.js';
import type { RateLimits } from '../app/rateLimits.js';
import { publicEvent, staffEvent } from '../protocol/redact.js';
import { schemas } from '../protocol/schemas.js';
import type { DeviceRecord, Store } from '../store/port.js';
import type { DeviceKind } from '../protocol/devices.js';
import type { ScreenSummary } from '../protocol/screens.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';
import { mountCommandRoutes } from './commandRoutes.js';
import type { PrintService } from '../printing/printService.js';
import { mountPrintingApi } from './printingApi.js';
import { firstDisallowed } from '../printing/allowList.js';
import { mountStatsApi } from './statsApi.js';
import { mountIntegrityApi } from './integrityApi.js';
import { mountRatingCasesApi } from './ratingCasesApi.js';
import { configPrinterCheck, mountConfigApi, mountConfigFileBody } from './configApi.js';
import { mountHallsApi } from './hallsApi.js';
import { mountUsersApi, publicUser } from './usersApi.js';
import { SYNC_MAX_EVENTS } from '../app/syncBounds.js';
import type { Logger } from 'pino';
import type { OutboxSubscription, OutboxWorker } from '../outbox/worker.js';
import { mountRatingUploadApi } from './ratingUploadApi.js';
import { mountBookingApi } from './bookingApi.js';
import type { SsoService } from '../auth/sso/service.js';
import { mountSsoApi } from './ssoApi.js';
import { mountWebhooksApi } from './webhooksApi.js';
import { mountBookingPageApi } from './bookingPageApi.js';
import { mountVoiceAudioApi } from './voiceAudioApi.js';
import type { Announcer } from '../voice/announcer.js';
import { mountVoicePacksApi } from './voicePacksApi.js';
import { mountSimulationApi } from './simulationApi.js';
import type { SimulationPool } from '../oversight/simulation/pool.js';
import type { HallGroups } from '../auth/hallGroups.js';
import { mountOverviewApi } from './overviewApi.js';

export interface ApiDeps {
  store: Store;
  service: HallService;
  authenticator: Authenticator;
  tokens: StaffTokens;
  limits: RateLimits;
  now: () => number;
  /** Closes the live connections of a revoked device. */
  onDeviceRevoked(deviceId: string): void;
  /** A device of the hall was paired or revoked: the overview counts the devices that should be connected. */
  onDevicesChanged?(hallId: string): void;
  /** Closes the live connections of an account whose sessions were revoked (role, halls, password, disabled). */
  onSessionsRevoked(userId: string): void;
  /** Screens connected to this process, for the "display offline" alarm. */
  screens(hallId: string): Promise<ScreenSummary[]>;
  print: PrintService;
  publicUrl?: string;
  log: Logger;
  /** The outbox and its 好差评 upload subscription (ratingUploadApi.ts). */
  ratingUpload: { worker: OutboxWorker; subscription: OutboxSubscription };
  /** Staff single sign-on (OIDC, LDAP) and the local-password rule (server/auth/sso). */
  sso: SsoService;
  /** The webhooks' outbox subscription (webhooksApi.ts), delivered by the same worker. */
  webhooks: OutboxSubscription;
  /** The call voice as audio (voiceAudioApi.ts, docs/voice.md). */
  announcer: Announcer;
  /** 排班模拟's worker threads (server/oversight/simulation). */
  simulations: SimulationPool;
  /** Hall groups, for the county overview's routes (server/oversight/overview). */
  groups: HallGroups;
}

/** Staff read models (staff view, connected screens) are for staff of the hall; answers the refusal itself. */
function requireStaff(req: Request, res: Response, hallId: string): boolean {
  const principal = principalOf(req);
  if (principal.kind === 'staff' && mayActInHall(principal, hallId)) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}

/** Device pairing and revocation are for supervisors and admins of the hall; answers the refusal itself. */
function requireManager(req: Request, res: Response, hallId: string): boolean {
  const principal = principalOf(req);
  if (isManager(principal) && mayActInHall(principal, hallId)) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}

export function apiRouter(deps: ApiDeps): Router {
  /**
   * The account as its own session sees it: `group:<name>` entries come with the halls they stand for now,
   * so the apps' hall pickers list them (the server expands them again at every request).
   */
  const sessionUser = async (user: Parameters<typeof publicUser>[0]) => ({ ...publicUser(user), hallIds: await deps.groups.expand(user.hallIds) });
  const { store, service, authenticator, tokens, limits } = deps;
  const api = Router();

  // Every request is authenticated once here; a token that is present but bad is refused, never downgraded to public.
  api.use(
    route(async (req, res, next) => {
      const header = req.get('authorization');
      const token = bearerToken(header);
      if (header !== undefined && token === undefined) return sendError(req, res, 'UNAUTHENTICATED');
      // An account with a given password may only change it (and read who it is) until it has.
      const passwordChange = req.path === '/auth/password' || req.path === '/auth/me';
      const authentication = await authenticator.authenticate(token, req.ip ?? 'unknown', { passwordChange });
      if (!authentication.ok) return sendError(req, res, authentication.code);
      req.principal = authentication.principal;
      next();
    }),
  );
  mountConfigFileBody(api);

  api.post(
    '/auth/login',
    route(async (req, res) => {
      const parsed = schemas.login.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const { username, password } = parsed.data;
      const rate = await limits.forLogin(req.ip ?? 'unknown', username);
      if (!rate.ok) return sendError(req, res, { code: 'RATE_LIMITED', message: '', details: { retryAfterSeconds: rate.retryAfterSeconds } });
      const user = await store.accounts.findUserByUsername(username);
      if (deps.sso.usesDirectory(user, username)) {
        // Not a local account: the password is the directory's (LDAP) to check.
        const login = await deps.sso.ldapLogin(username, password);
        if (!login.ok) {
          if (login.code === 'INVALID_CREDENTIALS') await limits.accountLockout.failed(username);
          return sendError(req, res, login.code);
        }
        await limits.accountLockout.succeeded(username);
        const { token, expiresAt } = await tokens.issue(login.user);
        return void res.json({ token, expiresAt, user: await sessionUser(login.user) });
      }
      // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
      const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !valid || user.disabled) {
        await limits.accountLockout.failed(username);
        return sendError(req, res, 'INVALID_CREDENTIALS');
      }
      await limits.accountLockout.succeeded(username);
      // Told only to whoever knows the password, so it reveals nothing about which accounts exist.
      if (!(await deps.sso.localPasswordAllowed(user))) return sendError(req, res, 'LOCAL_LOGIN_DISABLED');
      const { token, expiresAt } = await tokens.issue(user);
      res.json({
        token,
        expiresAt,
        user: await sessionUser(user),
      });
    }),
  );

  api.post(
    '/auth/password',
    route(async (req, res) => {
      const principal = principalOf(req);
      if (principal.kind !== 'staff') return sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      // Keyed by the account (and locked out like a login), so a stolen token cannot be used to guess its password.
      const lockKey = `password:${principal.user.id}`;
      const rate = await limits.forLogin(req.ip ?? 'unknown', lockKey);
      if (!rate.ok) return sendError(req, res, { code: 'RATE_LIMITED', message: '', details: { retryAfterSeconds: rate.retryAfterSeconds } });
      const parsed = schemas.changePassword.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const user = await store.accounts.getUser(principal.user.id);
      if (!user) return sendError(req, res, 'UNAUTHENTICATED');
      if (!(await verifyPassword(parsed.data.currentPassword, user.passwordHash))) {
        await limits.accountLockout.failed(lockKey);
        return sendError(req, res, 'INVALID_CREDENTIALS');
      }
      await limits.accountLockout.succeeded(lockKey);
      // A new password ends every other login of the account (their tokens carry the old version);
      // this one goes on with the fresh token answered here.
      const { mustChangePassword: _given, ...rest } = user;
      const next = { ...rest, passwordHash: await hashPassword(parsed.data.newPassword), tokenVersion: (user.tokenVersion ?? 0) + 1 };
      if (!(await store.accounts.updateUser(next))) return sendError(req, res, 'UNAUTHENTICATED');
      deps.onSessionsRevoked(user.id);
      const { token, expiresAt } = await tokens.issue(next);
      res.json({ token, expiresAt, user: await sessionUser(next) });
    }),
  );

  api.get(
    '/auth/me',
    route(async (req, res) => {
      const principal = principalOf(req);
      if (principal.kind === 'public') return sendError(req, res, 'UNAUTHENTICATED');
      if (principal.kind === 'device') {
        const { tokenHash: _hash, ...device } = principal.device;
        res.json({ kind: 'device', device });
        return;
      }
      const user = await store.accounts.getUser(principal.user.id);
      if (!user) return sendError(req, res, 'UNAUTHENTICATED');
      res.json({ kind: 'staff', user: await sessionUser(user) });
    }),
  );

  api.get(
    '/halls/:hallId/board',
    route(async (req, res) => {
      const view = await service.board(String(req.params.hallId));
      if (!view) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json(view);
    }),
  );

  api.get(
    '/halls/:hallId/staff-view',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!requireStaff(req, res, hallId)) return;
      const view = await service.staff(hallId);
      if (!view) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json(view);
    }),
  );

  api.get(
    '/halls/:hallId/displays',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!requireStaff(req, res, hallId)) return;
      if (!(await store.halls.loadHall(hallId))) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json({ hallId, screens: await deps.screens(hallId) });
    }),
  );

  api.get(
    '/halls/:hallId/events',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      // Plain decimal digits only: not 0x10, 1e3, a repeated value or an empty one; and no other
      // parameters (since[]=1 is a parameter named "since[]", which would otherwise mean "from 0").
      const raw = req.query.since ?? '0';
      const unknown = Object.keys(req.query).filter((key) => key !== 'since' && key !== 'lang');
      if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw) || unknown.length > 0) {
        return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { issues: [{ path: 'since', message: 'a non-negative decimal integer' }] } });
      }
      const since = schemas.sync.safeParse({ sinceSeq: Number(raw) });
      if (!since.success) return sendValidationError(req, res, since.error);
      if (!(await store.halls.loadHall(hallId))) return sendError(req, res, 'HALL_NOT_FOUND');
      const principal = principalOf(req);
      const staff = principal.kind === 'staff' && mayActInHall(principal, hallId);
      // The public gets a short page (as a socket's sync); staff page through the log 1000 at a time.
      const { events, complete } = await service.eventsSince(hallId, since.data.sinceSeq, staff ? undefined : SYNC_MAX_EVENTS);
      res.json({ events: events.map(staff ? staffEvent : publicEvent), complete });
    }),
  );

  api.get(
    '/tickets/:ticketId',
    route(async (req, res) => {
      const id = schemas.id.safeParse(req.params.ticketId);
      const view = id.success ? await service.ticket(id.data) : null;
      if (!view) return sendError(req, res, 'TICKET_NOT_FOUND');
      res.json(view);
    }),
  );

  mountCommandRoutes(api, { service, preflight: { 'hall.configure': configPrinterCheck(deps.print) } });

  // Devices (kiosks, print agents): paired by a supervisor or admin, who gets the token once.
  api.post(
    '/halls/:hallId/devices',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      const principal = principalOf(req);
      if (!requireManager(req, res, hallId)) return;
      const parsed = schemas.createDevice.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const hall = await store.halls.loadHall(hallId);
      if (!hall) return sendError(req, res, 'HALL_NOT_FOUND');
      const { kind, name, printer, windowId } = parsed.data;
      if (windowId !== undefined && !hall.config.windows.some((window) => window.id === windowId)) return sendError(req, res, 'WINDOW_NOT_FOUND');
      const refused = await firstDisallowed([printer], deps.print.allowContext(hallId, hall.config));
      if (refused !== null) return sendError(req, res, { code: 'PRINTER_NOT_ALLOWED', message: '', details: { printer: refused } });
      const createdBy = principal.kind === 'staff' ? principal.user.id : 'unknown';
      const pair = async (kind: DeviceKind, name: string, printer?: string) => {
        const token = newDeviceToken();
        const device: DeviceRecord = {
          id: randomUUID(),
          hallId,
          kind,
          name,
          tokenHash: hashDeviceToken(token),
          createdAt: deps.now(),
          createdBy,
          ...(printer !== undefined ? { printer } : {}),
          ...(kind === 'window-screen' && windowId !== undefined ? { windowId } : {}),
        };
        await store.accounts.createDevice(device);
        deps.onDevicesChanged?.(hallId);
        const { tokenHash: _hash, ...shown } = device;
        return { device: shown, token };
      };
      if (kind === 'kiosk' && printer === 'agent') {
        // A USB printer on the kiosk PC: pair its print agent too, and point the kiosk at it.
        const agent = await pair('printer', `${name} 打印代理`);
        const kiosk = await pair('kiosk', name, `agent:${agent.device.id}`);
        res.status(201).json({ ...kiosk, agent });
        return;
      }
      res.status(201).json(await pair(kind, name, kind === 'kiosk' && printer !== 'agent' ? printer : undefined));
    }),
  );

  api.get(
    '/halls/:hallId/devices',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!requireManager(req, res, hallId)) return;
      const devices = await store.accounts.listDevices(hallId);
      res.json(devices.map(({ tokenHash: _hash, ...device }) => device));
    }),
  );

  api.post(
    '/halls/:hallId/devices/:deviceId/revoke',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!requireManager(req, res, hallId)) return;
      const device = await store.accounts.getDevice(String(req.params.deviceId));
      if (!device || device.hallId !== hallId) return sendError(req, res, 'NOT_FOUND');
      await store.accounts.revokeDevice(device.id, deps.now());
      deps.onDeviceRevoked(device.id);
      deps.onDevicesChanged?.(hallId);
      // Revoking twice keeps the first time; answer with what is stored.
      res.json({ id: device.id, revokedAt: (await store.accounts.getDevice(device.id))?.revokedAt ?? deps.now() });
    }),
  );

  mountHallsApi(api, { halls: store.halls, voice: store.voice, now: deps.now });
  mountConfigApi(api, { halls: store.halls, voice: store.voice });
  mountSsoApi(api, { sso: deps.sso, tokens, limits, accounts: store.accounts });
  mountUsersApi(api, { accounts: store.accounts, halls: store.halls, now: deps.now, onSessionsRevoked: deps.onSessionsRevoked, tokens, limits, groups: deps.groups });
  mountPrintingApi(api, { service, halls: store.halls, print: deps.print, authenticator, now: deps.now, ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}) });
  mountRatingUploadApi(api, { store, now: deps.now, log: deps.log, outbox: deps.ratingUpload.worker, subscription: deps.ratingUpload.subscription });
  mountStatsApi(api, { store, now: deps.now });
  mountIntegrityApi(api, { store, now: deps.now });
  mountOverviewApi(api, { store, now: deps.now, groups: deps.groups });
  mountRatingCasesApi(api, { halls: store.halls, now: deps.now });
  mountBookingApi(api, { halls: store.halls, service, limits, now: deps.now });
  mountWebhooksApi(api, { store, now: deps.now, log: deps.log, outbox: deps.ratingUpload.worker, subscription: deps.webhooks });
  mountBookingPageApi(api, { halls: store.halls });
  mountVoiceAudioApi(api, { halls: store.halls, announcer: deps.announcer });
  mountSimulationApi(api, { store, now: deps.now, pool: deps.simulations });
  mountVoicePacksApi(api, { halls: store.halls, voice: store.voice, now: deps.now, synthesisLanguages: () => deps.announcer.synthesisLanguages() });

  api.use((req, res) => sendError(req, res, 'NOT_FOUND'));
  return api;
}

/** A valid scrypt hash of a random string, used to spend the same time on unknown user names. */
const DUMMY_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$WJ3tM7Yq1tS4sCqMNh0qUq7gHk2m0pZQjv0b0yI3q0E=';
