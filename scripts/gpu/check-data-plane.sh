#!/usr/bin/env bash
# Issue #7 on the GPU machine, side by side in one run: the reference workload (823 frames of 720x720 with
# AAC audio) through the PyTorch script and through stylerun on CUDA and WebGPU, H.264 chunks (the default)
# and FFV1 chunks, fp32 and fp16, matta (TransformerNet) and the invert model (the data plane alone). Most
# important first; each job is bounded (JOB_TIMEOUT s) and its line written as it ends.
# Needs the CUDA provider staged (../shared/gpu/cuda.md), then, from the project root with .gpu and dist carried:
#   . .gpu/setup.sh && export BASE_LD="${LD_LIBRARY_PATH:-}" && . /tmp/stage/cuda-setup.sh && bash scripts/gpu/check-data-plane.sh
# BASE_LD is the library path without the CUDA folders: one run uses it, to show that the launcher finds
# the CUDA and cuDNN libraries itself.
set -u
. scripts/bench/workload.sh
# At most 8 files come back from the device: the jobs' logs travel as one archive, a failed job's tail in $r.
out=${OUT:-/tmp/out}; mkdir -p "$out"; r="$out/data-plane.txt"; w=/tmp/dp; logs=$w/logs; mkdir -p $logs
{ nvidia-smi -L; nproc; date -u +%FT%TZ; node -p "'onnxruntime-node ' + require('onnxruntime-node/package.json').version"; } >> "$r" 2>&1
reference_workload ffmpeg .gpudata/friday.mp4 $w/ref.mp4
[ -f dist/models/matta.onnx ] || node scripts/build-ml5-styles.mjs >> "$r" 2>&1
invert_model $w/invert.onnx
limit=${JOB_TIMEOUT:-100}
# ONLY="name name..." runs just those jobs, in this file's order (a second, shorter device call).
t() { local name=$1; shift; [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]] && return; local t0=$(date +%s.%N); timeout -k 5 "$limit" "$@" > "$logs/$name.log" 2>&1; local rc=$?
  echo "$name rc=$rc wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")" >> "$r"
  grep -E "frames [0-9]+, ranks|inference|gather|pytorch|ep=|chunks:|error" "$logs/$name.log" | head -6 | sed 's/^/    /' >> "$r"
  [ $rc = 0 ] || tail -n 12 "$logs/$name.log" | cut -c1-400 | sed 's/^/    | /' >> "$r"
  tar -C $w -czf "$out/logs.tgz" logs; }
sr=(node dist/launcher/cli/cli.js --input $w/ref.mp4 --work-dir $w/jobs)
t pytorch python3 scripts/bench/pytorch_style.py $w/ref.mp4 $w/pytorch.mp4
t matta-cuda-n4 "${sr[@]}" -n 4 --device cuda --model matta --output $w/c4.mp4
# the model on the rank's JavaScript thread (as before 2026-11-28), against its own thread (the default on a GPU)
t matta-cuda-n4-no-thread env STYLERUN_INFERENCE_THREAD=0 "${sr[@]}" -n 4 --device cuda --model matta --output $w/c4n.mp4
t invert-cuda-n4 "${sr[@]}" -n 4 --device cuda --model $w/invert.onnx --output $w/i4.mp4
# frames through the pipes as rgb24 (as before 2026-12-05) against yuv420p (the default for 4:2:0 H.264 chunks)
t matta-cuda-n4-rgb24 env STYLERUN_FRAME_FORMAT=rgb24 "${sr[@]}" -n 4 --device cuda --model matta --output $w/c4r.mp4
t invert-cuda-n4-rgb24 env STYLERUN_FRAME_FORMAT=rgb24 "${sr[@]}" -n 4 --device cuda --model $w/invert.onnx --output $w/i4r.mp4
t invert-cuda-n4-no-thread env STYLERUN_INFERENCE_THREAD=0 "${sr[@]}" -n 4 --device cuda --model $w/invert.onnx --output $w/i4n.mp4
t matta-cuda-n4-fp16 "${sr[@]}" -n 4 --device cuda --precision fp16 --model matta --output $w/c4h.mp4
t matta-cuda-n2 "${sr[@]}" -n 2 --device cuda --model matta --output $w/c2.mp4
t matta-cuda-n1 "${sr[@]}" -n 1 --device cuda --model matta --output $w/c1.mp4
t matta-auto-n4-libs-found-by-launcher env LD_LIBRARY_PATH="${BASE_LD:-}" "${sr[@]}" -n 4 --device auto --model matta --output $w/a4.mp4
t invert-cuda-n4-ffv1 "${sr[@]}" -n 4 --device cuda --model $w/invert.onnx --chunk-codec ffv1 --output $w/i4f.mp4
t matta-cuda-n4-ffv1 "${sr[@]}" -n 4 --device cuda --model matta --chunk-codec ffv1 --output $w/c4f.mp4
t matta-webgpu-n4 "${sr[@]}" -n 4 --device webgpu --model matta --output $w/g4.mp4
t matta-webgpu-n4-no-thread env STYLERUN_INFERENCE_THREAD=0 "${sr[@]}" -n 4 --device webgpu --model matta --output $w/g4n.mp4
t matta-webgpu-n4-fp16 "${sr[@]}" -n 4 --device webgpu --precision fp16 --model matta --output $w/g4h.mp4
t pytorch-again python3 scripts/bench/pytorch_style.py $w/ref.mp4 $w/pytorch2.mp4
psnr() { ffmpeg -hide_banner -i "$1" -i "$2" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o "average:[0-9.a-z]*"; }
for f in c4 c4f c1 g4 c4h g4h a4; do [ -f $w/$f.mp4 ] && echo "psnr $f vs pytorch: $(psnr $w/$f.mp4 $w/pytorch.mp4) bytes $(stat -c %s $w/$f.mp4) (pytorch $(stat -c %s $w/pytorch.mp4))" >> "$r"; done
# fp16 against fp32 on the same provider (the issue's bound is 40 dB); H.264 chunks against FFV1 chunks
for p in c4h:c4 g4h:g4 c4:c4f c4:c4n c4:c4r; do [ -f $w/${p%%:*}.mp4 ] && [ -f $w/${p##*:}.mp4 ] && echo "psnr ${p%%:*} vs ${p##*:}: $(psnr $w/${p%%:*}.mp4 $w/${p##*:}.mp4)" >> "$r"; done
ffmpeg -v error -ss 10 -i $w/c4.mp4 -frames:v 1 "$out/cuda-frame.png"; ffmpeg -v error -ss 10 -i $w/pytorch.mp4 -frames:v 1 "$out/pytorch-frame.png"
cat "$r"
