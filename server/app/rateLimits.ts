import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Command } from '../protocol/commands.js';
import type { Principal } from '../auth/principal.js';

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** The limits, as server/config.ts reads them (HALLQ_KIOSK_RATE, …); declared here so app/ does not import the wiring. */
export interface RateLimitSettings {
  kioskIssueLimitPerMinute: number;
  phoneIssueLimitPerHour: number;
  phoneTicketsPerDevicePerDay: number;
  staffRequestLimitPerMinute: number;
}

/**
 * Limits per caller: kiosks by device (a stuck button must not drain a cap),
 * phones by IP, and staff or integration tokens, which drive whole halls, far higher.
 */
export class RateLimits {
  private readonly kiosk: RateLimiterMemory;
  private readonly phone: RateLimiterMemory;
  private readonly phoneDevice: RateLimiterMemory;
  private readonly staff: RateLimiterMemory;
  private readonly login: RateLimiterMemory;
  private readonly publicOther: RateLimiterMemory;

  constructor(config: RateLimitSettings) {
    this.kiosk = new RateLimiterMemory({ keyPrefix: 'kiosk', points: config.kioskIssueLimitPerMinute, duration: 60 });
    this.phone = new RateLimiterMemory({ keyPrefix: 'phone', points: config.phoneIssueLimitPerHour, duration: 3600 });
    this.phoneDevice = new RateLimiterMemory({ keyPrefix: 'phone-device', points: config.phoneTicketsPerDevicePerDay, duration: 86_400 });
    this.staff = new RateLimiterMemory({ keyPrefix: 'staff', points: config.staffRequestLimitPerMinute, duration: 60 });
    this.login = new RateLimiterMemory({ keyPrefix: 'login', points: 10, duration: 60 });
    // Window screens of one hall often share one address; ratings are rare per screen.
    this.publicOther = new RateLimiterMemory({ keyPrefix: 'public', points: 120, duration: 60 });
  }

  async forCommand(principal: Principal, command: Command): Promise<RateDecision> {
    if (principal.kind === 'staff') return consume(this.staff, principal.user.id);
    const issuing = command.type === 'ticket.issue' || command.type === 'appointment.check-in';
    if (principal.kind === 'device') return issuing ? consume(this.kiosk, principal.device.id) : { ok: true };
    if (!issuing) return consume(this.publicOther, principal.ip);
    const perAddress = await consume(this.phone, principal.ip);
    if (!perAddress.ok) return perAddress;
    // A phone without the cookie (a socket client, cookies off) counts under its address instead.
    return consume(this.phoneDevice, principal.deviceKey ?? `ip:${principal.ip}`);
  }

  /** Password guessing is slowed per client address. */
  forLogin(ip: string): Promise<RateDecision> {
    return consume(this.login, ip);
  }
}

async function consume(limiter: RateLimiterMemory, key: string): Promise<RateDecision> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    throw rejection;
  }
}
