// A device the user insists on must be there before any rank starts; `auto` needs nothing.
import { cudaInstalled, type DeviceChoice } from '../../common/device.js';
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
