// The agent's command line: Promtail's own flags (-config.file,
// -config.expand-env, -dry-run, -print-config-stderr, -check-syntax, ...)
// and one flag per config key Promtail exposes as a flag
// (-server.http-listen-port, -log.level, -client.url, -positions.file, ...),
// parsed with Go's flag rules (-x=1, -x 1, --x=1). Config flags are checked
// now and applied after the file is read, so that they win over it.
import { type FlagDefinition, FlagError, FlagSet, HelpRequested } from '../config/flags/flagset.js';
import { flagTypeName, formatFlagDefault, parseFlagValue, parseGoBool } from '../config/flags/values.js';
import type { ScalarSpec } from '../config/schema/dsl.js';
import { collectFlags } from '../config/schema/walk.js';
import { agentConfigBlock } from './config/schema.js';

export interface FlagOccurrence {
  /** The config path the flag sets (`server.http_listen_port`). */
  readonly path: string;
  readonly spec: ScalarSpec;
  readonly text: string;
}

export interface AgentCommandLine {
  /** `-config.file` as given (a comma-separated list means the first that exists), or null. */
  readonly configFile: string | null;
  readonly expandEnv: boolean;
  readonly dryRun: boolean;
  readonly printConfig: boolean;
  readonly logConfig: boolean;
  readonly checkSyntax: boolean;
  readonly inspect: boolean;
  readonly version: boolean;
  readonly occurrences: readonly FlagOccurrence[];
}

/** A mistake on the command line; Go's flag package prints the message and exits with 2. */
export class CommandLineError extends Error {
  override name = 'CommandLineError';
}

/** `-help`: the caller prints `usage` and exits with 2, as Go's flag package does. */
export class UsageRequested extends Error {
  override name = 'UsageRequested';
  constructor(readonly usage: string) {
    super('flag: help requested');
  }
}

interface Switches {
  configFile: string | null;
  expandEnv: boolean;
  dryRun: boolean;
  printConfig: boolean;
  logConfig: boolean;
  checkSyntax: boolean;
  inspect: boolean;
  version: boolean;
}

function boolFlag(name: string, usage: string, set: (v: boolean) => void): FlagDefinition {
  return { name, usage, typeName: '', defValue: 'false', isBool: true, set: (v) => set(parseGoBool(v)) };
}

function buildFlagSet(s: Switches, occurrences: FlagOccurrence[]): FlagSet {
  const flags = new FlagSet('skald agent');
  flags.define({
    name: 'config.file',
    usage: 'yaml file to load',
    typeName: 'string',
    defValue: '',
    isBool: false,
    set: (v) => {
      s.configFile = v;
    },
  });
  flags.define(
    boolFlag(
      'config.expand-env',
      `Expands \${var} in config according to the values of the environment variables.`,
      (v) => {
        s.expandEnv = v;
      },
    ),
  );
  flags.define(
    boolFlag('dry-run', 'Start the agent but print entries instead of sending them to Loki.', (v) => {
      s.dryRun = v;
    }),
  );
  flags.define(
    boolFlag('print-config-stderr', 'Dump the entire agent config object to stderr', (v) => {
      s.printConfig = v;
    }),
  );
  flags.define(
    boolFlag(
      'log-config-reverse-order',
      'Dump the entire agent config object at Info log level with the order reversed.',
      (v) => {
        s.logConfig = v;
      },
    ),
  );
  flags.define(
    boolFlag('check-syntax', 'Validate the config file of its syntax', (v) => {
      s.checkSyntax = v;
    }),
  );
  flags.define(
    boolFlag('inspect', 'Allows for detailed inspection of pipeline stages', (v) => {
      s.inspect = v;
    }),
  );
  flags.define(
    boolFlag('version', 'Print this builds version information', (v) => {
      s.version = v;
    }),
  );
  for (const [name, binding] of collectFlags(agentConfigBlock)) {
    flags.define({
      name,
      usage: `Sets ${binding.path}.`,
      typeName: flagTypeName(binding.spec),
      defValue: formatFlagDefault(binding.spec),
      isBool: binding.spec.kind === 'bool',
      set: (text) => {
        parseFlagValue(binding.spec, binding.spec.default, text);
        occurrences.push({ path: binding.path, spec: binding.spec, text });
      },
    });
  }
  return flags;
}

function emptySwitches(): Switches {
  return {
    configFile: null,
    expandEnv: false,
    dryRun: false,
    printConfig: false,
    logConfig: false,
    checkSyntax: false,
    inspect: false,
    version: false,
  };
}

/** Parses the arguments after `skald agent`. Throws CommandLineError or UsageRequested. */
export function parseAgentCommandLine(args: readonly string[]): AgentCommandLine {
  const switches = emptySwitches();
  const occurrences: FlagOccurrence[] = [];
  const flags = buildFlagSet(switches, occurrences);
  try {
    // As with Go's flag package, parsing stops at the first non-flag argument; the rest is ignored.
    flags.parse(args);
  } catch (err) {
    if (err instanceof HelpRequested) throw new UsageRequested(flags.usage());
    if (err instanceof FlagError) throw new CommandLineError(err.message);
    throw err;
  }
  return { ...switches, occurrences };
}

export function agentUsage(): string {
  return buildFlagSet(emptySwitches(), []).usage();
}
