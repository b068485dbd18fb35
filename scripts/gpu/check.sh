#!/usr/bin/env bash
# The GPU check, run on the device machine from the project root after `. .gpu/setup.sh`:
#   1. each bundled model (and a trained one) on WebGPU vs CPU at odd sizes: max difference, ms/frame;
#   2. whole jobs on friday.mp4 and flower.mp4: CPU vs WebGPU, 1, 2 and 4 ranks, same machine, same run.
# Media come from .gpudata/ (copies of ../shared/data/video, which does not travel). Results: $OUT.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"
nvidia-smi -L 2>&1 | tee "$out/gpu.txt"
node dist/scripts/gpu/provider-check.js webgpu models/painterly-starry.onnx models/painterly-wave.onnx .gpudata/mobile-style.onnx 2>&1 | grep -v '^\s*at \|Warning' | tee "$out/providers.jsonl"
run() { # name, args...
  local name=$1; shift
  local t0=$(date +%s.%N)
  node dist/launcher/cli/cli.js "$@" --work-dir /tmp/work > "$out/$name.txt" 2> "$out/$name.err"
  local rc=$? t1=$(date +%s.%N)
  echo "$name rc=$rc wall_s=$(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")" | tee -a "$out/jobs.txt"
  grep -E "ep=|frames .* ranks|inference|gather" "$out/$name.txt" "$out/$name.err" | head -8
}
for v in friday flower; do
  run "$v-cpu-n1" -n 1 --device cpu --input .gpudata/$v.mp4 --output /tmp/$v-cpu-n1.mp4
  for n in 1 2 4; do
    run "$v-webgpu-n$n" -n $n --device webgpu --input .gpudata/$v.mp4 --output /tmp/$v-webgpu-n$n.mp4
  done
done
run friday-webgpu-n2-b4 -n 2 --device webgpu --batch-size 4 --input .gpudata/friday.mp4 --output /tmp/friday-b4.mp4
# the styled output on WebGPU against the CPU's: PSNR of the whole video
ffmpeg -v error -i /tmp/friday-webgpu-n1.mp4 -i /tmp/friday-cpu-n1.mp4 -lavfi psnr -f null - 2>&1 | tail -1 | tee "$out/psnr.txt"
ffmpeg -v error -ss 3 -i /tmp/friday-webgpu-n2.mp4 -frames:v 1 "$out/friday-webgpu-frame.png"
