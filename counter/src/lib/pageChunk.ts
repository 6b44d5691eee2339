/**
 * Each page of the staff app (clerk's panel, supervisor, admin, reports) is a chunk of its own, so
 * that the clerk's PC never downloads the admin editors or Chart.js (issue 16). A chunk can fail to
 * load: the network drops, or the server was upgraded since this page was opened and the old chunk's
 * name is gone. A fresh page then names the new chunks, so the first failure reloads the page once;
 * if the chunk still fails after that, the page says so and offers the reload itself (no loop).
 */

export interface ChunkRecovery {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  reload: () => void;
}

/** Set just before the reload; a chunk that loads clears it, so a later failure may reload again. */
export const RELOADED_KEY = 'hallq.counter.chunkReloaded';

const browser: ChunkRecovery = {
  get storage() {
    return sessionStorage;
  },
  reload: () => location.reload(),
};

/**
 * The chunk's export, or a rejection once reloading is no longer the answer. With reloadOnce false
 * (a tab inside a page the person may be editing on) a failure never reloads on its own.
 */
export async function loadChunk<T>(load: () => Promise<T>, reloadOnce: boolean, recovery: ChunkRecovery = browser): Promise<T> {
  try {
    const loaded = await load();
    recovery.storage.removeItem(RELOADED_KEY);
    return loaded;
  } catch (error) {
    if (!reloadOnce || recovery.storage.getItem(RELOADED_KEY) !== null) throw error;
    recovery.storage.setItem(RELOADED_KEY, String(Date.now()));
    recovery.reload();
    // The page is going away: it keeps saying "loading" rather than flash an error.
    return new Promise<T>(() => undefined);
  }
}

/** Fetches at the first call and hands every later call the same promise. */
export function lazyChunk<T>(load: () => Promise<{ default: T }>, reloadOnce: boolean, recovery?: ChunkRecovery): () => Promise<T> {
  let chunk: Promise<T> | undefined;
  return () => (chunk ??= loadChunk(async () => (await load()).default, reloadOnce, recovery));
}
