#!/usr/bin/env bash
# Launch to barrier of several stylerun builds side by side in one run (issue #8): each round runs the floor
# (`mpirun -n 8 node -e 0`), then every build at each rank count and under `mpirun -n 8`, on the 16-frame 320x240
# clip and the invert model of launch.sh. "Launch to barrier" counts from the command's start to the launcher's
# "barrier passed" line, whatever starts before the attempt (the launcher's checks, ranks started ahead).
# Usage: [REPEAT=4] [RANKS="1 2 8"] bash scripts/bench/launch-builds.sh NAME=DIR [NAME=DIR ...]
#   each DIR a checkout of stylerun after `npm ci && npm run build` (a clone can share this one's node_modules
#   through a symlink); e.g. before=/work/bench-before now=.   (project root; needs Open MPI's mpirun)
set -u
[ $# -gt 0 ] || { echo "usage: bash scripts/bench/launch-builds.sh NAME=DIR [NAME=DIR ...]" >&2; exit 2; }
. scripts/bench/workload.sh
export STYLERUN_LOG_FORMAT=json OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
$ff -v error -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 16 -pix_fmt yuv420p $w/clip.mp4
invert_model $w/invert.onnx
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $(mpirun --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
for b in "$@"; do echo "# ${b%%=*}: $(git -C "${b#*=}" log -1 --format='%h %s' | cut -c1-80)"; done
t() {
  local t0=$(date +%s.%N); "$@" > $w/log 2>&1; local rc=$? t1=$(date +%s.%N)
  local at=$(grep -m1 'barrier passed' $w/log | grep -o '"time":"[^"]*"' | cut -d'"' -f4)
  awk "BEGIN{printf \"rc=%d wall_s=%.2f\", $rc, $t1 - $t0}"
  [ -n "$at" ] && awk "BEGIN{printf \" launch_to_barrier_s=%.2f\", $(date -d "$at" +%s.%N) - $t0}"
  echo
}
job=(--input $w/clip.mp4 --model $w/invert.onnx --device cpu --chunk-frames 2 --work-dir $w/jobs --output $w/out.mp4)
for i in $(seq "${REPEAT:-4}"); do
  echo "floor mpirun -n 8 node -e 0: $(t mpirun --oversubscribe -n 8 node -e 0)"
  for n in ${RANKS:-1 2 8}; do
    for b in "$@"; do echo "${b%%=*} -n $n: $(t node "${b#*=}/bin/stylerun.js" -n $n "${job[@]}")"; rm -f $w/out.mp4; done
  done
  for b in "$@"; do echo "${b%%=*} mpirun -n 8 stylerun: $(t mpirun --oversubscribe -n 8 node "${b#*=}/bin/stylerun.js" "${job[@]}")"; rm -f $w/out.mp4; done
done
