import type Sqlite from 'better-sqlite3';
import { StoreError, type VoiceClipRecord, type VoiceStore } from '../port.js';
import { toStoreError } from './errors.js';
import { checkClipBatch } from '../voiceBatch.js';

interface ClipRow {
  hall_id: string;
  lang: string;
  name: string;
  duration_ms: number;
  updated_at: number;
}

type ClipInfo = Omit<VoiceClipRecord, 'wav'>;

/** Voice packs in the SQLite file (table voice_clips, migration 13); each putClips is one transaction. */
export class SqliteVoiceStore implements VoiceStore {
  private closed = false;
  private readonly ofHall: Sqlite.Statement<[string], ClipRow>;
  private readonly ofLanguage: Sqlite.Statement<[string, string], ClipRow>;
  private readonly one: Sqlite.Statement<[string, string, string], ClipRow & { wav: Buffer }>;
  private readonly upsert: Sqlite.Statement<[string, string, string, Buffer, number, number]>;
  private readonly removeOne: Sqlite.Statement<[string, string, string]>;
  private readonly removeLanguage: Sqlite.Statement<[string, string]>;
  private readonly put: (hallId: string, lang: string, clips: ReadonlyArray<Omit<VoiceClipRecord, 'hallId' | 'lang'>>, replace: boolean) => void;
  private readonly remove: (hallId: string, lang: string, names: readonly string[] | undefined) => void;

  constructor(db: Sqlite.Database) {
    const columns = 'hall_id, lang, name, duration_ms, updated_at';
    this.ofHall = db.prepare(`SELECT ${columns} FROM voice_clips WHERE hall_id = ? ORDER BY lang, name`);
    this.ofLanguage = db.prepare(`SELECT ${columns} FROM voice_clips WHERE hall_id = ? AND lang = ? ORDER BY name`);
    this.one = db.prepare(`SELECT ${columns}, wav FROM voice_clips WHERE hall_id = ? AND lang = ? AND name = ?`);
    this.upsert = db.prepare(
      `INSERT INTO voice_clips (hall_id, lang, name, wav, duration_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (hall_id, lang, name) DO UPDATE SET wav = excluded.wav, duration_ms = excluded.duration_ms, updated_at = excluded.updated_at`,
    );
    this.removeOne = db.prepare('DELETE FROM voice_clips WHERE hall_id = ? AND lang = ? AND name = ?');
    this.removeLanguage = db.prepare('DELETE FROM voice_clips WHERE hall_id = ? AND lang = ?');
    this.put = db.transaction((hallId, lang, clips, replace) => {
      if (replace) this.removeLanguage.run(hallId, lang);
      for (const clip of clips) this.upsert.run(hallId, lang, clip.name, clip.wav, clip.durationMs, clip.updatedAt);
    });
    this.remove = db.transaction((hallId, lang, names) => {
      if (names === undefined) this.removeLanguage.run(hallId, lang);
      else for (const name of names) this.removeOne.run(hallId, lang, name);
    });
  }

  async listClips(hallId: string, lang?: string): Promise<ClipInfo[]> {
    return this.run('listClips', () => (lang === undefined ? this.ofHall.all(hallId) : this.ofLanguage.all(hallId, lang)).map(toInfo));
  }

  async getClip(hallId: string, lang: string, name: string): Promise<VoiceClipRecord | null> {
    return this.run('getClip', () => {
      const row = this.one.get(hallId, lang, name);
      return row ? { ...toInfo(row), wav: Buffer.from(row.wav) } : null;
    });
  }

  async putClips(hallId: string, lang: string, clips: ReadonlyArray<Omit<VoiceClipRecord, 'hallId' | 'lang'>>, replaceLanguage: boolean): Promise<void> {
    checkClipBatch(clips);
    this.run('putClips', () => this.put(hallId, lang, clips, replaceLanguage));
  }

  async deleteClips(hallId: string, lang: string, names?: readonly string[]): Promise<void> {
    this.run('deleteClips', () => this.remove(hallId, lang, names));
  }

  shutdown(): void {
    this.closed = true;
  }

  private run<R>(what: string, body: () => R): R {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'the SQLite store is closed');
    try {
      return body();
    } catch (error) {
      throw toStoreError(error, `voice ${what}`);
    }
  }
}

function toInfo(row: ClipRow): ClipInfo {
  return { hallId: row.hall_id, lang: row.lang, name: row.name, durationMs: row.duration_ms, updatedAt: row.updated_at };
}
