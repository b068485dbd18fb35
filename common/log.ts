// Structured logs through pino: one record per event on stderr, carrying who speaks (the launcher, rank 3) and
// the job's context (job id, attempt, rank, host) once known. Without a terminal (CI, a pipe, Azure ML) the
// records are JSON lines, one object each; on a terminal they read as text, `[rank 3] warn: message k=v`.
// STYLERUN_LOG_FORMAT=json|text chooses either way. A rank writes its records in the launcher's format,
// and the launcher passes them on whole (isLogLine).
import { createRequire } from 'node:module';
import type { Logger as Pino } from 'pino';
import { redactSecrets } from './redact-secrets.js';

// pino is loaded at a logger's first record, not at import: most ranks never log, and every rank's start-up
// counts towards the time to the barrier (about 40 ms of CPU each for pino's modules)
const require = createRequire(import.meta.url);
let pinoModule: typeof import('pino') | undefined;
const loadPino = () => (pinoModule ??= require('pino') as typeof import('pino'));

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** How records are written: JSON lines, or text for people. */
export type LogFormat = 'json' | 'text';

/** The variable that chooses the format (ranks get the launcher's). */
export const logFormatVariable = 'STYLERUN_LOG_FORMAT';

/** The fields every record of a job carries once known; in text they are implied by the tag, and left out. */
export interface LogContext {
  job?: string;
  attempt?: number;
  rank?: number;
  host?: string;
}
const contextKeys = new Set(['job', 'attempt', 'rank', 'host']);

/** Tagged logger; fields are kept as the record's own keys (text: appended as key=value). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger for a part of this one (`tag sub`), sharing its context. */
  child(tag: string): Logger;
  /** Adds to the context every record of this logger and its children carries from now on. */
  setContext(fields: LogContext): void;
}

/** JSON lines unless stderr is a terminal; the variable, where set, decides. */
export function logFormat(env: NodeJS.ProcessEnv = process.env, terminal = process.stderr.isTTY === true): LogFormat {
  const chosen = env[logFormatVariable];
  if (chosen === 'json' || chosen === 'text') return chosen;
  return terminal ? 'text' : 'json';
}

/** Whether a line a rank printed is one of its log records (passed on whole) rather than a native library's. */
export function isLogLine(line: string): boolean {
  return line.startsWith('[rank ') || line.startsWith('{"level":');
}

function threshold(): number {
  const level = (process.env.STYLERUN_LOG_LEVEL ?? 'info') as LogLevel;
  return order[level] ?? order.info;
}

/** A record as text: `[tag] level: msg k=v`, the context left out (the tag says it), info without its level. */
export function asText(json: string): string {
  const { level, time: _time, tag, msg, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const fields = Object.entries(rest)
    .filter(([k, v]) => v !== undefined && !contextKeys.has(k))
    .map(([k, v]) => ` ${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('');
  return `[${String(tag)}] ${level === 'info' ? '' : `${String(level)}: `}${String(msg)}${fields}\n`;
}

let stderrSink: ((line: string) => void) | undefined;

/** Writes a line meant for stderr: straight there, or through whatever draws on the terminal now (progress bars). */
export function writeStderr(line: string): void {
  if (stderrSink) stderrSink(line);
  else process.stderr.write(line);
}

/** Sends stderr lines (writeStderr) to `sink` while it draws on the terminal; undefined gives them back to stderr. */
export function routeStderr(sink: ((line: string) => void) | undefined): void {
  stderrSink = sink;
}

/** A logger writing records to stderr (or `write`) with the given tag. */
export function createLogger(tag: string, write: (line: string) => void = writeStderr): Logger {
  return make(tag, write, {});
}

function make(tag: string, write: (line: string) => void, context: LogContext): Logger {
  const format = logFormat();
  // no secret in any line, whatever a message was made from (common/redact-secrets.ts)
  const destination = { write: (record: string) => write(redactSecrets(format === 'json' ? record : asText(record))) };
  let logger: Pino | undefined;
  const made = (): Pino => {
    const { pino, stdTimeFunctions } = loadPino();
    return pino(
      {
        level: 'trace', // the level is checked at each record (below): --quiet and --verbose set it after the loggers exist
        base: { tag },
        timestamp: stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        // the context object is shared with children, so a job id learnt later reaches every one of them
        mixin: () => ({ ...context }),
      },
      destination,
    );
  };
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < threshold()) return;
    (logger ??= made())[level](fields ?? {}, msg);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (sub) => make(`${tag} ${sub}`, write, context),
    setContext: (fields) => void Object.assign(context, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))),
  };
}
