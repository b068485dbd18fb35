#!/usr/bin/env bash
# The styling step's entry command on Azure ML (the MPI step of the reference architecture). Azure ML starts
# it once per process with Open MPI's variables (OMPI_COMM_WORLD_*) and AZ_BATCH_MASTER_NODE; stylerun then
# runs as one rank per process, rank 0 running the job (README "Under an engine").
# Usage: style-step.sh INPUT_VIDEO OUTPUT_FOLDER [stylerun options...]
#   INPUT_VIDEO   the mounted input (${{inputs.video}})
#   OUTPUT_FOLDER the mounted output folder (${{outputs.styled}}); the video is written there as styled.mp4
# The job folder (chunks, journal) goes under the output folder, so a rerun of the job (by Azure ML's retry,
# or by hand) resumes from the committed chunks instead of styling everything again.
set -euo pipefail
input=$1; out=$2; shift 2
mkdir -p "$out"
exec npx --no-install stylerun --input "$input" --output "$out/styled.mp4" --work-dir "$out/.stylerun-jobs" "$@"
