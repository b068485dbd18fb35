#!/usr/bin/env bash
# The reference workload on this machine through several stylerun builds side by side in one run (issue #7): each
# round runs the reference architecture's own ffmpeg steps (as local-reference.sh does), then every build's -n 2
# job with the invert model, in the same order; at the end, whether the builds' outputs are byte-identical.
# Usage: [REPEAT=3] bash scripts/bench/local-builds.sh NAME=DIR [NAME=DIR ...]
#   each DIR a checkout of stylerun after `npm ci && npm run build` (a clone can share this one's node_modules
#   through a symlink); e.g. before=/work/bench-before now=.   (project root)
set -u
[ $# -gt 0 ] || { echo "usage: bash scripts/bench/local-builds.sh NAME=DIR [NAME=DIR ...]" >&2; exit 2; }
. scripts/bench/workload.sh
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $($ff -version | head -1 | cut -c1-40); $(date -u +%Y-%m-%dT%H:%MZ)"
reference_workload "$ff" ../shared/data/video/friday.mp4 $w/ref.mp4
invert_model $w/invert.onnx
reference() {
  rm -rf $w/frames; mkdir -p $w/frames
  $ff -v error -y -i $w/ref.mp4 -vn -c:a copy $w/audio.m4a &&
  $ff -v error -i $w/ref.mp4 -q:v 2 $w/frames/%06d.jpg &&
  $ff -v error -y -framerate 30 -i $w/frames/%06d.jpg -i $w/audio.m4a -c:v libx264 -crf 20 -pix_fmt yuv420p -c:a copy -shortest $w/reference.mp4
}
job() { (cd "$2" && node dist/launcher/cli/cli.js -n 2 --device cpu --model $w/invert.onnx --input $w/ref.mp4 --output $w/out-$1.mp4 --work-dir $w/jobs > $w/log 2>&1); }
t() { local t0=$(date +%s.%N); "$@"; local rc=$?; echo "${2:-$1} rc=$rc wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")"; }
for i in $(seq "${REPEAT:-3}"); do
  t reference
  for b in "$@"; do t job "${b%%=*}" "${b#*=}"; done
done
first=${1%%=*}
for b in "${@:2}"; do cmp -s $w/out-$first.mp4 $w/out-${b%%=*}.mp4 && echo "$first and ${b%%=*}: outputs identical" || echo "$first and ${b%%=*}: outputs differ"; done
