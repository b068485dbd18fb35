#!/usr/bin/env bash
# The data plane on the GPU machine (after `. .gpu/setup.sh`): the reference workload (823 frames of 720x720)
# through each frame path (in-graph uint8 conversion, side session, JavaScript loops), with the invert model
# (the data plane alone) and matta, -n 4 WebGPU. Same machine, same run.
set -u
. scripts/bench/workload.sh
out=${OUT:-/tmp/out}; mkdir -p "$out"; r="$out/paths.txt"; w=/tmp/ref; mkdir -p $w
reference_workload ffmpeg .gpudata/friday.mp4 $w/ref.mp4
[ -f dist/models/matta.onnx ] || node scripts/build-ml5-styles.mjs > /dev/null 2>&1
invert_model $w/invert.onnx
for model in $w/invert.onnx matta; do
  for path in in-graph side-session javascript; do
    name="$(basename $model .onnx)-$path"; t0=$(date +%s.%N)
    STYLERUN_FRAME_PATH=$path node dist/launcher/cli/cli.js -n 4 --device webgpu --model $model --input $w/ref.mp4 --output $w/$name.mp4 --work-dir $w/jobs > "$out/$name.log" 2>&1
    echo "$name rc=$? wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}") $(grep -o 'inference [0-9.]* s' "$out/$name.log") $(grep -o 'encode [0-9.]* s busy' "$out/$name.log") $(grep -o 'gather [0-9.]* s' "$out/$name.log")" >> "$r"
  done
done
cat "$r"
