#!/usr/bin/env bash
# Colour through a job, several stylerun builds side by side (README, "How a job runs", step 5): a BT.709-tagged
# 320x180 source (testsrc2's saturated colours, HD's usual tags) through the invert model with H.264 and FFV1
# chunks. Each output is decoded to RGB as a player would (with the tags it carries) and compared with the
# source decoded the same way and inverted: PSNR in dB, and the output's tags. ffmpeg's own negate filter (which
# inverts Y'CbCr, converting nothing) through one x264 encode at stylerun's settings is the yardstick.
# Usage: bash scripts/bench/colour.sh NAME=DIR [NAME=DIR ...]   (each DIR a built checkout; e.g. before=/work/bench-before now=.)
set -u
[ $# -gt 0 ] || { echo "usage: bash scripts/bench/colour.sh NAME=DIR [NAME=DIR ...]" >&2; exit 2; }
. scripts/bench/workload.sh
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
fp=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffprobePath()))")
echo "# machine: $(nproc) cores; node $(node -v); $($ff -version | head -1 | cut -c1-40); $(date -u +%Y-%m-%dT%H:%MZ)"
invert_model $w/invert.onnx
$ff -v error -f lavfi -i testsrc2=s=320x180:r=25:d=2 -vf scale=out_color_matrix=bt709:out_range=tv,format=yuv420p \
  -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv -c:v libx264 -crf 6 $w/src.mp4
$ff -v error -i $w/src.mp4 -vf format=rgb24,negate -f rawvideo -pix_fmt rgb24 $w/truth.rgb  # 255 - v on the RGB a player sees
tags() { $fp -v error -select_streams v:0 -show_entries stream=color_space,color_primaries,color_transfer,color_range -of csv=p=0 "$1"; }
psnr() {
  $ff -v error -i "$1" -f rawvideo -pix_fmt rgb24 -y $w/out.rgb
  $ff -hide_banner -f rawvideo -pix_fmt rgb24 -s 320x180 -i $w/out.rgb -f rawvideo -pix_fmt rgb24 -s 320x180 -i $w/truth.rgb -lavfi psnr -f null - 2>&1 |
    grep -o 'average:[0-9.inf]*' | cut -d: -f2
}
printf '%-28s %-10s %s\n' 'run' 'PSNR dB' 'tags (space,primaries,transfer,range)'
printf '%-28s %-10s %s\n' source - "$(tags $w/src.mp4)"
$ff -v error -i $w/src.mp4 -vf negate -c:v libx264 -crf 18 -preset veryfast $w/negate.mp4
printf '%-28s %-10s %s\n' 'ffmpeg -vf negate' "$(psnr $w/negate.mp4)" "$(tags $w/negate.mp4)"
for b in "$@"; do
  for codec in h264 ffv1; do
    out=$w/${b%%=*}-$codec.mp4
    (cd "${b#*=}" && node dist/launcher/cli/cli.js -n 1 --device cpu --model $w/invert.onnx --input $w/src.mp4 --output $out --chunk-codec $codec --work-dir $w/jobs > $w/log 2>&1) || { echo "${b%%=*} $codec failed"; tail -2 $w/log; continue; }
    printf '%-28s %-10s %s\n' "${b%%=*} --chunk-codec $codec" "$(psnr $out)" "$(tags $out)"
  done
done
