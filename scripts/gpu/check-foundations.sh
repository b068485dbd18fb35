#!/usr/bin/env bash
# Issue 6 check on the device machine (after `. .gpu/setup.sh`): `--device auto` still finds the GPU
# (the NVIDIA node gates it), and a 5,000-frame source with random frame spacing keeps every timestamp.
set -u
. scripts/bench/workload.sh
out=${OUT:-/tmp/out}; mkdir -p "$out"; r="$out/results.txt"
{ nvidia-smi -L; ls /dev/nvidia* | tr '\n' ' '; echo; ffmpeg -version | head -1; } >> "$r" 2>&1
t0=$(date +%s.%N)
node dist/launcher/cli/cli.js -n 2 --device auto --input .gpudata/friday.mp4 --output /tmp/friday-auto.mp4 --work-dir /tmp/work > "$out/auto.log" 2>&1
echo "auto rc=$? wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")" >> "$r"
grep -E "ready pid|error|frames [0-9]+, ranks" "$out/auto.log" >> "$r"
invert_model /tmp/invert.onnx
ffmpeg -v error -y -f lavfi -i "color=c=black:size=104x16:rate=25,format=gray,settb=1/1000,setpts=if(eq(N\,0)\,0\,PREV_OUTPTS+20+floor(40*random(0)))" -vsync passthrough -enc_time_base 1/1000 -video_track_timescale 1000 -frames:v 5000 -c:v libx264 -bf 0 -pix_fmt yuv420p /tmp/irr.mp4
t0=$(date +%s.%N)
node dist/launcher/cli/cli.js -n 4 --device auto --model /tmp/invert.onnx --chunk-frames 100 --input /tmp/irr.mp4 --output /tmp/irr-out.mp4 --work-dir /tmp/work > "$out/irr.log" 2>&1
echo "irregular rc=$? wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")" >> "$r"
probe=$(dirname "$(readlink -f "$(command -v ffmpeg)")")/../../@ffprobe-installer/linux-x64/ffprobe
[ -x "$probe" ] || probe=ffprobe
for f in irr irr-out; do "$probe" -v error -select_streams v:0 -show_entries packet=pts -of csv=p=0 /tmp/$f.mp4 | sort -n > /tmp/$f.pts; done
echo "pts lines: $(wc -l < /tmp/irr.pts) in, $(wc -l < /tmp/irr-out.pts) out; identical: $(cmp -s /tmp/irr.pts /tmp/irr-out.pts && echo yes || echo no)" >> "$r"
cat "$r"
