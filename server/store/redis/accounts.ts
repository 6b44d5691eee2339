import { StoreError, type AccountStore, type DeviceRecord, type UserRecord } from '../port.js';
import { closedError, parseStored, toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';
import type { ScriptedRedis } from './scripts.js';

/** How long a user read by getUser is reused (see `recentUsers`). */
const USER_REUSE_MS = 1000;

/**
 * Staff accounts, devices and named secrets in Redis hashes (keys.ts). A
 * device's revocation and last-seen times live in hashes of their own, so that
 * stamping them never rewrites (or races with) the device's record.
 */
export class RedisAccountStore implements AccountStore {
  private closed = false;
  private readonly k;
  /**
   * getUser runs before every staff command (is the account still there and
   * enabled?); on Redis that is a round trip per command. An answer is reused
   * for a second: a change to an account reaches its running sessions within
   * that second instead of at once. Devices are not cached: a revoked kiosk
   * must stop at its next command.
   */
  private readonly recentUsers = new Map<string, { user: UserRecord; at: number }>();

  constructor(
    private readonly redis: ScriptedRedis,
    private readonly keys: RedisKeys,
  ) {
    this.k = keys.accounts;
  }

  async findUserByUsername(username: string): Promise<UserRecord | null> {
    return this.run('findUserByUsername', async () => {
      const id = await this.redis.hget(this.k.usernames, username);
      return id === null ? null : this.user(id);
    });
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const now = Date.now();
    const recent = this.recentUsers.get(id);
    if (recent && now - recent.at < USER_REUSE_MS && !this.closed) return structuredClone(recent.user);
    const user = await this.run('getUser', () => this.user(id));
    if (!user) return null; // not remembered: the account may be created a moment later
    if (this.recentUsers.size > 10_000) this.recentUsers.clear(); // bounded: far more than the staff of a province
    this.recentUsers.set(id, { user, at: now });
    return structuredClone(user);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.run('listUsers', async () => {
      const users = Object.values(await this.redis.hgetall(this.k.users)).map((json) => parseStored<UserRecord>(json, 'user'));
      return users.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
    });
  }

  async createUser(user: UserRecord): Promise<void> {
    const created = await this.run(`createUser(${user.username})`, () =>
      this.redis.hallqInsertUnique(2, this.k.users, this.k.usernames, user.id, user.username, JSON.stringify(user)),
    );
    if (created !== 1) throw new StoreError('DUPLICATE', `user ${user.id} or username ${user.username} already exists`);
  }

  async updateUser(user: UserRecord): Promise<boolean> {
    // Last writer wins: accounts are edited by hand, by one administrator at a time.
    const updated = await this.run(`updateUser(${user.username})`, async () => {
      const stored = await this.user(user.id);
      if (!stored || stored.username !== user.username) return false;
      await this.redis.hset(this.k.users, user.id, JSON.stringify(user));
      return true;
    });
    this.recentUsers.delete(user.id);
    return updated;
  }

  async createDevice(device: DeviceRecord): Promise<void> {
    const { revokedAt, lastSeenAt, ...fixed } = device;
    const created = await this.run(`createDevice(${device.id})`, () =>
      this.redis.hallqInsertUnique(
        5,
        this.k.devices,
        this.k.deviceTokens,
        this.keys.hallDevices(device.hallId),
        this.k.deviceRevoked,
        this.k.deviceSeen,
        device.id,
        device.tokenHash,
        JSON.stringify(fixed),
        '1',
        revokedAt ?? '',
        lastSeenAt ?? '',
      ),
    );
    if (created !== 1) throw new StoreError('DUPLICATE', `device ${device.id} or its token already exists`);
  }

  async getDevice(id: string): Promise<DeviceRecord | null> {
    return this.run('getDevice', async () => (await this.devices([id]))[0] ?? null);
  }

  async findDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    return this.run('findDeviceByTokenHash', async () => {
      const id = await this.redis.hget(this.k.deviceTokens, tokenHash);
      return id === null ? null : ((await this.devices([id]))[0] ?? null);
    });
  }

  async listDevices(hallId: string): Promise<DeviceRecord[]> {
    return this.run('listDevices', async () => {
      const devices = await this.devices(await this.redis.hkeys(this.keys.hallDevices(hallId)));
      return devices.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  async revokeDevice(id: string, at: number): Promise<void> {
    // The first revocation time stays; revoking again changes nothing.
    await this.run('revokeDevice', () => this.redis.hallqStampDevice(this.k.devices, this.k.deviceRevoked, id, at, '1'));
  }

  async touchDevice(id: string, at: number): Promise<void> {
    await this.run('touchDevice', () => this.redis.hallqStampDevice(this.k.devices, this.k.deviceSeen, id, at, '0'));
  }

  async getOrCreateSecret(name: string, create: () => string): Promise<string> {
    return this.run(`getOrCreateSecret(${name})`, async () => {
      const existing = await this.redis.hget(this.k.secrets, name);
      if (existing !== null) return existing;
      // HSETNX + re-read: if another process won the race, its value is the one everybody uses.
      await this.redis.hsetnx(this.k.secrets, name, create());
      return (await this.redis.hget(this.k.secrets, name))!;
    });
  }

  // Settings share the secrets hash under their own prefix.
  async getSetting(name: string): Promise<string | null> {
    return this.run(`getSetting(${name})`, () => this.redis.hget(this.k.secrets, `setting:${name}`));
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.run(`putSetting(${name})`, () => this.redis.hset(this.k.secrets, `setting:${name}`, value));
  }

  shutdown(): void {
    this.closed = true;
  }

  private async user(id: string): Promise<UserRecord | null> {
    const json = await this.redis.hget(this.k.users, id);
    return json === null ? null : parseStored<UserRecord>(json, `user ${id}`);
  }

  /** The devices with these ids (unknown ids left out), with their stamps, in one round trip. */
  private async devices(ids: string[]): Promise<DeviceRecord[]> {
    if (ids.length === 0) return [];
    const [records, revoked, seen] = await Promise.all([
      this.redis.hmget(this.k.devices, ...ids),
      this.redis.hmget(this.k.deviceRevoked, ...ids),
      this.redis.hmget(this.k.deviceSeen, ...ids),
    ]);
    const devices: DeviceRecord[] = [];
    records.forEach((json, i) => {
      if (json === null) return;
      const device = parseStored<DeviceRecord>(json, `device ${ids[i]}`);
      if (revoked[i] != null) device.revokedAt = Number(revoked[i]);
      if (seen[i] != null) device.lastSeenAt = Number(seen[i]);
      devices.push(device);
    });
    return devices;
  }

  private async run<R>(what: string, body: () => Promise<R>): Promise<R> {
    if (this.closed) throw closedError();
    try {
      return await body();
    } catch (error) {
      throw toStoreError(error, what);
    }
  }
}
