// Structured logging in Loki's style: one line per event, logfmt by default
// (`level=info ts=2024-01-15T00:00:00.000Z component=ingester msg="..." k=v`),
// or JSON with -log.format=json.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

interface Sink {
  level: LogLevel;
  format: 'logfmt' | 'json';
  write: (line: string) => void;
}

const sink: Sink = { level: 'info', format: 'logfmt', write: (line) => process.stderr.write(line) };

/** Sets the process-wide level and format (from -log.level / -log.format). */
export function configureLogging(opts: {
  level?: LogLevel;
  format?: 'logfmt' | 'json';
  write?: (line: string) => void;
}): void {
  if (opts.level) sink.level = opts.level;
  if (opts.format) sink.format = opts.format;
  if (opts.write) sink.write = opts.write;
}

export function logLevel(): LogLevel {
  return sink.level;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

function logfmtValue(v: unknown): string {
  let s: string;
  if (v instanceof Error) s = v.message;
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'bigint') s = v.toString();
  else if (v === undefined) s = '';
  else if (typeof v === 'object' && v !== null) s = JSON.stringify(v);
  else s = String(v);
  return s === '' || /[\s"=\\]/.test(s) || /[^\x20-\x7e]/.test(s) ? JSON.stringify(s) : s;
}

function jsonValue(v: unknown): unknown {
  if (v instanceof Error) return v.message;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

class FieldLogger implements Logger {
  constructor(private readonly fields: LogFields) {}

  private log(level: LogLevel, msg: string, extra?: LogFields): void {
    if (RANK[level] < RANK[sink.level]) return;
    const ts = new Date().toISOString();
    const all = { ...this.fields, ...extra };
    if (sink.format === 'json') {
      const obj: Record<string, unknown> = { level, ts, msg };
      for (const [k, v] of Object.entries(all)) obj[k] = jsonValue(v);
      sink.write(`${JSON.stringify(obj)}\n`);
      return;
    }
    let line = `level=${level} ts=${ts}`;
    for (const [k, v] of Object.entries(this.fields)) line += ` ${k}=${logfmtValue(v)}`;
    line += ` msg=${logfmtValue(msg)}`;
    if (extra) for (const [k, v] of Object.entries(extra)) line += ` ${k}=${logfmtValue(v)}`;
    sink.write(`${line}\n`);
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }
  child(fields: LogFields): Logger {
    return new FieldLogger({ ...this.fields, ...fields });
  }
}

export const rootLogger: Logger = new FieldLogger({});

export function componentLogger(component: string): Logger {
  return rootLogger.child({ component });
}
