// A small structured logger: one line per event on stderr, tagged with who speaks (launcher, rank 3).
// Hand-written because it is 40 lines and the ranks' lines must be re-tagged by the launcher anyway.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Tagged logger; fields are appended as key=value. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(tag: string): Logger;
}

function threshold(): number {
  const level = (process.env.STYLERUN_LOG_LEVEL ?? 'info') as LogLevel;
  return order[level] ?? order.info;
}

function format(fields?: Record<string, unknown>): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
    .join('');
}

/** A logger writing to stderr with the given tag. */
export function createLogger(tag: string, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  // read at each line, not once: --quiet and --verbose set the level after the loggers exist
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < threshold()) return;
    const prefix = level === 'info' ? '' : `${level}: `;
    write(`[${tag}] ${prefix}${msg}${format(fields)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (sub) => createLogger(`${tag} ${sub}`, write),
  };
}
