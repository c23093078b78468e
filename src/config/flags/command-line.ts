// Skald's command line: Loki's own flags (`-config.file`, `-config.expand-env`,
// `-print-config-stderr`, `-log-config-reverse-order`, `-verify-config`, `-list-targets`,
// `-version`) plus one flag per config key that Loki exposes as a flag (`-target`,
// `-server.http-listen-port`, `-log.level`, `-auth.enabled`, ...).
//
// Flag values are checked while parsing, as Go does, but applied to the config only after the
// file is read: the loader replays the recorded occurrences so that flags override the file.

import { CommandLineExit, ConfigError } from '../errors.js';
import type { ScalarSpec } from '../schema/dsl.js';
import { configBlock } from '../schema/root.js';
import { collectFlags } from '../schema/walk.js';
import { FlagError, FlagSet, HelpRequested } from './flagset.js';
import { flagTypeName, formatFlagDefault, parseFlagValue, parseGoBool } from './values.js';

export interface FlagOccurrence {
  /** Config path the flag sets. */
  readonly path: string;
  readonly spec: ScalarSpec;
  /** The value as given on the command line. */
  readonly text: string;
}

export interface CommandLine {
  /** `-config.file` as given (comma-separated candidates), or null when absent. */
  readonly configFile: string | null;
  readonly expandEnv: boolean;
  readonly printConfig: boolean;
  readonly logConfig: boolean;
  readonly verifyConfig: boolean;
  readonly listTargets: boolean;
  /** Config flags in command-line order. */
  readonly occurrences: readonly FlagOccurrence[];
  /** Arguments after the flags. */
  readonly positional: readonly string[];
}

const RUN_WITH_HELP = 'Run with -help to get list of available parameters';

/** Parses the arguments (without the program name). Throws ConfigError('flags') or CommandLineExit for -help. */
export function parseCommandLine(args: readonly string[]): CommandLine {
  const state = {
    configFile: null as string | null,
    expandEnv: false,
    printConfig: false,
    logConfig: false,
    verifyConfig: false,
    listTargets: false,
  };
  const occurrences: FlagOccurrence[] = [];
  const flags = buildFlagSet(state, occurrences);
  try {
    const positional = flags.parse(args);
    return { ...state, occurrences, positional };
  } catch (err) {
    if (err instanceof HelpRequested) throw new CommandLineExit(flags.usage(), 'stdout', 2);
    if (err instanceof FlagError) throw new ConfigError('flags', `${err.message}\n${RUN_WITH_HELP}`, 2);
    throw err;
  }
}

/** The -help text. */
export function usageText(): string {
  return buildFlagSet(
    {
      configFile: null,
      expandEnv: false,
      printConfig: false,
      logConfig: false,
      verifyConfig: false,
      listTargets: false,
    },
    [],
  ).usage();
}

/** True when the arguments ask for the version (`-version`, `--version`), checked before anything else as Loki does. */
export function wantsVersion(args: readonly string[]): boolean {
  return args.some((a) => /^-+version$/.test(a));
}

interface WrapperState {
  configFile: string | null;
  expandEnv: boolean;
  printConfig: boolean;
  logConfig: boolean;
  verifyConfig: boolean;
  listTargets: boolean;
}

function buildFlagSet(state: WrapperState, occurrences: FlagOccurrence[]): FlagSet {
  const flags = new FlagSet('skald');
  const boolFlag = (name: string, usage: string, assign: (v: boolean) => void) =>
    flags.define({ name, usage, typeName: '', defValue: 'false', isBool: true, set: (v) => assign(parseGoBool(v)) });

  flags.define({
    name: 'config.file',
    usage:
      'Configuration file to load; a comma-separated list means the first file that exists. Without it, config.yaml or config/config.yaml in the working directory, else built-in local defaults.',
    typeName: 'string',
    defValue: 'config.yaml,config/config.yaml',
    isBool: false,
    set: (v) => {
      state.configFile = v;
    },
  });
  boolFlag('config.expand-env', `Expand \${VAR} references to environment variables in the config file.`, (v) => {
    state.expandEnv = v;
  });
  boolFlag('print-config-stderr', 'Print the effective configuration to stderr at start-up.', (v) => {
    state.printConfig = v;
  });
  boolFlag('log-config-reverse-order', 'Log the effective configuration at start-up, last line first.', (v) => {
    state.logConfig = v;
  });
  boolFlag('verify-config', 'Check the configuration and exit.', (v) => {
    state.verifyConfig = v;
  });
  boolFlag('config.verify', 'Same as -verify-config.', (v) => {
    state.verifyConfig = v;
  });
  boolFlag('list-targets', 'List the available targets and exit.', (v) => {
    state.listTargets = v;
  });
  boolFlag('version', 'Print the version and exit.', () => {});

  for (const [name, binding] of collectFlags(configBlock)) {
    flags.define({
      name,
      usage: `Sets ${binding.path}.`,
      typeName: flagTypeName(binding.spec),
      defValue: formatFlagDefault(binding.spec),
      isBool: binding.spec.kind === 'bool',
      set: (text) => {
        // Check the value now, as Go's flag package does; it is applied after the file is read.
        parseFlagValue(binding.spec, binding.spec.default, text);
        occurrences.push({ path: binding.path, spec: binding.spec, text });
      },
    });
  }
  return flags;
}
