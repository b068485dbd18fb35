// Which GPU a rank takes: local rank i of a host with GPUs g_0..g_{G-1} takes g_{floor(i / K) mod G}, K being
// the ranks per GPU (1: round robin, i mod G). The rank decides on its own host, so a launcher never needs to
// know another machine's GPUs; `--gpus` (STYLERUN_GPUS) restricts the list, `--ranks-per-gpu`
// (STYLERUN_RANKS_PER_GPU) sets K.
import { readdirSync } from 'node:fs';

/** The GPU index local rank `localRank` uses, or undefined where there is none. */
export function gpuForRank(localRank: number, gpus: readonly number[], ranksPerGpu = 1): number | undefined {
  if (gpus.length === 0) return undefined;
  return gpus[Math.floor(localRank / Math.max(1, ranksPerGpu)) % gpus.length];
}

/** Parses a GPU list such as "0,2,3"; undefined for an empty or missing list; throws on anything else. */
export function parseGpuList(text: string | undefined): number[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const gpus = text.split(',').map((p) => p.trim());
  if (!gpus.every((g) => /^\d+$/.test(g))) throw new Error(`a GPU list is indices separated by commas, e.g. 0,1 (got "${text}")`);
  return [...new Set(gpus.map(Number))];
}

/** Indices of this machine's NVIDIA GPUs, from their device nodes (/dev/nvidia0, /dev/nvidia1, ...). */
export function nvidiaGpuIndices(dev = '/dev'): number[] {
  let names: string[];
  try {
    names = readdirSync(dev);
  } catch {
    return [];
  }
  const indices: number[] = [];
  for (const name of names) {
    const m = /^nvidia(\d+)$/.exec(name);
    if (m) indices.push(Number(m[1]));
  }
  return indices.sort((a, b) => a - b);
}
