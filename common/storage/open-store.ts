// The one place a location string becomes a ChunkStore: the launcher and the ranks both open stores
// here, so another kind of store (a remote host, Blob storage) is added in one place.
import { LocalChunkStore } from './local-store.js';
import type { ChunkStore } from './storage.js';

/** Opens the chunk store a location names (a local or shared directory, for now). */
export function openChunkStore(location: string): ChunkStore {
  return new LocalChunkStore(location);
}
