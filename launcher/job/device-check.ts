// A device the user insists on must be there before any rank starts; `auto` needs nothing.
import { cudaInstalled, type DeviceChoice, type MachineFacts } from '../../common/device.js';
import { cudaLibsVariable, rankLibraryPath, type CudaLibraries } from '../../common/cuda-libraries.js';
import { UsageError } from '../../common/errors/usage-error.js';

/** The folder onnxruntime-node loads its execution providers from. */
export const providerFolder = 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64';

/** Throws a UsageError (exit 2) naming both ways to install CUDA when `--device cuda` cannot work here. */
export function checkDevice(device: DeviceChoice, hasCuda = cudaInstalled()): void {
  if (device !== 'cuda' || hasCuda) return;
  throw new UsageError(
    `--device cuda: onnxruntime-node's CUDA provider is not installed; either run ` +
      '`node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12` on a machine that can reach its download feed, ' +
      `or copy libonnxruntime_providers_cuda.so and libonnxruntime_providers_shared.so built for this onnxruntime-node version into ${providerFolder} (README "GPU")`,
    'NO_CUDA_PROVIDER',
  );
}

/** What the ranks' environment gets for CUDA, and what to warn about. */
export interface CudaEnvironment {
  env: Record<string, string>;
  warning?: string;
}

/**
 * The ranks' library path where they may run on CUDA (`--device cuda`, or `auto` on a machine with an
 * NVIDIA GPU and the provider): the folders that hold the CUDA and cuDNN libraries, first. `--device cuda`
 * without them is a usage error; `auto` warns and lets the ranks fall back to WebGPU or the CPU. The libraries
 * are looked for (folders listed, the provider's ELF header read) only where CUDA may run.
 */
export function cudaEnvironment(device: DeviceChoice, facts: Pick<MachineFacts, 'cuda' | 'nvidiaGpu'>, findLibs: () => CudaLibraries, ldLibraryPath?: string): CudaEnvironment {
  const mayUseCuda = device === 'cuda' || (device === 'auto' && facts.cuda && facts.nvidiaGpu);
  if (!mayUseCuda) return { env: {} };
  const libs = findLibs();
  const env: Record<string, string> = libs.folders.length ? { LD_LIBRARY_PATH: rankLibraryPath(libs.folders, ldLibraryPath) } : {};
  if (libs.missing.length === 0) return { env };
  const what = `the CUDA provider needs ${libs.missing.join(', ')}, found in none of the usual folders; name the folders that hold them in ${cudaLibsVariable} (colon-separated)`;
  if (device === 'cuda') throw new UsageError(`--device cuda: ${what}`, 'NO_CUDA_LIBRARIES');
  return { env, warning: `${what}; ranks fall back to WebGPU or the CPU` };
}
