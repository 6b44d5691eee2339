import type { HallEvent } from '../protocol/events.js';
import type { Failure } from '../domain/failure.js';
import type { HallState, Role, Ticket } from '../protocol/model.js';
import type { DeviceView } from '../protocol/devices.js';
import type { HallSummary } from '../protocol/viewTypes.js';

/**
 * What a transaction function returns: the new state and its events, or a refusal.
 * `changedTickets`, when given, names every live ticket the new state put or removed relative to the
 * state `fn` was given (the engine knows them: domain/draft.ts). A store then writes those and reads
 * no other ticket, so a commit costs what changed, not the size of the hall; without it the store
 * compares the two ticket maps by identity (hand-written functions in the store tests).
 */
export type UpdateOutcome<T> =
  | { ok: true; state: HallState; events: HallEvent[]; result: T; changedTickets?: ReadonlySet<string> }
  | { ok: false; error: Failure };

export type { HallSummary };

export interface TicketRecord {
  hallId: string;
  ticket: Ticket;
}

/**
 * Durable home of every hall's state and event log. The one rule: `update`
 * makes the new state and its events durable together, or neither, before its
 * promise resolves; nobody is acknowledged earlier. Both adapters (SQLite,
 * Redis) pass the same contract suite in tests/store/.
 */
export interface HallStore {
  readonly kind: 'sqlite' | 'redis';
  listHalls(): Promise<HallSummary[]>;
  loadHall(hallId: string): Promise<HallState | null>;
  /**
   * The hall as this process holds it in memory, without any I/O; undefined when it holds none.
   * It may be behind another process's commits (Redis), so it only serves checks that `update`
   * makes again on the state it commits on. An adapter whose loadHall costs no I/O leaves it out.
   */
  cachedHall?(hallId: string): HallState | undefined;
  /**
   * Stores a new hall together with the events of its creation (`hall:created`,
   * seqs 1..state.seq), atomically. Rejects with a StoreError('DUPLICATE') if the
   * hall exists. Another process may create a hall at any time: neither adapter
   * caches the absence of a hall.
   */
  createHall(state: HallState, events?: readonly HallEvent[]): Promise<void>;
  /**
   * Atomic read-modify-write of one hall. `fn` must be pure: an adapter may run
   * it again on a fresher state after a lost compare-and-set. On `ok: false`
   * nothing is written. Resolves to null when the hall does not exist.
   */
  update<T>(hallId: string, fn: (state: HallState) => UpdateOutcome<T>): Promise<UpdateOutcome<T> | null>;
  /** Events with seq > afterSeq, oldest first, at most `limit`. */
  eventsSince(hallId: string, afterSeq: number, limit: number): Promise<HallEvent[]>;
  /** A ticket by its public id, including finished ones (projected from the events). */
  getTicket(ticketId: string): Promise<TicketRecord | null>;
  /**
   * 好差评 default rating: served tickets of the hall's local days `fromDay`..`toDay` (inclusive) that carry no
   * rating, at most `limit`, in no particular order (the engine decides which are due).
   */
  unratedServed(hallId: string, fromDay: string, toDay: string, limit: number): Promise<Ticket[]>;
  /**
   * Data retention: deletes the hall's events that happened before `before` (epoch ms) and its
   * finished tickets of local days before `beforeDay` (YYYY-MM-DD). Live state is never touched.
   */
  pruneHistory(hallId: string, before: number, beforeDay: string): Promise<{ events: number; tickets: number }>;
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** Halls this account may act in; ['*'] = every hall. */
  hallIds: string[];
  staffNo?: string;
  post?: string;
  /** Windows this person usually works (listed first when they sign in). */
  windowIds?: string[];
  /** The B post (AB岗) who covers for this person when they are away. */
  partnerId?: string;
  /** Photo for the window's staff notice (工作人员公示), a data: URL (JPEG or PNG). */
  photo?: string;
  /**
   * Bumped when the role, halls or password change or the account is disabled: tokens carry the
   * version they were issued under and an older one is refused (absent = 0).
   */
  tokenVersion?: number;
  /** scrypt$N$r$p$salt$hash */
  passwordHash: string;
  /**
   * The 绿色通道 PIN (4–6 digits) a guide-desk clerk types on a kiosk to vouch for a priority
   * ticket, hashed like the password (scrypt$…); absent = no PIN, the kiosk does not offer the account.
   */
  pinHash?: string;
  /**
   * The password was given to this person by someone else (the generated
   * first admin password): until they choose their own, the account may do
   * nothing but change it (POST /api/auth/password).
   */
  mustChangePassword?: boolean;
  disabled: boolean;
  createdAt: number;
  /**
   * Where the account signs in (server/auth/sso): 'oidc' or 'ldap' accounts are created and updated
   * by their directory at each login and have no usable local password; absent = a local account.
   */
  source?: 'oidc' | 'ldap';
}

/** What the store keeps of a device: its view plus the hash of its token. */
export interface DeviceRecord extends DeviceView {
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  tokenHash: string;
}

export interface AccountStore {
  findUserByUsername(username: string): Promise<UserRecord | null>;
  getUser(id: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** Rejects with a StoreError('DUPLICATE') if the username is taken. */
  createUser(user: UserRecord): Promise<void>;
  /** Replaces an existing account (same id and username); false when there is none. */
  updateUser(user: UserRecord): Promise<boolean>;
  createDevice(device: DeviceRecord): Promise<void>;
  getDevice(id: string): Promise<DeviceRecord | null>;
  findDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  listDevices(hallId: string): Promise<DeviceRecord[]>;
  revokeDevice(id: string, at: number): Promise<void>;
  touchDevice(id: string, at: number): Promise<void>;
  /** A named secret (e.g. the token-signing key), created by `create` on first use and then stable. */
  getOrCreateSecret(name: string, create: () => string): Promise<string>;
  /** A server-wide setting the administrator changes (e.g. 'localLogin'), kept beside the accounts; null = never set. */
  getSetting(name: string): Promise<string | null>;
  putSetting(name: string, value: string): Promise<void>;
}

/**
 * An outbox endpoint (server/outbox): where a hall's events of one subscription (`name`, e.g.
 * 'rating-upload') are POSTed, signed with `secret`. Not hall configuration: configuration reaches
 * every staff screen and configuration files, the secret must not.
 */
export interface OutboxEndpointRecord {
  hallId: string;
  name: string;
  url: string;
  secret: string;
  enabled: boolean;
  updatedAt: number;
  updatedBy: string;
  /** The event types an endpoint takes (webhooks); absent: its subscription decides alone. */
  events?: string[];
}

/** How far an endpoint has got through its hall's event log, and how its last attempt went. */
export interface OutboxProgress {
  /** Every event with seq <= this was delivered (or the subscription takes no record of it). */
  deliveredSeq: number;
  lastDeliveredAt?: number;
  lastAttemptAt?: number;
  lastError?: string;
  /** Failed attempts in a row (the back-off survives a restart). */
  failures: number;
  /** When the first of the failures in a row happened; absent while the endpoint delivers. */
  failingSince?: number;
}

/**
 * The outbox's durable state: endpoints with their secrets, per endpoint a cursor over the event log
 * (the queue is the log itself, committed with the events), and a lease so that of several processes
 * sharing a store exactly one delivers an endpoint at a time. Writes of progress are fenced by the
 * lease: a process that lost it cannot move the cursor.
 */
export interface OutboxStore {
  listEndpoints(): Promise<OutboxEndpointRecord[]>;
  getEndpoint(hallId: string, name: string): Promise<OutboxEndpointRecord | null>;
  putEndpoint(record: OutboxEndpointRecord): Promise<void>;
  /** `{ deliveredSeq: 0, failures: 0 }` for an endpoint that never delivered. */
  getProgress(hallId: string, name: string): Promise<OutboxProgress>;
  /**
   * Takes or renews the lease of `holder` for `ttlMs`; false while another holder has it.
   */
  acquireLease(hallId: string, name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(hallId: string, name: string, holder: string): Promise<void>;
  /**
   * Moves the cursor forward to `seq` (never back), clears the error and the failure count;
   * `deliveredAt` when a delivery (not a skip) got there. False, changing nothing, without the lease,
   * or when `expectedSeq` is given and the cursor is no longer there (it was rewound meanwhile).
   */
  advance(hallId: string, name: string, holder: string, seq: number, deliveredAt?: number, expectedSeq?: number): Promise<boolean>;
  /** Records a failed attempt (failures + 1). False, changing nothing, without the lease. */
  recordFailure(hallId: string, name: string, holder: string, error: string, at: number): Promise<boolean>;
  /** Removes an endpoint with its cursor (webhooks are deleted; the 好差评 upload is switched off instead). */
  deleteEndpoint(hallId: string, name: string): Promise<void>;
  /**
   * Sets the cursor to `seq`, back or forward (a replay, or a new webhook starting at the log's end),
   * and clears the failures. Needs no lease: a deliverer's next `advance` with the cursor it
   * started from (`expectedSeq`) then fails, and it starts again from here.
   */
  rewind(hallId: string, name: string, seq: number): Promise<void>;
}

/**
 * Short-lived values that are good for one use (server/auth/sso: OIDC logins under way, one-time
 * hand-over codes), kept where every process of the installation finds them: a login started on
 * one process may come back to, or be traded at, another. `kind` names a family of values (a
 * lower-case word, always put with the same options); of each kind at most `max` are kept, the
 * oldest giving way, so anonymous requests cannot grow the store without limit.
 */
export interface OneTimeStore {
  /** Keeps `value` under `key` for `ttlMs`. */
  put(kind: string, key: string, value: string, options: { ttlMs: number; max: number }): Promise<void>;
  /**
   * The value, removed in the same step: of several takes of one key, from any processes at once,
   * exactly one gets it. null when there is none, it expired, gave way, or was taken before.
   */
  take(kind: string, key: string): Promise<string | null>;
}

/** One clip of a hall's voice pack as stored: 16-bit mono PCM WAV at CLIP_SAMPLE_RATE (protocol/voice.ts), normalized on upload. */
export interface VoiceClipRecord {
  hallId: string;
  /** 'zh', 'en', or the hall's second language. */
  lang: string;
  /** A name of voiceClipCatalog(lang, …). */
  name: string;
  wav: Buffer;
  durationMs: number;
  updatedAt: number;
}

/**
 * Voice packs (issue 17, docs/voice.md), kept with the hall on both stores and apart from its
 * state: a pack is a few MB of audio that no command reads, so it never rides on a commit.
 */
export interface VoiceStore {
  /** The clips of a hall (of one language when given), without their audio. */
  listClips(hallId: string, lang?: string): Promise<Array<Omit<VoiceClipRecord, 'wav'>>>;
  getClip(hallId: string, lang: string, name: string): Promise<VoiceClipRecord | null>;
  /**
   * Saves clips in one step: all or none. With `replaceLanguage` the language's other clips are
   * removed in the same step (a zip upload replaces the pack; a recorded clip replaces only itself).
   */
  putClips(hallId: string, lang: string, clips: ReadonlyArray<Omit<VoiceClipRecord, 'hallId' | 'lang'>>, replaceLanguage: boolean): Promise<void>;
  /** Removes the named clips, or the language's whole pack when `names` is omitted. */
  deleteClips(hallId: string, lang: string, names?: readonly string[]): Promise<void>;
}

export interface Store {
  halls: HallStore;
  accounts: AccountStore;
  outbox: OutboxStore;
  oneTime: OneTimeStore;
  voice: VoiceStore;
  close(): Promise<void>;
}

export type StoreErrorCode = 'DUPLICATE' | 'UNAVAILABLE' | 'CORRUPT';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
