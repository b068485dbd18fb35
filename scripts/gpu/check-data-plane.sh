#!/usr/bin/env bash
# Issue #7 on the GPU machine, side by side in one run: the reference workload (823 frames of 720x720 with
# AAC audio) through the PyTorch script and through stylerun on CUDA and WebGPU, H.264 chunks (the default)
# and FFV1 chunks, fp32 and fp16, matta (TransformerNet) and the invert model (the data plane alone).
# Needs the CUDA provider staged (../shared/gpu/cuda.md), then, from the project root with .gpu and dist carried:
#   . .gpu/setup.sh && export BASE_LD="${LD_LIBRARY_PATH:-}" && . /tmp/stage/cuda-setup.sh && bash scripts/gpu/check-data-plane.sh
# BASE_LD is the library path without the CUDA folders: one run uses it, to show that the launcher finds
# the CUDA and cuDNN libraries itself.
set -u
. scripts/bench/workload.sh
out=${OUT:-/tmp/out}; mkdir -p "$out"; r="$out/data-plane.txt"; w=/tmp/dp; mkdir -p $w
{ nvidia-smi -L; nproc; date -u +%FT%TZ; node -p "'onnxruntime-node ' + require('onnxruntime-node/package.json').version"; } > "$r" 2>&1
reference_workload ffmpeg .gpudata/friday.mp4 $w/ref.mp4
[ -f dist/models/matta.onnx ] || node scripts/build-ml5-styles.mjs >> "$r" 2>&1
invert_model $w/invert.onnx
t() { local name=$1; shift; local t0=$(date +%s.%N); "$@" > "$out/$name.log" 2>&1; local rc=$?
  echo "$name rc=$rc wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")" >> "$r"
  grep -E "frames [0-9]+, ranks|inference|gather|pytorch|ep=|chunks:" "$out/$name.log" | head -6 | sed 's/^/    /' >> "$r"; }
sr() { node dist/launcher/cli/cli.js "$@" --input $w/ref.mp4 --work-dir $w/jobs; }
t pytorch python3 scripts/bench/pytorch_style.py $w/ref.mp4 $w/pytorch.mp4
t matta-cuda-n4 sr -n 4 --device cuda --model matta --output $w/c4.mp4
t matta-cuda-n1 sr -n 1 --device cuda --model matta --output $w/c1.mp4
t matta-cuda-n4-fp16 sr -n 4 --device cuda --precision fp16 --model matta --output $w/c4h.mp4
t matta-webgpu-n4-fp16 sr -n 4 --device webgpu --precision fp16 --model matta --output $w/g4h.mp4
t invert-cuda-n4 sr -n 4 --device cuda --model $w/invert.onnx --output $w/i4.mp4
t invert-cuda-n4-ffv1 sr -n 4 --device cuda --model $w/invert.onnx --chunk-codec ffv1 --output $w/i4f.mp4
t matta-cuda-n4-ffv1 sr -n 4 --device cuda --model matta --chunk-codec ffv1 --output $w/c4f.mp4
t matta-webgpu-n4 sr -n 4 --device webgpu --model matta --output $w/g4.mp4
t matta-auto-n4-libs-found-by-launcher env LD_LIBRARY_PATH="${BASE_LD:-}" node dist/launcher/cli/cli.js -n 4 --device auto --model matta --input $w/ref.mp4 --output $w/a4.mp4 --work-dir $w/jobs
t pytorch-again python3 scripts/bench/pytorch_style.py $w/ref.mp4 $w/pytorch2.mp4
for f in c4 c4f g4 c4h g4h; do echo "psnr $f vs pytorch: $(ffmpeg -hide_banner -i $w/$f.mp4 -i $w/pytorch.mp4 -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o "average:[0-9.]*")" >> "$r"; done
# fp16 against fp32 on the same provider: the issue's bound is 40 dB
for p in c4h:c4 g4h:g4; do echo "psnr ${p%%:*} vs ${p##*:}: $(ffmpeg -hide_banner -i $w/${p%%:*}.mp4 -i $w/${p##*:}.mp4 -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o "average:[0-9.]*")" >> "$r"; done
cat "$r"
