#!/usr/bin/env bash
# Launch to barrier, -n 8 on this machine, side by side in one run (issue #8): `mpirun -n 8 node -e 0` (the floor:
# eight Node processes started and gone) against stylerun -n 8 (its "time to barrier": ranks started, joined,
# model loaded and warmed up) and stylerun under mpirun -n 8, on a 16-frame clip with the invert model.
# Then where a rank's start-up goes: Node's own start, importing the rank's modules (onnxruntime-node, grpc),
# and the model load plus warm-up the ranks report (load_ms), one process at a time on an idle machine.
# Usage: [REPEAT=3] bash scripts/bench/launch.sh   (project root, after the build; needs Open MPI's mpirun)
set -u
. scripts/bench/workload.sh
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $(mpirun --version | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
$ff -v error -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 16 -pix_fmt yuv420p $w/clip.mp4
invert_model $w/invert.onnx
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
t() { local t0=$(date +%s.%N); "$@" > $w/log 2>&1; local rc=$?; awk "BEGIN{printf \"rc=%d wall_s=%.2f\", $rc, $(date +%s.%N) - $t0}"; }
job=(--input $w/clip.mp4 --model $w/invert.onnx --device cpu --chunk-frames 2 --work-dir $w/jobs)
for i in $(seq "${REPEAT:-3}"); do
  echo "mpirun -n 8 node -e 0: $(t mpirun --oversubscribe -n 8 node -e 0)"
  echo "stylerun -n 8: $(t node dist/launcher/cli/cli.js -n 8 "${job[@]}" --output $w/a.mp4) $(grep -o 'time to barrier [0-9.]* s' $w/log)"
  echo "mpirun -n 8 stylerun: $(t mpirun --oversubscribe -n 8 node dist/launcher/cli/cli.js "${job[@]}" --output $w/b.mp4) $(grep -o 'time to barrier [0-9.]* s' $w/log)"
done
echo "# one process at a time:"
for i in 1 2 3; do
  echo "node -e 0: $(t node -e 0)"
  # every module rank/main.ts imports (main itself would start a rank)
  echo "node importing the rank's modules: $(t node -e "Promise.all(['stylizer', 'link', 'worker', 'chunk-upload', 'model-download', 'fault'].map((m) => import('./dist/rank/' + m + '.js')).concat(['log', 'tls', 'http-relay', 'coordinator-client', 'job-token', 'rank-bootstrap', 'identity', 'storage/open-store'].map((m) => import('./dist/common/' + m + '.js'))))")"
done
node dist/launcher/cli/cli.js -n 1 "${job[@]}" --output $w/c.mp4 > $w/log 2>&1
echo "model load + warm-up as a lone rank reports it: $(grep -o 'load_ms=[0-9]*' $w/log | head -1)"
