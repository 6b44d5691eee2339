import type { Redis } from 'ioredis';
import { StoreError, type VoiceClipRecord, type VoiceStore } from '../port.js';
import { checkClipBatch } from '../voiceBatch.js';
import { closedError, parseStored, toStoreError } from './errors.js';
import type { RedisKeys } from './keys.js';

/**
 * Voice packs in Redis (keys.ts `voice`): a hash of clip facts and a hash of WAV bytes, both under
 * the hall's hash tag, both written by one script, so that a replaced pack is never seen half old,
 * half new by another process, and a refused or failed write leaves the old pack whole.
 */

/** Lua: removes every clip of the language whose field prefix is ARGV[1] from both hashes (a pack replaced or deleted whole). */
const DELETE_LANGUAGE = `  local prefix = ARGV[1]
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(field, 1, #prefix) == prefix then
      redis.call('HDEL', KEYS[1], field)
      redis.call('HDEL', KEYS[2], field)
    end
  end
`;

const SCRIPTS = {
  /*
   * hallqVoicePut — save clips, with the language's other clips removed first when replacing.
   * KEYS[1] clips hash   KEYS[2] audio hash
   * ARGV[1] field prefix `<lang>/`   ARGV[2] '1' to replace the language   then per clip: field, facts JSON, WAV.
   */
  hallqVoicePut: {
    numberOfKeys: 2,
    lua: `
if ARGV[2] == '1' then
${DELETE_LANGUAGE}end
for i = 3, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
end
return 1
`,
  },
  /*
   * hallqVoiceDelete — remove the named fields, or with none named every field of the prefix.
   * KEYS[1] clips hash   KEYS[2] audio hash   ARGV[1] field prefix `<lang>/`   ARGV[2..] fields.
   */
  hallqVoiceDelete: {
    numberOfKeys: 2,
    lua: `
if #ARGV == 1 then
${DELETE_LANGUAGE}  return 1
end
for i = 2, #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return 1
`,
  },
} as const;

type Call = (...keysThenArgs: Array<string | number | Buffer>) => Promise<number>;
type VoiceRedis = Redis & Record<keyof typeof SCRIPTS, Call>;

type ClipInfo = Omit<VoiceClipRecord, 'wav'>;

/** A clip's field: the language has no '/', so the first one separates it from any name. */
const fieldOf = (lang: string, name: string) => `${lang}/${name}`;

export class RedisVoiceStore implements VoiceStore {
  private closed = false;
  private readonly redis: VoiceRedis;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
    this.redis = redis as VoiceRedis;
  }

  async listClips(hallId: string, lang?: string): Promise<ClipInfo[]> {
    return this.run('listClips', async () => {
      const all = await this.redis.hgetall(this.keys.voice(hallId).clips);
      const clips: ClipInfo[] = [];
      for (const [field, json] of Object.entries(all)) {
        const slash = field.indexOf('/');
        const clip = { lang: field.slice(0, slash), name: field.slice(slash + 1) };
        if (slash < 0 || (lang !== undefined && clip.lang !== lang)) continue;
        clips.push({ hallId, ...clip, ...facts(json, field) });
      }
      return clips.sort((a, b) => (a.lang === b.lang ? compare(a.name, b.name) : compare(a.lang, b.lang)));
    });
  }

  async getClip(hallId: string, lang: string, name: string): Promise<VoiceClipRecord | null> {
    return this.run('getClip', async () => {
      const keys = this.keys.voice(hallId);
      const field = fieldOf(lang, name);
      // One transaction: facts and audio of the same write, even while the pack is being replaced.
      const replies = await this.redis.multi().hget(keys.clips, field).hgetBuffer(keys.audio, field).exec();
      if (!replies) throw new StoreError('UNAVAILABLE', 'the voice clip read was aborted');
      const [[factsError, json], [audioError, wav]] = replies as [[Error | null, string | null], [Error | null, Buffer | null]];
      if (factsError || audioError) throw factsError ?? audioError;
      if (json === null) return null;
      if (wav === null) throw new StoreError('CORRUPT', `voice clip ${field} of hall ${hallId}: audio missing in Redis`);
      return { hallId, lang, name, wav, ...facts(json, field) };
    });
  }

  async putClips(hallId: string, lang: string, clips: ReadonlyArray<Omit<VoiceClipRecord, 'hallId' | 'lang'>>, replaceLanguage: boolean): Promise<void> {
    checkClipBatch(clips);
    await this.run('putClips', async () => {
      const keys = this.keys.voice(hallId);
      const args: Array<string | Buffer> = [`${lang}/`, replaceLanguage ? '1' : '0'];
      for (const clip of clips) args.push(fieldOf(lang, clip.name), JSON.stringify({ durationMs: clip.durationMs, updatedAt: clip.updatedAt }), clip.wav);
      await this.redis.hallqVoicePut(keys.clips, keys.audio, ...args);
    });
  }

  async deleteClips(hallId: string, lang: string, names?: readonly string[]): Promise<void> {
    if (names !== undefined && names.length === 0) return;
    await this.run('deleteClips', async () => {
      const keys = this.keys.voice(hallId);
      await this.redis.hallqVoiceDelete(keys.clips, keys.audio, `${lang}/`, ...(names ?? []).map((name) => fieldOf(lang, name)));
    });
  }

  shutdown(): void {
    this.closed = true;
  }

  private async run<R>(what: string, body: () => Promise<R>): Promise<R> {
    if (this.closed) throw closedError();
    try {
      return await body();
    } catch (error) {
      throw toStoreError(error, `voice ${what}`);
    }
  }
}

function facts(json: string, field: string): { durationMs: number; updatedAt: number } {
  const value = parseStored<{ durationMs?: unknown; updatedAt?: unknown }>(json, `voice clip ${field}`);
  if (typeof value?.durationMs !== 'number' || typeof value.updatedAt !== 'number') throw new StoreError('CORRUPT', `voice clip ${field}: facts are not { durationMs, updatedAt }`);
  return { durationMs: value.durationMs, updatedAt: value.updatedAt };
}

/** UTF-16 code-unit order: for names of the Basic Multilingual Plane (every catalog name) SQLite's BINARY order, so both stores list alike. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
