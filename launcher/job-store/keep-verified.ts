// Chunk verification on resume: the journal is trusted only as far as its chunks still verify.
import type { Logger } from '../../common/log.js';
import type { ChunkStore } from '../../common/storage/storage.js';
import type { Journal } from './journal.js';

/**
 * On resume: keep only journal entries whose chunk verifies, and delete chunk files the journal does
 * not vouch for (staged leftovers, chunks committed after the launcher died).
 */
export async function keepVerifiedChunks(journal: Journal, store: ChunkStore, log: Logger): Promise<void> {
  const kept = [];
  for (const e of journal.load()) {
    try {
      await store.verify(e);
      kept.push(e);
    } catch (err) {
      log.warn(`dropping chunk ${e.key}: ${(err as Error).message}`);
    }
  }
  journal.clear();
  for (const e of kept) journal.append(e);
  await removeUnvouchedChunks(journal, store);
}

/**
 * Deletes the chunk files no journal line vouches for, and staged leftovers: on resume, and when a job stops
 * without finishing (a rank may commit a chunk as its attempt is stopped, after the launcher stopped
 * listening for its report; on a full disk that chunk takes room the user is asked to free).
 */
export async function removeUnvouchedChunks(journal: Journal, store: ChunkStore): Promise<void> {
  const vouched = new Set(journal.load().map((e) => e.key));
  for (const key of await store.list()) if (!vouched.has(key)) await store.remove(key);
  await store.removeStaged();
}
