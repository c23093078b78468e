// Turns the command line into typed settings: each flag from the command line,
// else from its environment variable (logcli's LOKI_* names), else logcli's
// default; values checked with kingpin's rules and times read with Go's
// RFC3339Nano parser.
import type { ClientConfig } from '../client/client.js';
import type { TimestampLayout } from '../format/time-layout.js';
import { parseRFC3339NanoGo } from '../format/time-parse.js';
import { FatalError } from '../io.js';
import { OUTPUT_MODES, type OutputMode } from '../output.js';
import type { OptionValue } from './program.js';
import { parseBoolFlag, parseDurationFlag, parseEnumFlag, parseIntFlag, UsageError } from './values.js';

export const NS_PER_HOUR = 3_600_000_000_000n;

/** Reads one command's options, falling back to environment variables and defaults. */
export class OptionReader {
  constructor(
    private readonly options: Readonly<Record<string, OptionValue>>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private raw(key: string, envName?: string): string | undefined {
    const v = this.options[key];
    if (typeof v === 'string') return v;
    const fromEnv = envName ? this.env[envName] : undefined;
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  }

  str(key: string, envName?: string, fallback = ''): string {
    return this.raw(key, envName) ?? fallback;
  }

  bool(key: string, envName?: string): boolean {
    if (this.options[key] === true) return true;
    const fromEnv = envName ? this.env[envName] : undefined;
    return fromEnv === undefined || fromEnv === '' ? false : parseBoolFlag(fromEnv);
  }

  int(key: string, fallback: number, envName?: string): number {
    const v = this.raw(key, envName);
    return v === undefined ? fallback : parseIntFlag(v);
  }

  duration(key: string, fallback: bigint): bigint {
    const v = this.raw(key);
    return v === undefined ? fallback : parseDurationFlag(v);
  }

  list(key: string): string[] {
    const v = this.options[key];
    return Array.isArray(v) ? v : [];
  }

  enumeration<T extends string>(key: string, options: readonly T[], fallback: T): T {
    const v = this.raw(key);
    return v === undefined ? fallback : parseEnumFlag(v, options);
  }

  /** Whether a `--no-<key>` flag was given. */
  negated(key: string): boolean {
    return this.options[key] === false;
  }

  given(key: string): boolean {
    const v = this.options[key];
    return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
  }
}

export interface GlobalSettings {
  quiet: boolean;
  statistics: boolean;
  output: OutputMode;
  timezone: 'Local' | 'UTC';
  timestampFormat: TimestampLayout;
  client: ClientConfig;
}

/** Flags logcli has for reading Loki's storage directly or profiling itself; Skald queries a server. */
const UNSUPPORTED = [
  ['stdin', '--stdin'],
  ['storeConfig', '--store-config'],
  ['remoteSchema', '--remote-schema'],
  ['schemaStore', '--schema-store'],
  ['cpuprofile', '--cpuprofile'],
  ['memprofile', '--memprofile'],
] as const;

export function globalSettings(r: OptionReader): GlobalSettings {
  for (const [key, flag] of UNSUPPORTED) {
    if (r.given(key)) throw new UsageError(`${flag} is not supported by skald query; it queries a server (--addr)`);
  }
  r.enumeration('log.level', ['error', 'warning', 'info', 'debug'], 'error');
  return {
    quiet: r.bool('quiet'),
    statistics: r.bool('stats'),
    output: r.enumeration('output', OUTPUT_MODES, 'default'),
    timezone: r.enumeration('timezone', ['Local', 'UTC'] as const, 'Local'),
    timestampFormat: r.enumeration(
      'outputTimestampFormat',
      ['rfc3339', 'rfc3339nano', 'rfc822z', 'rfc1123z', 'stampmicro', 'stampmilli', 'stampnano', 'unixdate'] as const,
      'rfc3339',
    ),
    client: {
      address: r.str('addr', 'LOKI_ADDR', 'http://localhost:3100'),
      username: r.str('username', 'LOKI_USERNAME'),
      password: r.str('password', 'LOKI_PASSWORD'),
      orgId: r.str('orgId', 'LOKI_ORG_ID'),
      queryTags: r.str('queryTags', 'LOKI_QUERY_TAGS'),
      noCache: r.bool('nocache', 'LOKI_NO_CACHE'),
      bearerToken: r.str('bearerToken', 'LOKI_BEARER_TOKEN'),
      bearerTokenFile: r.str('bearerTokenFile', 'LOKI_BEARER_TOKEN_FILE'),
      retries: r.int('retries', 0, 'LOKI_CLIENT_RETRIES'),
      minBackoff: r.int('minBackoff', 0, 'LOKI_CLIENT_MIN_BACKOFF'),
      maxBackoff: r.int('maxBackoff', 0, 'LOKI_CLIENT_MAX_BACKOFF'),
      authHeader: r.str('authHeader', 'LOKI_AUTH_HEADER', 'Authorization'),
      proxyUrl: r.str('proxyUrl', 'LOKI_HTTP_PROXY_URL'),
      compress: r.bool('compress', 'LOKI_HTTP_COMPRESSION'),
      envProxy: r.bool('envproxy', 'LOKI_ENV_PROXY'),
      customHeaders: r.list('header'),
      tls: {
        caFile: r.str('caCert', 'LOKI_CA_CERT_PATH'),
        certFile: r.str('cert', 'LOKI_CLIENT_CERT_PATH'),
        keyFile: r.str('key', 'LOKI_CLIENT_KEY_PATH'),
        insecureSkipVerify: r.bool('tlsSkipVerify', 'LOKI_TLS_SKIP_VERIFY'),
      },
    },
  };
}

/** logcli's mustParse: an RFC3339Nano time, or the default when the flag is empty. */
export function timeFlag(text: string, fallback: bigint): bigint {
  if (text === '') return fallback;
  const r = parseRFC3339NanoGo(text);
  if (!r.ok) throw new FatalError(`Unable to parse time ${r.error}`);
  return r.ns;
}

/** `--since`, `--from` and `--to` as a range, the end defaulting to now. */
export function timeRange(
  r: OptionReader,
  nowNs: bigint,
  defaultSince = NS_PER_HOUR,
): { startNs: bigint; endNs: bigint } {
  const since = r.duration('since', defaultSince);
  return { startNs: timeFlag(r.str('from'), nowNs - since), endNs: timeFlag(r.str('to'), nowNs) };
}

/** The current time in nanoseconds, finer than Date.now() where the platform allows. */
export function currentTimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
