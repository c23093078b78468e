// loki-canary's command line: the same flags, defaults, usage text, checks and messages, parsed
// with the rules of Go's `flag` package (single-dash flags, `-name value` or `-name=value`).

import { FlagError, FlagSet, HelpRequested } from '../config/flags/flagset.js';
import { parseFlagValue, parseGoBool } from '../config/flags/values.js';
import { formatGoDuration, nsToMs, parseGoDurationNs } from '../config/values/duration.js';
import { versionText } from '../version.js';
import { type CanaryOptions, DEFAULT_CANARY_OPTIONS } from './options.js';

/** What the command line asks for: a run, or an immediate exit with text to print. */
export type CanaryCommandLine =
  | { readonly action: 'run'; readonly options: CanaryOptions }
  | { readonly action: 'exit'; readonly exitCode: number; readonly stdout: string; readonly stderr: string };

/** The name -help prints in its `Usage of ...:` line. */
export const CANARY_PROGRAM_NAME = 'skald canary';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Kind = 'string' | 'bool' | 'int' | 'duration';
type KeysOfType<V> = { [K in keyof CanaryOptions]: CanaryOptions[K] extends V ? K : never }[keyof CanaryOptions];

interface FlagSpec {
  readonly flag: string;
  readonly kind: Kind;
  readonly key: KeysOfType<string> | KeysOfType<number> | KeysOfType<boolean>;
  readonly usage: string;
}

// Usage strings are loki-canary's own, word for word, since operators compare -help output.
const FLAGS: readonly FlagSpec[] = [
  {
    flag: 'labelname',
    kind: 'string',
    key: 'labelName',
    usage: 'The label name for this instance of loki-canary to use in the log selector',
  },
  {
    flag: 'labelvalue',
    kind: 'string',
    key: 'labelValue',
    usage: 'The unique label value for this instance of loki-canary to use in the log selector',
  },
  {
    flag: 'streamname',
    kind: 'string',
    key: 'streamName',
    usage: 'The stream name for this instance of loki-canary to use in the log selector',
  },
  {
    flag: 'streamvalue',
    kind: 'string',
    key: 'streamValue',
    usage:
      'The unique stream value for this instance of loki-canary to use in the log selector (defaults to "stdout", or "push" when -push=true)',
  },
  { flag: 'port', kind: 'int', key: 'port', usage: 'Port which loki-canary should expose metrics' },
  { flag: 'addr', kind: 'string', key: 'addr', usage: 'The Loki server URL:Port, e.g. loki:3100' },
  { flag: 'push', kind: 'bool', key: 'push', usage: 'Push the logs directly to given Loki address' },
  { flag: 'tls', kind: 'bool', key: 'useTls', usage: 'Does the loki connection use TLS?' },
  {
    flag: 'cert-file',
    kind: 'string',
    key: 'certFile',
    usage: 'Client PEM encoded X.509 certificate for optional use with TLS connection to Loki',
  },
  {
    flag: 'key-file',
    kind: 'string',
    key: 'keyFile',
    usage: 'Client PEM encoded X.509 key for optional use with TLS connection to Loki',
  },
  {
    flag: 'ca-file',
    kind: 'string',
    key: 'caFile',
    usage: 'Client certificate authority for optional use with TLS connection to Loki',
  },
  { flag: 'insecure', kind: 'bool', key: 'insecureSkipVerify', usage: 'Allow insecure TLS connections' },
  { flag: 'user', kind: 'string', key: 'user', usage: 'Loki username.' },
  {
    flag: 'pass',
    kind: 'string',
    key: 'pass',
    usage: 'Loki password. This credential should have both read and write permissions to Loki endpoints',
  },
  { flag: 'tenant-id', kind: 'string', key: 'tenantId', usage: 'Tenant ID to be set in X-Scope-OrgID header.' },
  {
    flag: 'write-timeout',
    kind: 'duration',
    key: 'writeTimeoutMs',
    usage: 'How long to wait write response from Loki',
  },
  {
    flag: 'write-min-backoff',
    kind: 'duration',
    key: 'writeMinBackoffMs',
    usage: 'Initial backoff time before first retry ',
  },
  {
    flag: 'write-max-backoff',
    kind: 'duration',
    key: 'writeMaxBackoffMs',
    usage: 'Maximum backoff time between retries ',
  },
  {
    flag: 'write-max-retries',
    kind: 'int',
    key: 'writeMaxRetries',
    usage: 'Maximum number of retries when push a log entry ',
  },
  {
    flag: 'query-timeout',
    kind: 'duration',
    key: 'queryTimeoutMs',
    usage: 'How long to wait for a query response from Loki',
  },
  { flag: 'interval', kind: 'duration', key: 'intervalMs', usage: 'Duration between log entries' },
  {
    flag: 'out-of-order-percentage',
    kind: 'int',
    key: 'outOfOrderPercentage',
    usage: 'Percentage (0-100) of log entries that should be sent out of order.',
  },
  {
    flag: 'out-of-order-min',
    kind: 'duration',
    key: 'outOfOrderMinMs',
    usage: 'Minimum amount of time to go back for out of order entries (in seconds).',
  },
  {
    flag: 'out-of-order-max',
    kind: 'duration',
    key: 'outOfOrderMaxMs',
    usage: 'Maximum amount of time to go back for out of order entries (in seconds).',
  },
  { flag: 'size', kind: 'int', key: 'size', usage: 'Size in bytes of each log line' },
  {
    flag: 'wait',
    kind: 'duration',
    key: 'waitMs',
    usage: 'Duration to wait for log entries on websocket before querying loki for them',
  },
  {
    flag: 'max-wait',
    kind: 'duration',
    key: 'maxWaitMs',
    usage: 'Duration to keep querying Loki for missing websocket entries before reporting them missing',
  },
  {
    flag: 'pruneinterval',
    kind: 'duration',
    key: 'pruneIntervalMs',
    usage:
      'Frequency to check sent vs received logs, also the frequency which queries for missing logs will be dispatched to loki',
  },
  { flag: 'buckets', kind: 'int', key: 'buckets', usage: 'Number of buckets in the response_latency histogram' },
  {
    flag: 'query-append',
    kind: 'string',
    key: 'queryAppend',
    usage: "LogQL filters to be appended to the Canary query e.g. '| json | line_format `{{.log}}`'",
  },
  {
    flag: 'labels',
    kind: 'string',
    key: 'labels',
    usage:
      "Comma-separated string of labels for the query e.g. 'service=loki,app=canary'. The parsing logic for this argument is simple, label values must not contain a comma or special characters and should not be quoted. Overwrites labelname and streamname",
  },
  {
    flag: 'metric-test-interval',
    kind: 'duration',
    key: 'metricTestIntervalMs',
    usage: 'The interval the metric test query should be run',
  },
  {
    flag: 'metric-test-range',
    kind: 'duration',
    key: 'metricTestRangeMs',
    usage:
      'The range value [24h] used in the metric test instant-query. Note: this value is truncated to the running time of the canary until this value is reached',
  },
  {
    flag: 'cache-test-interval',
    kind: 'duration',
    key: 'cacheTestIntervalMs',
    usage: 'The interval the cache test query should be run',
  },
  {
    flag: 'cache-test-range',
    kind: 'duration',
    key: 'cacheTestRangeMs',
    usage: 'The range value [24h] used in the cache test instant-query.',
  },
  {
    flag: 'cache-test-now',
    kind: 'duration',
    key: 'cacheTestNowMs',
    usage:
      'duration how far back from current time the execution time (--now) should be set for running this query in the cache test instant-query.',
  },
  {
    flag: 'spot-check-interval',
    kind: 'duration',
    key: 'spotCheckIntervalMs',
    usage:
      'Interval that a single result will be kept from sent entries and spot-checked against Loki, e.g. 15min default one entry every 15 min will be saved and then queried again every 15min until spot-check-max is reached',
  },
  {
    flag: 'spot-check-max',
    kind: 'duration',
    key: 'spotCheckMaxMs',
    usage: 'How far back to check a spot check entry before dropping it',
  },
  {
    flag: 'spot-check-query-rate',
    kind: 'duration',
    key: 'spotCheckQueryRateMs',
    usage: 'Interval that the canary will query Loki for the current list of all spot check entries',
  },
  {
    flag: 'spot-check-initial-wait',
    kind: 'duration',
    key: 'spotCheckInitialWaitMs',
    usage: 'How long should the spot check query wait before starting to check for entries',
  },
  {
    flag: 'logs-batch-size',
    kind: 'int',
    key: 'logsBatchSize',
    usage:
      'Send logs to Loki in batches of a specified size.  Must be a non-negative value (0 or 1 will disable batching)',
  },
  {
    flag: 'logs-batch-size-max',
    kind: 'int',
    key: 'logsBatchSizeMax',
    usage:
      'Upper bound on -logs-batch-size.  Only increase this value if you have increased memory limits for the canary pods',
  },
  { flag: 'version', kind: 'bool', key: 'printVersion', usage: 'Print this builds version information' },
];

const TYPE_WORDS: Readonly<Record<Kind, string>> = { string: 'string', bool: '', int: 'int', duration: 'duration' };

/** Parses loki-canary's arguments (without the program name) and applies its start-up checks. */
export function parseCanaryCommandLine(args: readonly string[], env: NodeJS.ProcessEnv): CanaryCommandLine {
  const options: Mutable<CanaryOptions> = { ...DEFAULT_CANARY_OPTIONS };
  const flags = buildFlagSet(options);
  try {
    flags.parse(args);
  } catch (err) {
    // Go's flag.ExitOnError: -help prints usage and exits 0, a mistake prints it and exits 2.
    if (err instanceof HelpRequested) return exit(0, '', flags.usage());
    if (err instanceof FlagError) return exit(2, '', `${err.message}\n${flags.usage()}`);
    throw err;
  }

  if (options.streamValue === '') options.streamValue = options.push ? 'push' : 'stdout';
  if (options.printVersion) return exit(0, canaryVersionText(), '');
  if (options.addr === '') options.addr = env.LOKI_ADDRESS ?? '';

  const problem = startupProblem(options);
  if (problem !== undefined) return exit(1, '', problem);
  return { action: 'run', options };
}

/** The checks loki-canary makes before starting, in its order, with its messages. */
function startupProblem(o: CanaryOptions): string | undefined {
  if (o.addr === '') return 'Must specify a Loki address with -addr or set the environment variable LOKI_ADDRESS\n';
  if (o.outOfOrderPercentage < 0 || o.outOfOrderPercentage > 100) {
    return 'Out of order percentage must be between 0 and 100\n';
  }
  if (o.logsBatchSize < 0) {
    return "-logs-batch-size must not be negative.  A value of '0' or '1' will disable batching entirely\n";
  }
  if (o.logsBatchSizeMax <= 0) return '-logs-batch-size-max must not be <= 0\n';
  if (o.logsBatchSize > o.logsBatchSizeMax) return '-logs-batch-size must not be more than -logs-batch-size-max\n';
  if ((o.certFile !== '' || o.keyFile !== '' || o.caFile !== '') && !o.useTls) {
    return 'Must set --tls when specifying client certs\n';
  }
  // loki-canary panics on these (a Go ticker cannot have a non-positive period); say why instead.
  const periods: ReadonlyArray<readonly [string, number]> = [
    ['interval', o.intervalMs],
    ['pruneinterval', o.pruneIntervalMs],
    ['spot-check-query-rate', o.spotCheckQueryRateMs],
    ['metric-test-interval', o.metricTestIntervalMs],
    ['cache-test-interval', o.cacheTestIntervalMs],
  ];
  for (const [flag, ms] of periods) if (!(ms > 0)) return `-${flag} must be greater than 0\n`;
  if (o.buckets < 1) return '-buckets must be greater than 0\n';
  if (o.outOfOrderPercentage > 0 && o.outOfOrderMaxMs < o.outOfOrderMinMs) {
    return '-out-of-order-max must not be less than -out-of-order-min\n';
  }
  return undefined;
}

/** `-version` output: Skald's build information under the canary's name. */
export function canaryVersionText(): string {
  return versionText().replace(/^skald, version/, `${CANARY_PROGRAM_NAME}, version`);
}

function exit(exitCode: number, stdout: string, stderr: string): CanaryCommandLine {
  return { action: 'exit', exitCode, stdout, stderr };
}

function buildFlagSet(options: Mutable<CanaryOptions>): FlagSet {
  const flags = new FlagSet(CANARY_PROGRAM_NAME);
  const target = options as unknown as Record<string, string | number | boolean>;
  for (const spec of FLAGS) {
    const { name, usage } = unquoteUsage(spec.usage, TYPE_WORDS[spec.kind]);
    flags.define({
      name: spec.flag,
      usage,
      typeName: name,
      defValue: defaultText(spec),
      isBool: spec.kind === 'bool',
      set: (text) => {
        target[spec.key] = parseValue(spec.kind, text);
      },
    });
  }
  return flags;
}

function parseValue(kind: Kind, text: string): string | number | boolean {
  switch (kind) {
    case 'string':
      return text;
    case 'bool':
      return parseGoBool(text);
    case 'int':
      return parseFlagValue({ kind: 'int', go: 'int', default: 0 }, 0, text) as number;
    case 'duration':
      try {
        return nsToMs(parseGoDurationNs(text));
      } catch {
        throw new Error('parse error');
      }
  }
}

function defaultText(spec: FlagSpec): string {
  const value = DEFAULT_CANARY_OPTIONS[spec.key];
  return spec.kind === 'duration' ? formatGoDuration(value as number) : String(value);
}

/**
 * Go's flag.UnquoteUsage: a back-quoted word in the usage names the flag's argument in -help
 * output and loses its quotes; otherwise the argument is named after the flag's type.
 */
function unquoteUsage(usage: string, typeWord: string): { name: string; usage: string } {
  const start = usage.indexOf('`');
  if (start >= 0) {
    const end = usage.indexOf('`', start + 1);
    if (end > start) {
      const name = usage.slice(start + 1, end);
      return { name, usage: usage.slice(0, start) + name + usage.slice(end + 1) };
    }
  }
  return { name: typeWord, usage };
}
