import type Sqlite from 'better-sqlite3';

/**
 * WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside the COMMIT that
 * takes the WAL past `wal_autocheckpoint` pages, so the batch that happens to cross it waits for
 * the copy into the database file and its fsync before anyone is answered. Here the automatic one
 * is only a backstop (BACKSTOP_PAGES, for writers other than the hall store), and the hall store
 * asks for a PASSIVE checkpoint in a later turn of the event loop, after the batch's answers went
 * out: once its commits wrote about as much as SQLite's default threshold, or a moment after the
 * last commit when they wrote less.
 */
export const BACKSTOP_PAGES = 10_000;
/** SQLite's default wal_autocheckpoint, in pages: about as much WAL as it lets build up. */
const CHECKPOINT_PAGES = 1000;
const IDLE_MS = 1000;

export class Checkpointer {
  /** Checkpoints run so far (tests, diagnostics). */
  runs = 0;
  private pages = 0;
  private soon: NodeJS.Immediate | null = null;
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly db: Sqlite.Database) {}

  /** After a commit that wrote about `pages` pages (rows written is the estimate: each touches one or more). */
  committed(pages: number): void {
    this.pages += pages;
    if (this.pages >= CHECKPOINT_PAGES) {
      if (this.idle) clearTimeout(this.idle);
      this.idle = null;
      this.soon ??= setImmediate(() => this.run());
    } else if (!this.soon && !this.idle) {
      this.idle = setTimeout(() => this.run(), IDLE_MS);
      this.idle.unref();
    }
  }

  /** Runs a PASSIVE checkpoint now (never waits for readers; what they still use stays in the WAL). */
  run(): void {
    if (this.soon) clearImmediate(this.soon);
    if (this.idle) clearTimeout(this.idle);
    this.soon = null;
    this.idle = null;
    this.pages = 0;
    if (!this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.runs++;
    } catch {
      // Busy or failing: the next commit asks again, and the automatic backstop still holds.
    }
  }

  stop(): void {
    if (this.soon) clearImmediate(this.soon);
    if (this.idle) clearTimeout(this.idle);
    this.soon = null;
    this.idle = null;
  }
}
