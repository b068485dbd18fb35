#!/usr/bin/env bash
# The reference workload on the GPU machine, side by side in one run (after `. .gpu/setup.sh`, from the
# project root, with dist/ carried): 823 frames of 720x720 with AAC audio (friday.mp4 looped and scaled).
#   stylerun matta (TransformerNet) WebGPU -n 1 and -n 4; the data plane alone (invert model) -n 4;
#   the PyTorch script (scripts/bench/pytorch_style.py, CUDA fp32, same weights); ffmpeg decode+encode alone.
set -u
. scripts/bench/workload.sh
out=${OUT:-/tmp/out}; mkdir -p "$out"; r="$out/reference.txt"; w=/tmp/ref; mkdir -p $w
{ nvidia-smi -L; nproc; date -u +%FT%TZ; } > "$r" 2>&1
reference_workload ffmpeg .gpudata/friday.mp4 $w/ref.mp4
[ -f dist/models/matta.onnx ] || node scripts/build-ml5-styles.mjs >> "$r" 2>&1
invert_model $w/invert.onnx
t() { local name=$1; shift; local t0=$(date +%s.%N); "$@" > "$out/$name.log" 2>&1; local rc=$?
  echo "$name rc=$rc wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")" >> "$r"; grep -E "frames [0-9]+, ranks|inference|gather|pytorch" "$out/$name.log" | head -4 >> "$r"; }
sr() { node dist/launcher/cli/cli.js "$@" --input $w/ref.mp4 --work-dir $w/jobs; }
t ffmpeg-alone bash -c "ffmpeg -v error -i $w/ref.mp4 -f rawvideo -pix_fmt rgb24 - | ffmpeg -v error -y -f rawvideo -pix_fmt rgb24 -s 720x720 -r 30 -i - -c:v libx264 -preset veryfast -crf 18 $w/alone.mp4"
t pytorch python3 scripts/bench/pytorch_style.py $w/ref.mp4 $w/pytorch.mp4
t stylerun-matta-webgpu-n4 sr -n 4 --device webgpu --model matta --output $w/s4.mp4
t stylerun-invert-n4 sr -n 4 --device webgpu --model $w/invert.onnx --output $w/i4.mp4
t stylerun-matta-webgpu-n1 sr -n 1 --device webgpu --model matta --output $w/s1.mp4
t pytorch-again python3 scripts/bench/pytorch_style.py $w/ref.mp4 $w/pytorch2.mp4
echo "psnr stylerun-matta vs pytorch: $(ffmpeg -hide_banner -i $w/s4.mp4 -i $w/pytorch.mp4 -lavfi "[0:v][1:v]psnr" -f null - 2>&1 | grep -o "PSNR.*")" >> "$r"
ffmpeg -v error -ss 10 -i $w/s4.mp4 -frames:v 1 "$out/stylerun-frame.png"; ffmpeg -v error -ss 10 -i $w/pytorch.mp4 -frames:v 1 "$out/pytorch-frame.png"
cat "$r"
