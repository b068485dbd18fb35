// The device choice: which onnxruntime execution providers a rank tries, best first, for
// --device auto | cpu | webgpu | cuda, and what this machine has installed for them.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The devices a user can ask for. */
export type DeviceChoice = 'auto' | 'cpu' | 'webgpu' | 'cuda';

/** Every value --device accepts. */
export const deviceChoices: readonly DeviceChoice[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** Whether onnxruntime-node was installed with its CUDA provider (the opt-in download). */
export function cudaInstalled(): boolean {
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    const bin = join(dirname(main), '..', 'bin', `napi-v6`, 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
    return existsSync(bin);
  } catch {
    return false;
  }
}

/** Whether the Vulkan loader WebGPU (Dawn) needs on Linux is installed; without it Dawn only complains. */
export function vulkanInstalled(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':'), '/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  return dirs.some((d) => d && existsSync(join(d, 'libvulkan.so.1')));
}

/** Providers to try, best first. */
export function providerCandidates(device: DeviceChoice, hasCuda: boolean, hasVulkan = true): string[] {
  if (device === 'auto') return [...(hasCuda ? ['cuda'] : []), ...(hasVulkan ? ['webgpu'] : []), 'cpu'];
  return [device];
}
