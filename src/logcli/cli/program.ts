// The command line of `skald query`: logcli's commands, flags, short forms and
// positional arguments, read with commander in GNU style (`--limit=30`,
// `--limit 30`, `-o raw`, `-qt`). Values stay as text here; ./settings.ts
// applies environment variables and defaults and checks them. Commander's
// errors are reworded as logcli's flag parser words them.
import { Command, CommanderError, Option } from 'commander';
import { OUTPUT_TIMESTAMP_FORMATS } from '../format/time-layout.js';
import { OUTPUT_MODES } from '../output.js';
import { isBoolText, parseBoolFlag, UsageError } from './values.js';

export const COMMAND_NAMES = [
  'query',
  'instant-query',
  'labels',
  'series',
  'fmt',
  'stats',
  'volume',
  'volume_range',
  'detected-fields',
  'delete create',
  'delete list',
  'delete cancel',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export type OptionValue = string | boolean | string[] | undefined;

export interface CommandLine {
  command: CommandName;
  args: string[];
  /** The program's and the command's options as given, keyed by commander's attribute names. */
  options: Record<string, OptionValue>;
}

/** Help or version text: printed to stdout, exit status 0. */
export interface InfoRequest {
  output: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

interface FlagSpec {
  flags: string;
  description: string;
  repeatable?: boolean;
  choices?: readonly string[];
  hidden?: boolean;
}

function addFlags(cmd: Command, specs: readonly FlagSpec[]): Command {
  for (const s of specs) {
    const opt = new Option(s.flags, s.description);
    if (s.repeatable) opt.argParser(collect);
    if (s.choices) opt.description = `${s.description} [${s.choices.join(', ')}]`;
    if (s.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
  return cmd;
}

const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { flags: '-q, --quiet', description: 'Suppress query metadata' },
  { flags: '--log.level <level>', description: 'Log level', choices: ['error', 'warning', 'info', 'debug'] },
  { flags: '--stats', description: 'Show query statistics' },
  {
    flags: '-o, --output <mode>',
    description: 'Specify output mode. raw suppresses log labels and timestamp.',
    choices: OUTPUT_MODES,
  },
  {
    flags: '-z, --timezone <tz>',
    description: 'Specify the timezone to use when formatting output timestamps',
    choices: ['Local', 'UTC'],
  },
  {
    flags: '--output-timestamp-format <format>',
    description: 'Specify the format of timestamps in the default output mode',
    choices: OUTPUT_TIMESTAMP_FORMATS,
  },
  { flags: '--cpuprofile <file>', description: 'Not supported by skald query.', hidden: true },
  { flags: '--memprofile <file>', description: 'Not supported by skald query.', hidden: true },
  { flags: '--stdin', description: 'Not supported by skald query.', hidden: true },
  { flags: '--addr <url>', description: 'Server address (default http://localhost:3100; env LOKI_ADDR).' },
  { flags: '--username <user>', description: 'Username for HTTP basic auth (env LOKI_USERNAME).' },
  { flags: '--password <password>', description: 'Password for HTTP basic auth (env LOKI_PASSWORD).' },
  { flags: '--ca-cert <file>', description: 'Path to the server Certificate Authority (env LOKI_CA_CERT_PATH).' },
  { flags: '--tls-skip-verify', description: 'Server certificate TLS skip verify (env LOKI_TLS_SKIP_VERIFY).' },
  { flags: '--cert <file>', description: 'Path to the client certificate (env LOKI_CLIENT_CERT_PATH).' },
  { flags: '--key <file>', description: 'Path to the client certificate key (env LOKI_CLIENT_KEY_PATH).' },
  { flags: '--org-id <tenant>', description: 'adds X-Scope-OrgID to API requests (env LOKI_ORG_ID).' },
  { flags: '--query-tags <tags>', description: 'adds X-Query-Tags http header to API requests (env LOKI_QUERY_TAGS).' },
  { flags: '--nocache', description: 'adds Cache-Control: no-cache http header to API requests (env LOKI_NO_CACHE).' },
  { flags: '--bearer-token <token>', description: 'adds the Authorization header (env LOKI_BEARER_TOKEN).' },
  {
    flags: '--bearer-token-file <file>',
    description: 'adds the Authorization header from a file (env LOKI_BEARER_TOKEN_FILE).',
  },
  { flags: '--retries <n>', description: 'How many times to retry each query (env LOKI_CLIENT_RETRIES).' },
  {
    flags: '--min-backoff <seconds>',
    description: 'Minimum backoff time between retries (env LOKI_CLIENT_MIN_BACKOFF).',
  },
  {
    flags: '--max-backoff <seconds>',
    description: 'Maximum backoff time between retries (env LOKI_CLIENT_MAX_BACKOFF).',
  },
  {
    flags: '--auth-header <name>',
    description: 'The authorization header used (default Authorization; env LOKI_AUTH_HEADER).',
  },
  { flags: '--proxy-url <url>', description: 'The http or https proxy to use (env LOKI_HTTP_PROXY_URL).' },
  { flags: '--compress', description: 'Request that the server compress returned data (env LOKI_HTTP_COMPRESSION).' },
  { flags: '--envproxy', description: 'Use HTTP_PROXY, HTTPS_PROXY and NO_PROXY (env LOKI_ENV_PROXY).' },
  {
    flags: '--header <header>',
    description: "Add a custom HTTP header, 'Name: value' (repeatable).",
    repeatable: true,
  },
];

const RANGE_FLAGS: readonly FlagSpec[] = [
  { flags: '--since <duration>', description: 'Lookback window (default 1h).' },
  { flags: '--from <time>', description: 'Start looking at this absolute time (inclusive), RFC3339Nano' },
  { flags: '--to <time>', description: 'Stop looking at this absolute time (exclusive), RFC3339Nano' },
];

const PRINT_FLAGS: readonly FlagSpec[] = [
  { flags: '--forward', description: 'Scan forwards through logs.' },
  { flags: '--no-labels', description: 'Do not print any labels' },
  {
    flags: '--exclude-label <name>',
    description: 'Exclude labels given the provided key during output.',
    repeatable: true,
  },
  {
    flags: '--include-label <name>',
    description: 'Include labels given the provided key during output.',
    repeatable: true,
  },
  { flags: '--include-common-labels', description: 'Include common labels in output for each log line.' },
  { flags: '--labels-length <n>', description: 'Set a fixed padding to labels (default 0).' },
  { flags: '--store-config <file>', description: 'Not supported by skald query.', hidden: true },
  { flags: '--remote-schema', description: 'Not supported by skald query.', hidden: true },
  { flags: '--schema-store <store>', description: 'Not supported by skald query.', hidden: true },
  { flags: '--colored-output', description: 'Show output with colored labels' },
];

const QUERY_FLAGS: readonly FlagSpec[] = [
  { flags: '--limit <n>', description: 'Limit on number of entries to print; 0 fetches all (default 30).' },
  ...RANGE_FLAGS,
  { flags: '--step <duration>', description: 'Query resolution step width, for metric queries.' },
  { flags: '--interval <duration>', description: 'Query interval, for log queries.' },
  { flags: '--batch <n>', description: "Query batch size to use until 'limit' is reached (default 1000)." },
  { flags: '--parallel-duration <duration>', description: 'Split the range into jobs of this length (default 1h).' },
  { flags: '--parallel-max-workers <n>', description: 'Max number of workers for parallel jobs (default 1).' },
  { flags: '--part-path-prefix <prefix>', description: 'Save each job to a part file with this prefix.' },
  { flags: '--overwrite-completed-parts', description: 'Download completed parts again.' },
  { flags: '--merge-parts', description: 'Print the part files in order, deleting them.' },
  { flags: '--keep-parts', description: 'Keep the part files after --merge-parts.' },
  ...PRINT_FLAGS,
  { flags: '-t, --tail', description: 'Tail the logs' },
  { flags: '-f, --follow', description: 'Alias for --tail' },
  {
    flags: '--delay-for <seconds>',
    description: 'Delay in tailing by number of seconds to accumulate logs for re-ordering',
  },
];

const VOLUME_FLAGS: readonly FlagSpec[] = [
  ...RANGE_FLAGS,
  { flags: '--limit <n>', description: 'Limit on number of series to return volumes for (default 30).' },
  { flags: '--targetLabels <label>', description: 'List of labels to aggregate results into.', repeatable: true },
  { flags: '--aggregateByLabels', description: 'Whether to aggregate results by label name only.' },
];

/** Long names of the boolean flags, which kingpin also accepts as `--name=true|false`. */
const BOOL_FLAGS = new Set(
  [...GLOBAL_FLAGS, ...QUERY_FLAGS, ...VOLUME_FLAGS]
    .filter((s) => !s.flags.includes('<'))
    .map((s) => /--([\w.-]+)/.exec(s.flags)![1])
    .concat(['analyze-labels', 'force']),
);

/** `--flag=true` becomes `--flag`, `--flag=false` disappears; other tokens are kept. */
function expandBoolAssignments(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--([\w.-]+)=(.*)$/s.exec(token);
    if (m && BOOL_FLAGS.has(m[1]) && isBoolText(m[2])) {
      if (parseBoolFlag(m[2])) out.push(`--${m[1]}`);
      continue;
    }
    out.push(token);
  }
  return out;
}

function buildProgram(
  version: string,
  onCommand: (name: CommandName, cmd: Command, args: string[]) => void,
  writeOut: (s: string) => void,
): Command {
  const program = new Command('skald query')
    .description('A command-line for Loki and Skald, as logcli.')
    .version(version, '--version', 'Show application version.')
    .exitOverride()
    .configureOutput({ writeOut, writeErr: () => undefined })
    .showSuggestionAfterError(false);
  addFlags(program, GLOBAL_FLAGS);

  const leaf = (cmd: Command, name: CommandName) => {
    cmd.action((...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      onCommand(name, self, self.args.slice(0, self.registeredArguments.length));
    });
    return cmd;
  };

  leaf(addFlags(program.command('query').description('Run a LogQL query.').argument('<query>'), QUERY_FLAGS), 'query');
  leaf(
    addFlags(program.command('instant-query').description('Run an instant LogQL query.').argument('<query>'), [
      { flags: '--limit <n>', description: 'Limit on number of entries to print (default 30).' },
      { flags: '--now <time>', description: 'Time at which to execute the instant query.' },
      ...PRINT_FLAGS,
    ]),
    'instant-query',
  );
  leaf(
    addFlags(program.command('labels').description('Find values for a given label.').argument('[label]'), RANGE_FLAGS),
    'labels',
  );
  leaf(
    addFlags(program.command('series').description('Run series query.').argument('<matcher>'), [
      ...RANGE_FLAGS,
      {
        flags: '--analyze-labels',
        description: 'Printout a summary of labels including count of label value combinations',
      },
    ]),
    'series',
  );
  leaf(program.command('fmt').description('Formats a LogQL query.'), 'fmt');
  leaf(addFlags(program.command('stats').description('Run a stats query.').argument('<query>'), RANGE_FLAGS), 'stats');
  leaf(
    addFlags(program.command('volume').description('Run a volume query.').argument('<query>'), VOLUME_FLAGS),
    'volume',
  );
  leaf(
    addFlags(
      program.command('volume_range').description('Run a volume query and return timeseries data.').argument('<query>'),
      [...VOLUME_FLAGS, { flags: '--step <duration>', description: 'Query resolution step width (default 1h).' }],
    ),
    'volume_range',
  );
  leaf(
    addFlags(
      program
        .command('detected-fields')
        .description('Run a query for detected fields.')
        .argument('<query>')
        .argument('[field]'),
      [
        { flags: '--limit <n>', description: 'Limit on number of fields or values to return (default 100).' },
        {
          flags: '--line-limit <n>',
          description: 'Limit the number of lines each subquery is allowed to process (default 1000).',
        },
        ...RANGE_FLAGS,
        { flags: '--step <duration>', description: 'Query resolution step width (default 10s).' },
      ],
    ),
    'detected-fields',
  );
  const del = program.command('delete').description('Manage log deletion requests.');
  leaf(
    addFlags(del.command('create').description('Create a new log deletion request.').argument('<query>'), [
      ...RANGE_FLAGS,
      { flags: '--max-interval <duration>', description: 'Maximum time interval for delete request' },
    ]),
    'delete create',
  );
  leaf(del.command('list').description('List existing log deletion requests.'), 'delete list');
  leaf(
    addFlags(del.command('cancel').description('Cancel a log deletion request.'), [
      { flags: '--request-id <id>', description: 'ID of the delete request to cancel' },
      { flags: '--force', description: 'Force cancellation of partially completed request' },
    ]),
    'delete cancel',
  );
  return program;
}

/** Rewords commander's errors as kingpin's. */
function usageErrorOf(err: CommanderError, argv: readonly string[]): UsageError {
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'commander.missingArgument':
      return new UsageError(`required argument '${quoted}' not provided`);
    case 'commander.unknownOption':
      return new UsageError(
        quoted.startsWith('--') ? `unknown long flag '${quoted}'` : `unknown short flag '${quoted}'`,
      );
    case 'commander.optionMissingArgument':
      return new UsageError(`expected argument for flag '${/--[\w.-]+/.exec(err.message)?.[0] ?? quoted}'`);
    case 'commander.unknownCommand':
      return new UsageError(`expected command but got ${JSON.stringify(quoted)}`);
    case 'commander.excessArguments': {
      const extra = [...argv].reverse().find((a) => !a.startsWith('-')) ?? '';
      return new UsageError(`unexpected argument '${extra}'`);
    }
    default:
      return new UsageError(err.message.replace(/^error: /, ''));
  }
}

/** Reads argv (the words after `skald query`) into a command and its raw options. */
export function parseCommandLine(argv: readonly string[], version: string): CommandLine | InfoRequest {
  let info = '';
  let parsed: CommandLine | undefined;
  const program = buildProgram(
    version,
    (command, cmd, args) => {
      parsed = { command, args, options: cmd.optsWithGlobals() as Record<string, OptionValue> };
    },
    (s) => {
      info += s;
    },
  );
  const expanded = expandBoolAssignments(argv);
  try {
    program.parse(expanded, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0 && info !== '') return { output: info };
    // `skald query` or `skald query delete` alone: commander shows help; kingpin says this.
    if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync') {
      throw new UsageError(
        expanded.includes('delete') ? "must select a subcommand of 'delete'" : 'command not specified',
      );
    }
    throw usageErrorOf(err, expanded);
  }
  if (!parsed) {
    if (info !== '') return { output: info };
    throw new UsageError('command not specified');
  }
  if (parsed.command === 'delete cancel' && parsed.options.requestId === undefined) {
    throw new UsageError('required flag(s) --request-id not provided');
  }
  return parsed;
}
