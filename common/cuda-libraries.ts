// Where the CUDA and cuDNN libraries that onnxruntime's CUDA provider loads live on this machine. The
// provider names them by soname only, and the dynamic loader reads LD_LIBRARY_PATH once, when a process
// starts, so the launcher finds them and gives the ranks a library path that holds them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { elfNeeded } from './elf-needed.js';

/** The libraries onnxruntime 1.29's CUDA 13 provider needs, by soname: what is looked for when the provider file cannot be read. */
export const cudaSonames = ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcurand.so.10', 'libcufft.so.12', 'libcudnn.so.9'] as const;

/**
 * The CUDA libraries a provider build needs, from its DT_NEEDED names (common/elf-needed.ts): the CUDA 12 build
 * that onnxruntime-node's own install step fetches names .so.12 where the CUDA 13 build names .so.13. The
 * driver's libcuda.so.1 comes with the driver, where the loader finds it, so it is not looked for. cuDNN is
 * opened at run time, not linked, so it is added: onnxruntime 1.29's builds for CUDA 12 and 13 both use cuDNN 9.
 */
export function cudaSonamesFromNeeded(needed: readonly string[]): string[] {
  const cuda = needed.filter((n) => n.startsWith('libcu') && !n.startsWith('libcuda.so'));
  return [...cuda, 'libcudnn.so.9'];
}

/** The libraries the provider at `providerPath` needs, or the CUDA 13 build's list when it cannot be read. */
export function cudaProviderSonames(providerPath: string | undefined): readonly string[] {
  const needed = providerPath === undefined ? undefined : elfNeeded(providerPath);
  return needed ? cudaSonamesFromNeeded(needed) : cudaSonames;
}

/** The environment variable that names extra folders to search first (colon-separated, like LD_LIBRARY_PATH). */
export const cudaLibsVariable = 'STYLERUN_CUDA_LIBS';

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name)).sort().reverse();
  } catch {
    return [];
  }
}

/**
 * Folders to search, in order: $STYLERUN_CUDA_LIBS, $LD_LIBRARY_PATH (where the loader would look anyway),
 * $CUDA_HOME / $CUDA_PATH, /usr/local/cuda and its versioned siblings (newest name first), the
 * distribution's library folders, then the NVIDIA pip wheels of any Python (PYTHON/site-packages/nvidia/
 * PACKAGE/lib, where PyTorch's CUDA lives): the active $VIRTUAL_ENV and $CONDA_PREFIX, the system's, conda's
 * and those of environments in /opt (/opt/X, /opt/X/.venv, /opt/X/venv; PyTorch's image keeps /opt/torch/.venv).
 */
export function cudaSearchFolders(env: NodeJS.ProcessEnv = process.env, root = '/'): string[] {
  const list = (v: string | undefined) => (v ?? '').split(':').filter(Boolean);
  const homes = [env.CUDA_HOME, env.CUDA_PATH].filter((h): h is string => !!h).flatMap((h) => [join(h, 'lib64'), join(h, 'lib')]);
  const local = join(root, 'usr', 'local');
  const cudas = [join(local, 'cuda'), ...subfolders(local).filter((d) => /\/cuda-[\d.]+$/.test(d))].map((d) => join(d, 'lib64'));
  const system = ['usr/lib/x86_64-linux-gnu', 'usr/lib64', 'usr/lib'].map((d) => join(root, d));
  const pythonHomes = [
    ...[env.VIRTUAL_ENV, env.CONDA_PREFIX].filter((p): p is string => !!p).map((p) => join(p, 'lib')),
    ...['usr/local/lib', 'usr/lib', 'opt/conda/lib'].map((d) => join(root, d)),
    ...subfolders(join(root, 'opt')).flatMap((d) => [join(d, 'lib'), join(d, '.venv', 'lib'), join(d, 'venv', 'lib')]),
  ];
  const wheels = pythonHomes
    .flatMap((lib) => subfolders(lib).filter((p) => /\/python3[\d.]*$/.test(p)))
    .flatMap((py) => ['site-packages', 'dist-packages'].map((s) => join(py, s, 'nvidia')))
    .flatMap((nvidia) => subfolders(nvidia).map((pkg) => join(pkg, 'lib')));
  return [...new Set([...list(env[cudaLibsVariable]), ...list(env.LD_LIBRARY_PATH), ...homes, ...cudas, ...system, ...wheels])];
}

/** What a search found: the folders that hold the libraries (in search order) and the sonames not found. */
export interface CudaLibraries {
  folders: string[];
  missing: string[];
}

/** For each soname, the first folder that holds it (the soname itself or a versioned file such as .so.13.0.1). */
export function findCudaLibraries(folders: readonly string[], sonames: readonly string[] = cudaSonames): CudaLibraries {
  const found = new Map<string, string>();
  for (const dir of folders) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const so of sonames) if (!found.has(so) && names.some((n) => n === so || n.startsWith(`${so}.`))) found.set(so, dir);
  }
  const folderSet = new Set(found.values());
  return { folders: folders.filter((f) => folderSet.has(f)), missing: sonames.filter((so) => !found.has(so)) };
}

/** LD_LIBRARY_PATH for a rank: the found folders first, then what the launcher had. */
export function rankLibraryPath(found: readonly string[], current: string | undefined): string {
  const rest = (current ?? '').split(':').filter((p) => p && !found.includes(p));
  return [...found, ...rest].join(':');
}
