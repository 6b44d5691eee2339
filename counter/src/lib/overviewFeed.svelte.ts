import { io, type Socket } from 'socket.io-client';
import { type ErrorCode, isErrorCode } from '../../../server/protocol/errors.js';
import type { HallOverview, OverviewSnapshot } from '../../../server/protocol/overview.js';
import { compareRows } from '../../../server/protocol/rules/overview.js';
import { isAuthLost } from '../../../client/api.js';

/**
 * The county overview's one socket (docs/oversight.md): a snapshot of every hall in the account's scope,
 * then a row whenever one changed. Nothing polls; a reconnect brings a fresh snapshot.
 */
export class OverviewFeed {
  rows = $state<HallOverview[]>([]);
  groups = $state<string[]>([]);
  online = $state(false);
  loaded = $state(false);
  refused = $state<ErrorCode | null>(null);
  private readonly socket: Socket;

  constructor(options: { token: string; lang: 'zh' | 'en'; onAuthLost(code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED'): void }) {
    this.socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      auth: { overview: true, token: options.token, lang: options.lang },
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
    });
    this.socket.on('connect', () => {
      this.online = true;
      this.refused = null;
    });
    this.socket.on('disconnect', (reason: string) => {
      this.online = false;
      // The server closes a socket whose login ended; anything else comes back by itself.
      if (reason === 'io server disconnect') this.socket.connect();
    });
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.online = false;
      const code = error.data?.code ?? error.message;
      if (!isErrorCode(code)) return;
      if (isAuthLost(code)) options.onAuthLost(code);
      else this.refused = code;
    });
    this.socket.on('overview:snapshot', (snapshot: OverviewSnapshot) => {
      this.rows = [...snapshot.rows].sort(compareRows);
      this.groups = snapshot.groups;
      this.loaded = true;
    });
    this.socket.on('overview:hall', (row: HallOverview) => {
      this.rows = [...this.rows.filter((known) => known.hallId !== row.hallId), row].sort(compareRows);
      const known = new Set(this.groups);
      if (row.group.some((name) => !known.has(name))) this.groups = [...new Set([...this.groups, ...row.group])].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    });
    this.socket.on('overview:removed', ({ hallId }: { hallId: string }) => {
      this.rows = this.rows.filter((row) => row.hallId !== hallId);
    });
  }

  close(): void {
    this.socket.close();
  }
}
