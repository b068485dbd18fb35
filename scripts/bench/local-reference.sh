#!/usr/bin/env bash
# This machine, side by side in one run: the reference workload (823 frames of 720x720 with AAC audio, built
# from friday.mp4) through the reference architecture's own ffmpeg steps (extract the audio, write JPEG frames,
# then x264 CRF 20 and mux: what its preprocessing and postprocessing steps do, with no styling at all)
# against stylerun -n 2 with a model that only inverts pixels (the data plane alone), with its default H.264
# chunks (ranks encode, the gather copies; frames cross the pipes as yuv420p), the same with frames as rgb24
# (STYLERUN_FRAME_FORMAT=rgb24, as before 2026-12-05) and with --chunk-codec ffv1 (lossless chunks, the gather encodes).
# Usage: [REPEAT=3] [JOBS="stylerun stylerun-rgb24 stylerun-ffv1"] bash scripts/bench/local-reference.sh
#   (project root, after npm ci && npm run build)
set -u
. scripts/bench/workload.sh
w=$(mktemp -d); ff=$(node -e "import('./dist/common/ffmpeg/binaries.js').then((m) => console.log(m.ffmpegPath()))")
echo "# machine: $(nproc) cores, $(uname -m); node $(node -v); $($ff -version | head -1 | cut -c1-40); $(date -u +%Y-%m-%dT%H:%MZ)"
reference_workload "$ff" ../shared/data/video/friday.mp4 $w/ref.mp4
invert_model $w/invert.onnx
reference() {
  rm -rf $w/frames; mkdir -p $w/frames
  $ff -v error -y -i $w/ref.mp4 -vn -c:a copy $w/audio.m4a &&
  $ff -v error -i $w/ref.mp4 -q:v 2 $w/frames/%06d.jpg &&
  $ff -v error -y -framerate 30 -i $w/frames/%06d.jpg -i $w/audio.m4a -c:v libx264 -crf 20 -pix_fmt yuv420p -c:a copy -shortest $w/reference.mp4
}
stylerun() { node dist/launcher/cli/cli.js -n 2 --device cpu --model $w/invert.onnx --input $w/ref.mp4 --output $w/stylerun.mp4 --work-dir $w/jobs "$@" > $w/s.log 2>&1; }
stylerun-ffv1() { stylerun --chunk-codec ffv1; }
stylerun-rgb24() { STYLERUN_FRAME_FORMAT=rgb24 stylerun; }
t() { local t0=$(date +%s.%N); "$@"; local rc=$?; echo "$1 rc=$rc wall_s=$(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}")"; }
for i in $(seq "${REPEAT:-3}"); do
  t reference
  for job in ${JOBS:-stylerun stylerun-rgb24 stylerun-ffv1}; do
    t $job; grep -E "inference|gather" $w/s.log | sed 's/^/    /'
  done
done
rm -rf "$w"
