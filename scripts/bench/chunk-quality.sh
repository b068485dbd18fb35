#!/usr/bin/env bash
# One lossy generation, encoded in parallel, against one encode of the whole video, side by side in one run:
# the reference workload (823 frames of 720x720) styled by MODEL (default: the invert test model) with
#   - --chunk-codec ffv1: lossless chunks; their frames are the styled frames every encode is measured against,
#   - a single-pass x264 encode of those frames with the output's settings (CRF 18, veryfast, yuv420p),
#   - stylerun's default H.264 chunks (ranks encode, the gather copies), for each chunk length in CHUNKS
#     (frames; "auto" = stylerun's default, about 2 s).
# Prints each encode's video bytes and PSNR (against the lossless frames) and the ratios to the single pass,
# and the wall time of both stylerun runs.
# Usage: [MODEL=path.onnx|name] [RANKS=2] [CHUNKS="auto 30 120"] bash scripts/bench/chunk-quality.sh
set -u
. scripts/bench/workload.sh
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $($ff -version | head -1 | cut -c1-40); $(date -u +%Y-%m-%dT%H:%MZ)"
reference_workload "$ff" ../shared/data/video/friday.mp4 $w/ref.mp4
model=${MODEL:-$w/invert.onnx}; [ -n "${MODEL:-}" ] || invert_model $w/invert.onnx
ranks=${RANKS:-2}
styl() { node dist/launcher/cli/cli.js -n $ranks --device cpu --model $model --input $w/ref.mp4 "$@" > $w/s.log 2>&1; }
t() { local t0=$(date +%s.%N); "$@"; local rc=$?; awk "BEGIN{printf \"rc=%d wall_s=%.2f\", $rc, $(date +%s.%N) - $t0}"; }
fp=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffprobePath()))")
video_bytes() { $fp -v error -select_streams v:0 -show_entries packet=size -of csv=p=0 "$1" 2>/dev/null | awk '{s+=$1} END{print s}'; }
psnr() { $ff -i "$1" -i $w/lossless.nut -lavfi '[0:v]settb=1/1000,setpts=N[a];[1:v]settb=1/1000,setpts=N[b];[a][b]psnr' -f null - 2>&1 | grep -o 'average:[0-9.inf]*' | cut -d: -f2; }

echo "ffv1 chunks (lossless reference): $(t styl --chunk-codec ffv1 --output $w/ffv1.mp4 --work-dir $w/jobs --keep-work)"
job=$(ls $w/jobs); $ff -v error -f concat -safe 0 -i $w/jobs/$job/chunks.ffconcat -c copy $w/lossless.nut
$ff -v error -y -i $w/lossless.nut -vsync passthrough -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p $w/single.mp4
sb=$(video_bytes $w/single.mp4); sp=$(psnr $w/single.mp4)
echo "single pass x264 crf 18 veryfast: video_bytes=$sb psnr_db=$sp"
for c in ${CHUNKS:-auto 30 120}; do
  flag=(); [ "$c" = auto ] || flag=(--chunk-frames $c)
  rm -f $w/h264.mp4; tm=$(t styl "${flag[@]}" --output $w/h264.mp4 --work-dir $w/jobs2)
  b=$(video_bytes $w/h264.mp4); p=$(psnr $w/h264.mp4)
  echo "h264 chunks ($c frames; $(grep -o 'H.264 crf[^;]*' $w/s.log | head -1)): $tm video_bytes=$b psnr_db=$p size_ratio=$(awk "BEGIN{printf \"%.3f\", $b/$sb}") psnr_delta_db=$(awk "BEGIN{printf \"%+.2f\", $p-$sp}")"
done
