#!/usr/bin/env bash
# Issue #7 on the GPU machine in one call, most important figures first (each step bounded, results written
# to $OUT as they come, so a cut-off run still reports): where the CUDA libraries are, the bare CUDA session
# tuned lever by lever beside PyTorch (scripts/gpu/cuda-session.ts, pytorch-session.py), then the reference
# workload through PyTorch and stylerun (scripts/gpu/check-data-plane.sh). After staging the CUDA provider
# (../shared/gpu/cuda.md), from the project root with .gpu, dist and .gpudata carried:
#   . .gpu/setup.sh && export BASE_LD="${LD_LIBRARY_PATH:-}" && . /tmp/stage/cuda-setup.sh && bash scripts/gpu/check-cuda.sh
# What travels must stay under 64 MiB: .gpu (~54 MiB) + dist + .gpudata + the tracked tree (~8 MiB) is over it,
# so before the call: rm dist/models/matta.onnx (this script rebuilds it there) && find dist -name '*.map' -delete.
# Since the build bundles the launcher and the rank (dist/bundle/, 2.4 MB, plus their V8 caches once run), also
# rm -f dist/bundle/*.v8cache (each process writes its own on the device); 62.6 MiB travelled before the bundles,
# so check the total (du -cb) and, if still over, rm -rf dist/bundle: the compiled modules then run, with the same
# behaviour and ~0.1 s more start-up per process (BENCHMARKS.md, "Launch to barrier after bundling").
# The four staging calls and this one go back to back: an idle device is given back after 30 s, /tmp with it.
# 2026-11-28, H200: staging took ~20 s of device time after a ~40 s start; this script ~9 min in full, ~2 min with
# RUNS=10 SESSION_TIMEOUT=45 JOB_TIMEOUT=45 ONLY="pytorch matta-cuda-n4 matta-cuda-n4-fp16 matta-cuda-n1 matta-webgpu-n4".
# The model's own thread against none (STYLERUN_INFERENCE_THREAD, rank/inference-thread.ts), side by side:
# ONLY="pytorch matta-cuda-n4 matta-cuda-n4-no-thread invert-cuda-n4 invert-cuda-n4-no-thread".
# Frames through the pipes as yuv420p (the default since 2026-12-05) against rgb24, side by side:
# ONLY="pytorch matta-cuda-n4 matta-cuda-n4-rgb24 invert-cuda-n4 invert-cuda-n4-rgb24".
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
{ date -u +%FT%TZ; nvidia-smi -L; nvidia-smi --query-gpu=driver_version,memory.total --format=csv,noheader; nproc
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"; python3 -c 'import sys, torch; print(sys.prefix, torch.__version__, torch.version.cuda)'
  ls -la node_modules/onnxruntime-node/bin/napi-v6/linux/x64/; } > "$out/machine.txt" 2>&1
[ -f dist/models/matta.onnx ] || node scripts/build-ml5-styles.mjs >> "$out/machine.txt" 2>&1
timeout -k 5 ${SESSION_TIMEOUT:-150} node dist/scripts/gpu/cuda-session.js dist/models/matta.onnx cuda > "$out/session.jsonl" 2> "$out/session.err"
echo "cuda-session rc=$?" >> "$out/machine.txt"
timeout -k 5 90 python3 scripts/gpu/pytorch-session.py >> "$out/session.jsonl" 2>> "$out/session.err"
echo "pytorch-session rc=$?" >> "$out/machine.txt"
bash scripts/gpu/check-data-plane.sh
date -u +%FT%TZ >> "$out/machine.txt"
