// The device choice: which onnxruntime execution providers a rank tries, best first, for
// --device auto | cpu | webgpu | cuda, and what this machine has installed for them.
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { nvidiaGpuIndices } from './gpu-assignment.js';

/** The devices a user can ask for. */
export type DeviceChoice = 'auto' | 'cpu' | 'webgpu' | 'cuda';

/** Every value --device accepts. */
export const deviceChoices: readonly DeviceChoice[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** The arithmetic a model can run in: --precision. */
export type Precision = 'fp32' | 'fp16';

/** Every value --precision accepts. */
export const precisions: readonly Precision[] = ['fp32', 'fp16'];

/**
 * The precision a model runs in on `provider` when `wanted` was asked for. fp16 pays only where the provider
 * has fp16 kernels: CUDA and WebGPU do. onnxruntime's CPU provider on x86 has almost none, so it would wrap
 * every op in Casts back to fp32 and lose both speed and accuracy; there the model stays fp32, with the reason.
 */
export function precisionOn(wanted: Precision, provider: string): { precision: Precision; reason?: string } {
  if (wanted === 'fp32') return { precision: 'fp32' };
  if (provider === 'cuda' || provider === 'webgpu') return { precision: 'fp16' };
  return { precision: 'fp32', reason: `the ${provider} provider has no fp16 kernels, so the model runs in fp32` };
}

/**
 * Frames per inference call for a model that runs in `precision`. fp16 runs one frame a call: on an H200,
 * onnxruntime 1.29's CUDA provider gave wrong frames for matta in fp16 at 1280x720 in batches of 4 (22.6 dB
 * against fp32, where one frame a call is 56.8 dB and 720x720 in fours 57.7 dB), and one frame a call in fp16
 * was as fast as fours in fp32 there (6.5 against 7.0 ms a frame; BENCHMARKS.md).
 */
export function batchFor(precision: Precision, asked: number): { batch: number; reason?: string } {
  const batch = Math.max(1, asked);
  if (precision === 'fp16' && batch > 1) return { batch: 1, reason: 'fp16 runs one frame per inference call (in batches it gave wrong frames on CUDA)' };
  return { batch };
}

/** Where onnxruntime-node loads its CUDA provider from (whether or not it is there). */
export function cudaProviderPath(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(main), '..', 'bin', `napi-v6`, 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  } catch {
    return undefined;
  }
}

/** Whether onnxruntime-node was installed with its CUDA provider (the opt-in download). */
export function cudaInstalled(): boolean {
  const path = cudaProviderPath();
  return path !== undefined && existsSync(path);
}

/** Whether the Vulkan loader WebGPU (Dawn) needs on Linux is installed; without it Dawn only complains. */
export function vulkanInstalled(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':'), '/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  return dirs.some((d) => d && existsSync(join(d, 'libvulkan.so.1')));
}

/** What `auto` looks at: what is installed, and which GPU device nodes the kernel offers. */
export interface MachineFacts {
  /** onnxruntime-node's CUDA provider library is installed. */
  cuda: boolean;
  /** The Vulkan loader is installed. */
  vulkan: boolean;
  /** An NVIDIA device node (/dev/nvidia0, ...) exists. */
  nvidiaGpu: boolean;
  /** A DRM render node (/dev/dri/renderD*) of a hardware driver exists. */
  renderGpu: boolean;
}

/** Kernel drivers whose render nodes are not GPUs. */
const softwareDrmDrivers = new Set(['vgem', 'vkms']);

/** Which GPU device nodes this machine has (no GPU library is loaded, so nothing prints). */
export function gpuNodes(dev = '/dev', sys = '/sys/class/drm'): Pick<MachineFacts, 'nvidiaGpu' | 'renderGpu'> {
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const nvidiaGpu = nvidiaGpuIndices(dev).length > 0;
  const renderGpu = list(join(dev, 'dri')).some((n) => {
    if (!n.startsWith('renderD')) return false;
    try {
      return !softwareDrmDrivers.has(readlinkSync(join(sys, n, 'device', 'driver')).split('/').pop() ?? '');
    } catch {
      return true; // no sysfs to ask: trust the node
    }
  });
  return { nvidiaGpu, renderGpu };
}

/** The facts of this machine. */
export function machineFacts(): MachineFacts {
  return { cuda: cudaInstalled(), vulkan: vulkanInstalled(), ...gpuNodes() };
}

/**
 * Providers to try, best first. `auto` tries CUDA and WebGPU only where a GPU device node exists: a
 * machine without one offers WebGPU only a software Vulkan adapter (lavapipe/llvmpipe, a CPU in
 * disguise), and probing for it makes Dawn print errors. An explicit --device is tried as asked.
 */
export function providerCandidates(device: DeviceChoice, m: MachineFacts): string[] {
  if (device !== 'auto') return [device];
  const cuda = m.cuda && m.nvidiaGpu;
  const webgpu = m.vulkan && (m.nvidiaGpu || m.renderGpu);
  return [...(cuda ? ['cuda'] : []), ...(webgpu ? ['webgpu'] : []), 'cpu'];
}
