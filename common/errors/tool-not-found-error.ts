// ffmpeg or ffprobe is nowhere to be found. No documented exit code fits better than 1, but it is the
// user's to fix, so it is told as such (no stack).
import { ExitCode } from '../exit-codes.js';
import { StylerunError } from './stylerun-error.js';

/** Neither the environment variable, $PATH nor the npm package gives the tool. */
export class ToolNotFoundError extends StylerunError {
  /** "ffmpeg" or "ffprobe". */
  readonly tool: string;
  /** The npm package that would ship it. */
  readonly npmPackage: string;

  constructor(tool: string, npmPackage: string) {
    super('TOOL_NOT_FOUND', ExitCode.internal, `${tool} not found: install it on PATH, or run npm ci so that ${npmPackage} is present`);
    this.name = 'ToolNotFoundError';
    this.tool = tool;
    this.npmPackage = npmPackage;
  }
}
