#!/usr/bin/env bash
# Launch to barrier, -n 8 on this machine, side by side in one run (issue #8): `mpirun -n 8 node -e 0` (the floor:
# eight Node processes started and gone) against stylerun -n 8 (its "time to barrier": ranks started, joined,
# model loaded and warmed up) and stylerun under mpirun -n 8, on a 16-frame clip with the invert model.
# Then where a rank's start-up goes: Node's own start, loading what the rank imports (bundled through the code
# cache, as ranks start after a build, and as compiled modules),
# and the model load plus warm-up the ranks report (load_ms), one process at a time on an idle machine.
# Usage: [REPEAT=3] bash scripts/bench/launch.sh   (project root, after the build; needs Open MPI's mpirun)
set -u
. scripts/bench/workload.sh
export STYLERUN_LOG_FORMAT=json # lines with their time: launch to barrier is read from "barrier passed"
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $(mpirun --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
$ff -v error -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 16 -pix_fmt yuv420p $w/clip.mp4
invert_model $w/invert.onnx
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# rc and wall time of a command; for a job also "launch to barrier": from the command's start to the launcher's
# "barrier passed" line (the summary's "time to barrier" counts from the attempt's start, after the launcher's own)
t() {
  local t0=$(date +%s.%N); "$@" > $w/log 2>&1; local rc=$? t1=$(date +%s.%N)
  local at=$(grep -m1 'barrier passed' $w/log | grep -o '"time":"[^"]*"' | cut -d'"' -f4)
  awk "BEGIN{printf \"rc=%d wall_s=%.2f\", $rc, $t1 - $t0}"
  [ -n "$at" ] && awk "BEGIN{printf \" launch_to_barrier_s=%.2f\", $(date -d "$at" +%s.%N) - $t0}"
}
job=(--input $w/clip.mp4 --model $w/invert.onnx --device cpu --chunk-frames 2 --work-dir $w/jobs)
for i in $(seq "${REPEAT:-3}"); do
  echo "mpirun -n 8 node -e 0: $(t mpirun --oversubscribe -n 8 node -e 0)"
  echo "stylerun -n 8: $(t node bin/stylerun.js -n 8 "${job[@]}" --output $w/a.mp4) $(grep -o 'time to barrier [0-9.]* s' $w/log)"
  echo "mpirun -n 8 stylerun: $(t mpirun --oversubscribe -n 8 node bin/stylerun.js "${job[@]}" --output $w/b.mp4) $(grep -o 'time to barrier [0-9.]* s' $w/log)"
done
echo "# one process at a time:"
for i in 1 2 3; do
  echo "node -e 0: $(t node -e 0)"
  # a rank's start-up without a job: the process loads all it imports, then finds no rank identity and exits 2
  echo "rank start, bundled + code cache: $(t node dist/bundle/rank-main.cjs)"
  echo "rank start, compiled modules: $(t node dist/rank/main.js)"
done
node bin/stylerun.js -n 1 "${job[@]}" --output $w/c.mp4 > $w/log 2>&1
echo "model load + warm-up as a lone rank reports it: $(grep -o 'load_ms"*[:=][0-9]*' $w/log | head -1)"
