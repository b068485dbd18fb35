/** A child process (ffmpeg, a rank) that did not end well; flat fields in the manner of execa. */
export class ProcessError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
  readonly durationMs: number;

  constructor(fields: { command: string; exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: string; durationMs: number }) {
    const how = fields.signal ? `was killed by ${fields.signal}` : `exited with code ${fields.exitCode}`;
    const tail = fields.stderrTail.trim().split('\n').slice(-1)[0] ?? '';
    super(`${fields.command} ${how}${tail ? `: ${tail}` : ''}`);
    this.name = 'ProcessError';
    this.command = fields.command;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.stderrTail = fields.stderrTail;
    this.durationMs = fields.durationMs;
  }
}
