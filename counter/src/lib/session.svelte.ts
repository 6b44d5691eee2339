import { type ClientError, type ClientErrorCode, request } from '../../../client/api.js';

/** The staff account as the login answers it. */
export interface StaffUser {
  id: string;
  username: string;
  displayName: string;
  role: 'clerk' | 'supervisor' | 'admin';
  hallIds: string[];
  staffNo: string | null;
  post: string | null;
  /** Windows this person usually works, and their A/B partner (absent from logins made before they existed). */
  windowIds?: string[];
  partnerId?: string | null;
  hasPhoto?: boolean;
  /** A given (generated) password: the server allows nothing but changing it. */
  mustChangePassword?: boolean;
}

interface Stored {
  token: string;
  expiresAt: number;
  user: StaffUser;
}

const KEY = 'hallq.counter.session';

/**
 * The login of this browser tab. The token lives in sessionStorage: it
 * survives a reload (F5) but not closing the tab, and another tab on the same
 * PC signs in on its own.
 */
export class Session {
  token = $state<string | null>(null);
  user = $state<StaffUser | null>(null);
  expiresAt = 0;
  /** Why the clerk is back at the login form (an expired or revoked login). */
  notice = $state<ClientErrorCode | null>(null);

  constructor() {
    try {
      const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Stored | null;
      if (stored && stored.expiresAt > Date.now()) this.set(stored);
      else if (stored) this.notice = 'TOKEN_EXPIRED';
    } catch {
      sessionStorage.removeItem(KEY);
    }
  }

  async login(username: string, password: string): Promise<ClientError | null> {
    const answer = await request<Stored>('POST', '/api/auth/login', { body: { username, password } });
    if (!answer.ok) return answer.error;
    sessionStorage.setItem(KEY, JSON.stringify({ token: answer.data.token, expiresAt: answer.data.expiresAt, user: answer.data.user }));
    this.notice = null;
    this.set(answer.data);
    return null;
  }

  /** Trades the one-time code a single sign-on hands back (in the page's fragment) for the login, as a password login would answer it. */
  async exchangeSso(code: string): Promise<ClientError | null> {
    const answer = await request<Stored>('POST', '/api/auth/sso/exchange', { body: { code } });
    if (!answer.ok) return answer.error;
    sessionStorage.setItem(KEY, JSON.stringify({ token: answer.data.token, expiresAt: answer.data.expiresAt, user: answer.data.user }));
    this.notice = null;
    this.set(answer.data);
    return null;
  }

  /** Replaces the account's own password; the login goes on with the fresh token (every other login of the account ends). */
  async changePassword(currentPassword: string, newPassword: string): Promise<ClientError | null> {
    const answer = await request<Stored>('POST', '/api/auth/password', { token: this.token, body: { currentPassword, newPassword } });
    if (!answer.ok) return answer.error;
    const stored: Stored = { token: answer.data.token, expiresAt: answer.data.expiresAt, user: answer.data.user };
    sessionStorage.setItem(KEY, JSON.stringify(stored));
    this.set(stored);
    return null;
  }

  /** Forgets the login; with a code, the login form says why. */
  logout(notice: ClientErrorCode | null = null): void {
    sessionStorage.removeItem(KEY);
    this.token = null;
    this.user = null;
    this.expiresAt = 0;
    this.notice = notice;
  }

  /** Whether the account may work in this hall (the server refuses with FORBIDDEN otherwise). */
  belongsTo(hallId: string): boolean {
    return Boolean(this.user && (this.user.hallIds.includes('*') || this.user.hallIds.includes(hallId)));
  }

  private set(stored: Stored): void {
    this.token = stored.token;
    this.user = stored.user;
    this.expiresAt = stored.expiresAt;
  }
}
