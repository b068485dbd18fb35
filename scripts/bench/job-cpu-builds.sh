#!/usr/bin/env bash
# Wall and CPU (user + system, the launcher and everything it starts) of whole jobs, several stylerun builds side
# by side in one run, each build once a round: the reference workload of issue #7 (823 frames of 720x720 with
# AAC audio, invert model, -n 2, H.264 chunks) and the 16-frame 320x240 clip of launch.sh at -n 8 in 2-frame
# chunks (start-up and per-chunk costs). Not a test: numbers for BENCHMARKS.md.
# Usage: [REPEAT=3] [JOBS="reference small"] bash scripts/bench/job-cpu-builds.sh NAME=DIR [NAME=DIR ...]
#   each DIR a checkout of stylerun after `npm ci && npm run build`; e.g. before=/work/bench-before now=.
set -u
[ $# -gt 0 ] || { echo "usage: bash scripts/bench/job-cpu-builds.sh NAME=DIR [NAME=DIR ...]" >&2; exit 2; }
. scripts/bench/workload.sh
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
$ff -v error -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 16 -pix_fmt yuv420p $w/clip.mp4
reference_workload "$ff" ../shared/data/video/friday.mp4 $w/ref.mp4
invert_model $w/invert.onnx
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $($ff -version | head -1 | cut -c1-40); $(date -u +%Y-%m-%dT%H:%MZ)"
for b in "$@"; do echo "# ${b%%=*}: $(git -C "${b#*=}" log -1 --format='%h %s' | cut -c1-80)"; done
t() { /usr/bin/time -f "rc=%x wall_s=%e cpu_s=%U+%S" "$@" 2>&1 > /dev/null | tail -1; }
common=(--model $w/invert.onnx --device cpu --work-dir $w/jobs --output $w/out.mp4)
for i in $(seq "${REPEAT:-3}"); do
  for job in ${JOBS:-reference small}; do
    for b in "$@"; do
      case $job in
        reference) args=(-n 2 --input $w/ref.mp4) ;;
        small) args=(-n 8 --input $w/clip.mp4 --chunk-frames 2) ;;
      esac
      echo "${b%%=*} $job: $(t node "${b#*=}/bin/stylerun.js" "${args[@]}" "${common[@]}")"; rm -f $w/out.mp4
    done
  done
done
