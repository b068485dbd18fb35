/** The launcher's documented exit codes (README "Exit codes"); one place so docs and code agree. */
export const ExitCode = {
  ok: 0,
  /** A bug: anything not foreseen below. */
  internal: 1,
  /** Bad command line or hostfile (flags, -n, unsupported hosts). */
  usage: 2,
  /** The input video cannot be used (missing, unreadable, not a video, no video stream, no frames, fewer frames than ranks). */
  badInput: 3,
  /** The model is not ONNX or does not fit the model contract. */
  badModel: 4,
  /** The output path, or job folders under --work-dir, cannot be written. */
  badOutput: 5,
  /** Not every rank joined and became ready within --barrier-timeout. */
  barrierTimeout: 6,
  /** Ranks kept failing: the job gave up after --max-restarts attempts. */
  gaveUp: 7,
  /** The file system under --work-dir is full; a rerun would fail the same way, so none is tried. */
  noSpace: 8,
  /** The job ran past --timeout; every rank was stopped, committed chunks are kept for --resume. */
  timedOut: 9,
  /** Interrupted by SIGINT/SIGTERM (128 + signal number, as shells report it). */
  interruptedSigint: 130,
  interruptedSigterm: 143,
  /** The terminal (or ssh session) the launcher ran in hung up: stopped as for SIGTERM. */
  interruptedSighup: 129,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
