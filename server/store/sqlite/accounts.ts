import type Sqlite from 'better-sqlite3';
import type { Role } from '../../protocol/model.js';
import { StoreError, type AccountStore, type DeviceRecord, type UserRecord } from '../port.js';
import type { DeviceKind } from '../../protocol/devices.js';
import { parseStored, toStoreError } from './errors.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  hall_ids: string;
  staff_no: string | null;
  post: string | null;
  password_hash: string;
  disabled: number;
  created_at: number;
  extra_json: string | null;
}

interface DeviceRow {
  id: string;
  hall_id: string;
  kind: string;
  name: string;
  token_hash: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
  last_seen_at: number | null;
  printer: string | null;
  window_id: string | null;
}

const USER_COLUMNS = 'id, username, display_name, role, hall_ids, staff_no, post, password_hash, disabled, created_at, extra_json';
const DEVICE_COLUMNS = 'id, hall_id, kind, name, token_hash, created_at, created_by, revoked_at, last_seen_at, printer, window_id';

/** Staff accounts, device registrations and named secrets, in the same SQLite file as the halls. */
export class SqliteAccountStore implements AccountStore {
  private closed = false;

  private readonly userByUsername: Sqlite.Statement<[string], UserRow>;
  private readonly userById: Sqlite.Statement<[string], UserRow>;
  private readonly allUsers: Sqlite.Statement<[], UserRow>;
  private readonly insertUser: Sqlite.Statement<unknown[]>;
  private readonly replaceUser: Sqlite.Statement<unknown[]>;
  private readonly deviceById: Sqlite.Statement<[string], DeviceRow>;
  private readonly deviceByTokenHash: Sqlite.Statement<[string], DeviceRow>;
  private readonly devicesOfHall: Sqlite.Statement<[string], DeviceRow>;
  private readonly insertDevice: Sqlite.Statement<unknown[]>;
  private readonly revoke: Sqlite.Statement<[number, string]>;
  private readonly touch: Sqlite.Statement<[number, string]>;
  private readonly secretByName: Sqlite.Statement<[string], string>;
  private readonly insertSecret: Sqlite.Statement<[string, string]>;
  private readonly upsertSecret: Sqlite.Statement<[string, string]>;

  constructor(db: Sqlite.Database) {
    this.userByUsername = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`);
    this.userById = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
    this.allUsers = db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
    this.insertUser = db.prepare(`INSERT INTO users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.replaceUser = db.prepare(
      'UPDATE users SET display_name = ?, role = ?, hall_ids = ?, staff_no = ?, post = ?, password_hash = ?, disabled = ?, extra_json = ? WHERE id = ? AND username = ?',
    );
    this.deviceById = db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`);
    this.deviceByTokenHash = db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE token_hash = ?`);
    this.devicesOfHall = db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE hall_id = ? ORDER BY created_at, id`);
    this.insertDevice = db.prepare(`INSERT INTO devices (${DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // The first revocation time stays; revoking again changes nothing.
    this.revoke = db.prepare('UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?');
    this.touch = db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?');
    this.secretByName = db.prepare<[string], string>('SELECT value FROM secrets WHERE name = ?').pluck();
    this.insertSecret = db.prepare('INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.upsertSecret = db.prepare('INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  }

  async findUserByUsername(username: string): Promise<UserRecord | null> {
    return this.run('findUserByUsername', () => toUser(this.userByUsername.get(username)));
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return this.run('getUser', () => toUser(this.userById.get(id)));
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.run('listUsers', () => this.allUsers.all().map((row) => toUser(row)!));
  }

  async createUser(user: UserRecord): Promise<void> {
    this.run(`createUser(${user.username})`, () => {
      this.insertUser.run(
        user.id,
        user.username,
        user.displayName,
        user.role,
        JSON.stringify(user.hallIds),
        user.staffNo ?? null,
        user.post ?? null,
        user.passwordHash,
        user.disabled ? 1 : 0,
        user.createdAt,
        extraJson(user),
      );
    });
  }

  async updateUser(user: UserRecord): Promise<boolean> {
    return this.run(`updateUser(${user.username})`, () =>
      this.replaceUser.run(
        user.displayName,
        user.role,
        JSON.stringify(user.hallIds),
        user.staffNo ?? null,
        user.post ?? null,
        user.passwordHash,
        user.disabled ? 1 : 0,
        extraJson(user),
        user.id,
        user.username,
      ).changes > 0,
    );
  }

  async createDevice(device: DeviceRecord): Promise<void> {
    this.run(`createDevice(${device.id})`, () => {
      this.insertDevice.run(
        device.id,
        device.hallId,
        device.kind,
        device.name,
        device.tokenHash,
        device.createdAt,
        device.createdBy,
        device.revokedAt ?? null,
        device.lastSeenAt ?? null,
        device.printer ?? null,
        device.windowId ?? null,
      );
    });
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    return this.run('getDevice', () => toDevice(this.deviceById.get(id)));
  }

  async findDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    return this.run('findDeviceByTokenHash', () => toDevice(this.deviceByTokenHash.get(tokenHash)));
  }

  async listDevices(hallId: string): Promise<DeviceRecord[]> {
    return this.run('listDevices', () => this.devicesOfHall.all(hallId).map((row) => toDevice(row)!));
  }

  async revokeDevice(id: string, at: number): Promise<void> {
    this.run('revokeDevice', () => void this.revoke.run(at, id));
  }

  async touchDevice(id: string, at: number): Promise<void> {
    this.run('touchDevice', () => void this.touch.run(at, id));
  }

  async getOrCreateSecret(name: string, create: () => string): Promise<string> {
    return this.run(`getOrCreateSecret(${name})`, () => {
      const existing = this.secretByName.get(name);
      if (existing !== undefined) return existing;
      // DO NOTHING + re-read: if another process won the race, its value is the one everybody uses.
      this.insertSecret.run(name, create());
      return this.secretByName.get(name)!;
    });
  }

  // Settings share the secrets table (a name and a value) under their own prefix, so no migration is needed.
  async getSetting(name: string): Promise<string | null> {
    return this.run(`getSetting(${name})`, () => this.secretByName.get(`setting:${name}`) ?? null);
  }

  async putSetting(name: string, value: string): Promise<void> {
    this.run(`putSetting(${name})`, () => this.upsertSecret.run(`setting:${name}`, value));
  }

  shutdown(): void {
    this.closed = true;
  }

  private run<R>(what: string, body: () => R): R {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'the SQLite store is closed');
    try {
      return body();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }
}

function toUser(row: UserRow | undefined): UserRecord | null {
  if (!row) return null;
  const user: UserRecord = {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    hallIds: parseStored<string[]>(row.hall_ids, `hallIds of user ${row.id}`),
    passwordHash: row.password_hash,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
  if (row.staff_no !== null) user.staffNo = row.staff_no;
  if (row.post !== null) user.post = row.post;
  if (row.extra_json !== null) Object.assign(user, parseStored<Pick<UserRecord, 'windowIds' | 'partnerId' | 'photo' | 'mustChangePassword' | 'tokenVersion' | 'pinHash' | 'source'>>(row.extra_json, `user ${row.id}`));
  return user;
}

function extraJson(user: UserRecord): string | null {
  const extra = {
    ...(user.windowIds !== undefined ? { windowIds: user.windowIds } : {}),
    ...(user.partnerId !== undefined ? { partnerId: user.partnerId } : {}),
    ...(user.photo !== undefined ? { photo: user.photo } : {}),
    ...(user.mustChangePassword ? { mustChangePassword: true } : {}),
    ...(user.tokenVersion ? { tokenVersion: user.tokenVersion } : {}),
    ...(user.pinHash !== undefined ? { pinHash: user.pinHash } : {}),
    ...(user.source !== undefined ? { source: user.source } : {}),
  };
  return Object.keys(extra).length > 0 ? JSON.stringify(extra) : null;
}

function toDevice(row: DeviceRow | undefined): DeviceRecord | null {
  if (!row) return null;
  const device: DeviceRecord = {
    id: row.id,
    hallId: row.hall_id,
    kind: row.kind as DeviceKind,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
  if (row.revoked_at !== null) device.revokedAt = row.revoked_at;
  if (row.last_seen_at !== null) device.lastSeenAt = row.last_seen_at;
  if (row.printer !== null) device.printer = row.printer;
  if (row.window_id !== null) device.windowId = row.window_id;
  return device;
}
