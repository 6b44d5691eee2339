import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Command } from '../protocol/commands.js';
import type { Principal } from '../auth/principal.js';
import { StoreError } from '../store/port.js';

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** The limits, as server/config.ts reads them (HALLQ_KIOSK_RATE, …); declared here so app/ does not import the wiring. */
export interface RateLimitSettings {
  kioskIssueLimitPerMinute: number;
  phoneIssueLimitPerHour: number;
  phoneTicketsPerDevicePerDay: number;
  staffRequestLimitPerMinute: number;
}

interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
}

/**
 * Where counters live. With several processes on one Redis, the limits an
 * attacker would spread over processes (phone tickets per address, logins,
 * the account lockout) must be counted in Redis, or each process would grant
 * the whole limit again.
 */
export type LimiterBackend = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryBackend: LimiterBackend = (options) => new RateLimiterMemory(options);

/** `prefix`: RedisKeys.rateLimits. */
export function redisBackend(client: Redis, prefix: string): LimiterBackend {
  // Not ready = refused at once (no queue), answered as STORE_UNAVAILABLE like any store call.
  return (options) => new RateLimiterRedis({ ...options, keyPrefix: `${prefix}${options.keyPrefix}`, storeClient: client, rejectIfRedisNotReady: true });
}

/** Consecutive wrong passwords for one account name before it is locked. */
export const LOCKOUT_FAILURES = 5;
/** The first lock; each further lock within a day doubles it, up to LOCKOUT_MAX_SECONDS. */
export const LOCKOUT_FIRST_SECONDS = 60;
export const LOCKOUT_MAX_SECONDS = 3600;
/** PIN tries one kiosk may make per minute, right or wrong, for any account. */
export const DESK_PIN_TRIES_PER_DEVICE_PER_MINUTE = 10;

/**
 * Call announcements one client address may have assembled anew per minute (the public
 * announcement.wav): a board needs two per call (its two languages) and every other board of the hall
 * gets the same call from the cache, so this is far above a busy hall's calls; a flood of made-up
 * calls costs the server at most this many assemblies (about 4 ms of CPU each) per address and minute.
 */
export const FRESH_ANNOUNCEMENTS_PER_ADDRESS_PER_MINUTE = 120;

/** Public 网上预约 changes (book, cancel, move) one client address may make per 10 minutes. */
export const PUBLIC_BOOKINGS_PER_ADDRESS = 30;

/**
 * Per-account lockout with back-off, keyed by the account name as typed (so
 * unknown names are locked alike and the answer does not tell which exist),
 * independent of the client's address: rotating addresses does not help.
 * LOCKOUT_FAILURES wrong passwords within 15 minutes lock the name for a
 * minute, the next lock that day for two, then four, … up to an hour. A
 * correct password clears the failures (not the lock count).
 */
export class AccountLockout {
  private readonly failures: RateLimiterAbstract;
  private readonly locks: RateLimiterAbstract;

  constructor(backend: LimiterBackend, kind: string) {
    this.failures = backend({ keyPrefix: `${kind}-fail`, points: LOCKOUT_FAILURES, duration: 15 * 60 });
    this.locks = backend({ keyPrefix: `${kind}-locks`, points: 1_000_000, duration: 86_400 });
  }

  /** Refused while the name is locked. */
  async check(name: string): Promise<RateDecision> {
    const state = await guarded(() => this.failures.get(keyOf(name)));
    if (state && state.consumedPoints > LOCKOUT_FAILURES) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
    }
    return { ok: true };
  }

  async failed(name: string): Promise<void> {
    const key = keyOf(name);
    const after = await guarded(() => this.failures.penalty(key, 1));
    if (after.consumedPoints < LOCKOUT_FAILURES) return;
    const lock = await guarded(() => this.locks.penalty(key, 1));
    const seconds = Math.min(LOCKOUT_MAX_SECONDS, LOCKOUT_FIRST_SECONDS * 2 ** Math.min(20, lock.consumedPoints - 1));
    await guarded(() => this.failures.block(key, seconds));
  }

  async succeeded(name: string): Promise<void> {
    await guarded(() => this.failures.delete(keyOf(name)));
  }
}

function keyOf(name: string): string {
  return name.trim().toLowerCase().slice(0, 64);
}

/**
 * Limits per caller: kiosks by device (a stuck button must not drain a cap),
 * phones by IP, and staff or integration tokens, which drive whole halls, far higher.
 */
export class RateLimits {
  private readonly kiosk: RateLimiterAbstract;
  private readonly phone: RateLimiterAbstract;
  private readonly phoneDevice: RateLimiterAbstract;
  private readonly staff: RateLimiterAbstract;
  private readonly login: RateLimiterAbstract;
  private readonly publicOther: RateLimiterAbstract;
  readonly accountLockout: AccountLockout;
  private readonly deskPinDevice: RateLimiterAbstract;
  /** 绿色通道 PINs: LOCKOUT_FAILURES wrong PINs lock the clerk's PIN (keyed by account id), whichever kiosk they came from. */
  readonly deskPinLockout: AccountLockout;

  /**
   * `shared`: where the limits that must hold across processes are counted (Redis with several
   * processes). Kiosk, staff and other public limits guard one process's work and stay in memory.
   */
  constructor(
    config: RateLimitSettings,
    shared: LimiterBackend = memoryBackend,
  ) {
    this.kiosk = memoryBackend({ keyPrefix: 'kiosk', points: config.kioskIssueLimitPerMinute, duration: 60 });
    this.phone = shared({ keyPrefix: 'phone', points: config.phoneIssueLimitPerHour, duration: 3600 });
    this.phoneDevice = shared({ keyPrefix: 'phone-device', points: config.phoneTicketsPerDevicePerDay, duration: 86_400 });
    this.staff = memoryBackend({ keyPrefix: 'staff', points: config.staffRequestLimitPerMinute, duration: 60 });
    this.login = shared({ keyPrefix: 'login', points: 10, duration: 60 });
    // Window screens of one hall often share one address; ratings are rare per screen.
    this.publicOther = memoryBackend({ keyPrefix: 'public', points: 120, duration: 60 });
    this.accountLockout = new AccountLockout(shared, 'login');
    // A PIN has at most a million values: a kiosk may try a few per minute, whoever's PIN it tries.
    this.deskPinDevice = shared({ keyPrefix: 'desk-pin-device', points: DESK_PIN_TRIES_PER_DEVICE_PER_MINUTE, duration: 60 });
    this.deskPinLockout = new AccountLockout(shared, 'desk-pin');
    this.booking = shared({ keyPrefix: 'booking', points: PUBLIC_BOOKINGS_PER_ADDRESS, duration: 600 });
  }

  /** 网上预约 by the public: bookings, cancellations and moves per client address, across processes. */
  private readonly booking: RateLimiterAbstract;

  /** A kiosk's PIN tries, per device; then the account's lockout. */
  async forDeskPin(deviceId: string, userId: string): Promise<RateDecision & { locked?: boolean }> {
    const perDevice = await consume(this.deskPinDevice, deviceId);
    if (!perDevice.ok) return perDevice;
    const lock = await this.deskPinLockout.check(userId);
    return lock.ok ? lock : { ...lock, locked: true };
  }

  async forCommand(principal: Principal, command: Command): Promise<RateDecision> {
    if (principal.kind === 'staff') return consume(this.staff, principal.user.id);
    const issuing = command.type === 'ticket.issue' || command.type === 'appointment.check-in';
    if (principal.kind === 'device') return issuing ? consume(this.kiosk, principal.device.id) : consume(this.publicOther, `device:${principal.device.id}`);
    if (command.type.startsWith('booking.')) return consume(this.booking, principal.ip);
    if (!issuing) return consume(this.publicOther, principal.ip);
    const perAddress = await consume(this.phone, principal.ip);
    if (!perAddress.ok) return perAddress;
    // A phone without the cookie (a socket client, cookies off) counts under its address instead.
    return consume(this.phoneDevice, principal.deviceKey ?? `ip:${principal.ip}`);
  }

  /** Public reads that compute something (网上预约 slot lists, a manage link): per client address, as other public requests. */
  async forPublicRead(ip: string): Promise<RateDecision> {
    return consume(this.publicOther, ip);
  }

  /** Password guessing is slowed per client address and, whatever the address, per account name. */
  async forLogin(ip: string, username: string): Promise<RateDecision> {
    const perAddress = await consume(this.login, ip);
    if (!perAddress.ok) return perAddress;
    return this.accountLockout.check(username);
  }
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<RateDecision> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    throw new StoreError('UNAVAILABLE', `rate limit store: ${rejection instanceof Error ? rejection.message : String(rejection)}`);
  }
}

async function guarded<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RateLimiterRes) return error as unknown as T;
    throw new StoreError('UNAVAILABLE', `rate limit store: ${error instanceof Error ? error.message : String(error)}`);
  }
}
