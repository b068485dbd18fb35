#!/usr/bin/env bash
# Local benchmarks behind BENCHMARKS.md, measured side by side in one run on one machine:
#   1. friday.mp4 with the built-in style at -n 1 and -n 2 (wall time, inference share);
#   2. the same job at -n 2 fault-free, then with rank 1 killed (SIGKILL) half-way through its range,
#      once with the default rerun (keep committed chunks) and once with --rerun whole.
# Each group runs REPEAT times (default 3), interleaved (A B C A B C ...) so that drift on a shared
# machine hits every variant alike; compare medians.
# Usage: [REPEAT=3] bash scripts/bench/local.sh [video] > results.txt   (project root, after npm ci && npm run build)
set -u
video=${1:-../shared/data/video/friday.mp4}
work=$(mktemp -d)
frames=$(node -e "import('./dist/common/ffmpeg/probe.js').then(async (m) => console.log((await m.probeVideo('$video')).pts.length))")
half=$(( (frames / 2) / 2 ))   # rank 1 holds half the frames; half of that is 50% progress
echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); node $(node -v); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# video: $video ($frames frames)"
job() { # name, env, args...
  local name=$1 fault=$2; shift 2
  local t0=$(date +%s.%N)
  STYLERUN_FAULT=$fault node dist/launcher/cli/cli.js "$@" --input "$video" --output "$work/$name.mp4" --work-dir "$work/jobs" > "$work/$name.out" 2> "$work/$name.err"
  local rc=$? wall=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")
  local inf=$(grep -o 'inference [0-9.]* s ([0-9]*% of wall)' "$work/$name.out")
  echo "$name rc=$rc wall_s=$wall $inf $(grep -c '^  attempt' "$work/$name.out") attempt(s)"
  grep '^  attempt' "$work/$name.out" | sed 's/^/    /'
}
for i in $(seq "${REPEAT:-3}"); do
  job n1 "" -n 1
  job n2 "" -n 2
done
for i in $(seq "${REPEAT:-3}"); do
  job n2-faultfree "" -n 2
  job n2-kill-resume "rank=1,attempt=1,after=$half,action=crash" -n 2
  job n2-kill-whole "rank=1,attempt=1,after=$half,action=crash" -n 2 --rerun whole
done
cp "$work/n2.mp4" "${BENCH_KEEP:-/tmp}/bench-n2-cpu.mp4" 2>/dev/null
rm -rf "$work"
