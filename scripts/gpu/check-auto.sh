#!/usr/bin/env bash
# Second GPU check (device machine, after `. .gpu/setup.sh`): a trained model on WebGPU at sizes its
# stride allows, `--device auto` choosing WebGPU, and a trained model through a whole job.
set -u
out=${OUT:-/tmp/out}; mkdir -p "$out"; r="$out/results.txt"
SIZES=64x48,640x480,1280x720 node dist/scripts/gpu/provider-check.js webgpu .gpudata/mobile-style.onnx >> "$r" 2>&1
for job in "auto -n 2 --device auto" "mobile -n 2 --device webgpu --model .gpudata/mobile-style.onnx"; do
  set -- $job; name=$1; shift
  t0=$(date +%s.%N)
  node dist/launcher/cli/cli.js "$@" --input .gpudata/friday.mp4 --output "/tmp/friday-$name.mp4" --work-dir /tmp/work >> "$r" 2>&1
  echo "job $name rc=$? wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")" >> "$r"
  ffmpeg -v error -ss 3 -i "/tmp/friday-$name.mp4" -frames:v 1 "$out/frame-$name.png"
done
cp /tmp/friday-auto.mp4 "$out/"
grep -v '^\[rank' "$r"
