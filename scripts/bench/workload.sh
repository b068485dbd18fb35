# Shared by the benchmark and GPU check scripts (source it from the project root, after the build).
# reference_workload FFMPEG SOURCE OUT: the reference workload, 823 frames of 720x720 with AAC audio (SOURCE,
#   friday.mp4, looped and scaled), as issue #7 defines it.
# invert_model OUT: the test model that only inverts pixels (the data plane alone).
# The scripts read stylerun's log lines as text (their logs go to files, which would otherwise get JSON lines).
export STYLERUN_LOG_FORMAT=text
reference_workload() {
  "$1" -v error -y -stream_loop 4 -i "$2" -vf scale=720:720,setsar=1 -frames:v 823 -c:v libx264 -preset veryfast -crf 18 -c:a aac -shortest "$3"
}
invert_model() {
  node --input-type=module -e "import {invertModel} from './dist/scripts/onnx/test-models.js'; import {writeFileSync} from 'node:fs'; writeFileSync('$1', invertModel())"
}
