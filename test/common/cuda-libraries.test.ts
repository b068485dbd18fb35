import { fileURLToPath } from 'node:url';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cudaProviderSonames, cudaSearchFolders, cudaSonames, cudaSonamesFromNeeded, findCudaLibraries } from '../../common/cuda-libraries.js';
import { elfNeeded } from '../../common/elf-needed.js';

/** A machine's file tree under a temporary root: each path gets an empty file. */
function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'stylerun-cuda-'));
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
  return root;
}

describe('finding the CUDA libraries', () => {
  it('searches STYLERUN_CUDA_LIBS first, then LD_LIBRARY_PATH, CUDA_HOME, /usr/local/cuda*, the system folders and Python’s NVIDIA wheels', () => {
    const root = tree([
      'usr/local/cuda-13.0/lib64/libcudart.so.13',
      'usr/local/cuda-12.4/lib64/libcudart.so.12',
      'usr/local/lib/python3.11/dist-packages/nvidia/cudnn/lib/libcudnn.so.9',
      'usr/lib/x86_64-linux-gnu/libc.so.6',
    ]);
    const folders = cudaSearchFolders({ STYLERUN_CUDA_LIBS: '/mine:/also', LD_LIBRARY_PATH: '/ld::/also', CUDA_HOME: '/cuda' }, root);
    expect(folders.slice(0, 5)).toEqual(['/mine', '/also', '/ld', '/cuda/lib64', '/cuda/lib']);
    expect(folders).toContain(join(root, 'usr/local/cuda-13.0/lib64'));
    expect(folders.indexOf(join(root, 'usr/local/cuda-13.0/lib64'))).toBeLessThan(folders.indexOf(join(root, 'usr/local/cuda-12.4/lib64')));
    expect(folders).toContain(join(root, 'usr/lib/x86_64-linux-gnu'));
    expect(folders.at(-1)).toBe(join(root, 'usr/local/lib/python3.11/dist-packages/nvidia/cudnn/lib'));
  });

  it('finds the NVIDIA wheels of the active virtual environment, of conda and of environments in /opt', () => {
    const root = tree([
      'venv/lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.13',
      'opt/pytorch/lib/python3.10/site-packages/nvidia/cudnn/lib/libcudnn.so.9',
      'opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcudart.so.13',
    ]);
    const folders = cudaSearchFolders({ VIRTUAL_ENV: join(root, 'venv') }, root);
    expect(folders).toContain(join(root, 'venv/lib/python3.12/site-packages/nvidia/cublas/lib'));
    expect(folders).toContain(join(root, 'opt/pytorch/lib/python3.10/site-packages/nvidia/cudnn/lib'));
    expect(folders).toContain(join(root, 'opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib'));
  });

  it('finds each library by soname or a versioned file, in the first folder that has it, and names the missing ones', () => {
    const root = tree([
      'a/libcudart.so.13.0.96',
      'a/libcublas.so.13',
      'b/libcublas.so.13', // a later copy is not needed
      'b/libcublasLt.so.13.1.0.3',
      'c/libcudnn.so.9',
      'c/libcudnn.so.8', // another major version does not count
    ]);
    const found = findCudaLibraries([join(root, 'missing'), join(root, 'a'), join(root, 'b'), join(root, 'c')]);
    expect(found.folders).toEqual([join(root, 'a'), join(root, 'b'), join(root, 'c')]);
    expect(found.missing).toEqual(['libcurand.so.10', 'libcufft.so.12']);
    expect(cudaSonames).toContain('libcudnn.so.9');
  });

  it('looks for what the installed provider build links (CUDA 12 or 13), plus cuDNN 9, and not the driver', () => {
    // DT_NEEDED of onnxruntime 1.29.0's official CUDA 13 provider (libonnxruntime_providers_cuda.so), as read by elfNeeded
    const cuda13 = ['libcublasLt.so.13', 'libcublas.so.13', 'libcurand.so.10', 'libcudart.so.13', 'libcuda.so.1', 'libdl.so.2', 'libstdc++.so.6', 'libc.so.6'];
    expect(cudaSonamesFromNeeded(cuda13)).toEqual(['libcublasLt.so.13', 'libcublas.so.13', 'libcurand.so.10', 'libcudart.so.13', 'libcudnn.so.9']);
    const cuda12 = ['libcublasLt.so.12', 'libcublas.so.12', 'libcurand.so.10', 'libcudart.so.12', 'libcuda.so.1', 'libc.so.6'];
    expect(cudaSonamesFromNeeded(cuda12)).toEqual(['libcublasLt.so.12', 'libcublas.so.12', 'libcurand.so.10', 'libcudart.so.12', 'libcudnn.so.9']);
    expect(cudaProviderSonames(undefined)).toEqual(cudaSonames);
    expect(cudaProviderSonames('/no/such/provider.so')).toEqual(cudaSonames);
  });
});

describe('reading the libraries an ELF file links', () => {
  const binding = fileURLToPath(new URL('../../node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node', import.meta.url));

  it('gives the DT_NEEDED names of a real shared object in order, as readelf -d does', () => {
    const needed = elfNeeded(binding)!;
    expect(needed[0]).toBe('libonnxruntime.so.1');
    expect(needed).toContain('libc.so.6');
    expect(elfNeeded(process.execPath)).toContain('libc.so.6');
  });

  it('gives undefined for a file that is not ELF, or is not there', () => {
    expect(elfNeeded(fileURLToPath(new URL('../../package.json', import.meta.url)))).toBeUndefined();
    expect(elfNeeded('/no/such/file')).toBeUndefined();
  });
});
