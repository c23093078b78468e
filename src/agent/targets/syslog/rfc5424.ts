// RFC 5424 syslog messages:
//
//   <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]
//
// with `-` for absent header fields. Severity and facility are reported with
// the keywords Promtail's labels use (go-syslog's SeverityLevel and
// FacilityLevel): "informational", "local0", ...
import type { Timestamp } from '../../pipeline/clock.js';

export class SyslogParseError extends Error {
  override name = 'SyslogParseError';
}

export const SEVERITY_LEVELS = [
  'emergency',
  'alert',
  'critical',
  'error',
  'warning',
  'notice',
  'informational',
  'debug',
];

export const FACILITY_KEYWORDS = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'cron2',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

export interface SyslogMessage {
  priority: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: Timestamp | undefined;
  hostname: string | undefined;
  appName: string | undefined;
  procId: string | undefined;
  msgId: string | undefined;
  /** SD-ID -> param name -> value. */
  structuredData: Map<string, Map<string, string>> | undefined;
  /** Absent when the message ends after the structured data. */
  message: string | undefined;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function parseTimestamp(text: string): Timestamp {
  const m = TIMESTAMP.exec(text);
  if (!m) throw new SyslogParseError(`expecting a RFC3339MICRO timestamp or a nil value [col ${0}]`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new SyslogParseError('expecting a RFC3339MICRO timestamp or a nil value');
  }
  let offset = 0;
  if (zone !== 'Z') {
    const sign = zone![0] === '-' ? -1 : 1;
    offset = sign * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  }
  const sec = daysFromCivil(Number(y), month, day) * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(s) - offset;
  return { sec, nanos: frac ? Number(frac.padEnd(9, '0')) : 0 };
}

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}

  get end(): boolean {
    return this.pos >= this.s.length;
  }

  fail(what: string): never {
    throw new SyslogParseError(`${what} [col ${this.pos}]`);
  }

  expect(ch: string, what: string): void {
    if (this.s[this.pos] !== ch) this.fail(what);
    this.pos++;
  }

  /** A header field: printable US-ASCII up to the next space, at most `max` characters. */
  field(max: number, what: string): string | undefined {
    const start = this.pos;
    while (!this.end && this.s[this.pos] !== ' ') {
      const c = this.s.charCodeAt(this.pos);
      if (c < 33 || c > 126) this.fail(`expecting a ${what} (from 1 to max ${max} US-ASCII characters) or a nil value`);
      this.pos++;
    }
    const text = this.s.slice(start, this.pos);
    if (text === '' || text.length > max)
      this.fail(`expecting a ${what} (from 1 to max ${max} US-ASCII characters) or a nil value`);
    return text === '-' ? undefined : text;
  }
}

function sdName(c: Cursor, what: string): string {
  const start = c.pos;
  while (!c.end) {
    const ch = c.s[c.pos]!;
    const code = ch.charCodeAt(0);
    if (ch === '=' || ch === ' ' || ch === ']' || ch === '"' || code < 33 || code > 126) break;
    c.pos++;
  }
  const name = c.s.slice(start, c.pos);
  if (name === '' || name.length > 32) c.fail(`expecting a structured data ${what}`);
  return name;
}

function structuredData(c: Cursor): Map<string, Map<string, string>> | undefined {
  if (c.s[c.pos] === '-') {
    c.pos++;
    return undefined;
  }
  if (c.s[c.pos] !== '[')
    c.fail(
      'expecting a structured data section containing one or more elements (`[id( key="value")*]+`) or a nil value',
    );
  const out = new Map<string, Map<string, string>>();
  while (c.s[c.pos] === '[') {
    c.pos++;
    const id = sdName(c, 'element id');
    const params = out.get(id) ?? new Map<string, string>();
    out.set(id, params);
    while (c.s[c.pos] === ' ') {
      c.pos++;
      const name = sdName(c, 'parameter name');
      c.expect('=', 'expecting a structured data parameter value');
      c.expect('"', 'expecting a structured data parameter value');
      let value = '';
      for (;;) {
        if (c.end) c.fail('expecting a structured data parameter value');
        const ch = c.s[c.pos]!;
        if (ch === '\\' && (c.s[c.pos + 1] === '"' || c.s[c.pos + 1] === '\\' || c.s[c.pos + 1] === ']')) {
          value += c.s[c.pos + 1];
          c.pos += 2;
        } else if (ch === '"') {
          c.pos++;
          break;
        } else {
          value += ch;
          c.pos++;
        }
      }
      params.set(name, value);
    }
    c.expect(']', 'expecting a structured data element end');
  }
  return out;
}

/** Parses one RFC 5424 message; throws SyslogParseError. */
export function parseRfc5424(text: string): SyslogMessage {
  const c = new Cursor(text);
  c.expect('<', 'expecting a priority value within angle brackets');
  const priStart = c.pos;
  while (!c.end && c.s[c.pos]! >= '0' && c.s[c.pos]! <= '9') c.pos++;
  const priText = text.slice(priStart, c.pos);
  const priority = Number(priText);
  if (priText === '' || priText.length > 3 || priority > 191 || (priText.length > 1 && priText[0] === '0')) {
    c.fail('expecting a priority value in the range 1-191 or equal to 0');
  }
  c.expect('>', 'expecting a priority value within angle brackets');
  const verStart = c.pos;
  while (!c.end && c.s[c.pos]! >= '0' && c.s[c.pos]! <= '9') c.pos++;
  const verText = text.slice(verStart, c.pos);
  if (verText === '' || verText.length > 3 || verText[0] === '0')
    c.fail('expecting a version value in the range 1-999');
  c.expect(' ', 'parsing error');
  const tsText = c.field(64, 'timestamp');
  const timestamp = tsText === undefined ? undefined : parseTimestamp(tsText);
  c.expect(' ', 'parsing error');
  const hostname = c.field(255, 'hostname');
  c.expect(' ', 'parsing error');
  const appName = c.field(48, 'app-name');
  c.expect(' ', 'parsing error');
  const procId = c.field(128, 'procid');
  c.expect(' ', 'parsing error');
  const msgId = c.field(32, 'msgid');
  c.expect(' ', 'parsing error');
  const sd = structuredData(c);
  let message: string | undefined;
  if (!c.end) {
    c.expect(' ', 'parsing error');
    message = text.slice(c.pos);
    if (message.startsWith('\ufeff')) message = message.slice(1);
  }
  return {
    priority,
    facility: Math.floor(priority / 8),
    severity: priority % 8,
    version: Number(verText),
    timestamp,
    hostname,
    appName,
    procId,
    msgId,
    structuredData: sd,
    message,
  };
}
