// onnxruntime 1.29's Linux build reports usage to Microsoft (its 1DS telemetry, on by default). Each process
// that creates a session then also writes /tmp/mat-debug-PID.log, and where that fails a ':memory:.ses' file
// in the working folder: a job of 8 ranks left 9 files in /tmp, and a rank run as another user left one in
// the user's folder. A batch tool on a cluster should neither send that nor leave those behind, so stylerun
// turns it off (ORT_DISABLE_TELEMETRY=1, read by onnxruntime when it creates its environment, at the first
// session) unless the user set the variable: ORT_DISABLE_TELEMETRY=0 keeps onnxruntime's default.

/** The variable onnxruntime 1.29 reads; `1` suppresses its telemetry entirely. */
export const ORT_TELEMETRY_VARIABLE = 'ORT_DISABLE_TELEMETRY';

/** Turns onnxruntime's telemetry off in `env` (this process's, inherited by its children) unless it is set. */
export function quietOnnxruntime(env: NodeJS.ProcessEnv = process.env): void {
  env[ORT_TELEMETRY_VARIABLE] ??= '1';
}
