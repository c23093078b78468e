// Loading the configuration at start-up, in Loki's order: Loki's defaults, then the config file
// (strict: unknown keys are errors), then command-line flags, then the values derived from
// `common`, then the file and flags once more so that explicit settings win over derived ones;
// finally Loki's validation.

import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { applyDerivedDefaults, DerivedConfigError } from './common.js';
import { EnvsubstError, expandEnv } from './envsubst.js';
import { CommandLineExit, ConfigError } from './errors.js';
import { type FlagOccurrence, parseCommandLine, wantsVersion } from './flags/command-line.js';
import { parseFlagValue } from './flags/values.js';
import { LOCAL_DEFAULTS_NAME, LOCAL_DEFAULTS_YAML } from './local-defaults.js';
import { defaultValue } from './schema/defaults.js';
import { configBlock } from './schema/root.js';
import { getPath, setPath } from './schema/walk.js';
import type { SkaldConfig } from './types.js';
import { ignoredSettingWarnings } from './unsupported.js';
import { validateConfig } from './validate.js';
import { versionText } from './version.js';
import { decodeBlockInto, formatDecodeIssues } from './yaml/decode.js';
import { parseYaml, type YamlSource, YamlSyntaxError } from './yaml/document.js';

export interface LoadedConfig {
  /** The effective configuration (durations in ms, sizes in bytes). */
  readonly config: SkaldConfig;
  /** Start-up warnings: settings that were given but are ignored. Log each at warn level. */
  readonly warnings: readonly string[];
  /** `-target` / `target:` as a list (`['all']` by default). */
  readonly target: readonly string[];
  /** The file that was read, or null when the built-in local defaults were used. */
  readonly configFile: string | null;
  readonly expandEnv: boolean;
  /** `-print-config-stderr`: print `printConfigText(config)` to stderr. */
  readonly printConfig: boolean;
  /** `-log-config-reverse-order`: log `reversedConfigLines(config)` at info level. */
  readonly logConfig: boolean;
  /** `-verify-config`: log "config is valid" and exit 0. */
  readonly verifyConfig: boolean;
  /** `-list-targets`: print `listTargetsText()` and exit 0. */
  readonly listTargets: boolean;
  /** Config paths the file or the flags set explicitly. */
  readonly explicitPaths: ReadonlySet<string>;
}

export interface LoadOptions {
  /** Directory relative config paths are resolved against (default: process.cwd()). */
  readonly cwd?: string;
}

const DEFAULT_CONFIG_FILES = ['config.yaml', 'config/config.yaml'];
const EXPAND_ENV_HINT =
  '. Use `-config.expand-env=true` flag if you want to expand environment variables in your config file';

/**
 * Reads the command line and the config file into the effective configuration.
 * Throws CommandLineExit for -help/-version, ConfigError for anything that must stop start-up.
 */
export function loadConfig(args: readonly string[], env: NodeJS.ProcessEnv, options: LoadOptions = {}): LoadedConfig {
  if (wantsVersion(args)) throw new CommandLineExit(versionText(), 'stdout', 0);
  const cli = parseCommandLine(args);
  const cwd = options.cwd ?? process.cwd();
  const file = selectConfigFile(cli.configFile, cwd);
  const fileLabel = file.path ?? LOCAL_DEFAULTS_NAME;
  const failParse = (message: string): never => {
    throw new ConfigError('parse', `failed parsing config: ${message}`, 1);
  };

  let text = file.text;
  if (cli.expandEnv) {
    try {
      text = expandEnv(text, env);
    } catch (err) {
      if (err instanceof EnvsubstError) failParse(err.message);
      throw err;
    }
  }
  const hint = cli.expandEnv ? '' : EXPAND_ENV_HINT;
  let source: YamlSource;
  try {
    source = parseYaml(text);
  } catch (err) {
    if (err instanceof YamlSyntaxError) return failParse(`${fileLabel}: ${err.message}${hint}`);
    throw err;
  }

  const defaults = defaultValue(configBlock);
  const config = defaultValue(configBlock);
  const explicit = new Set<string>();
  const issues = decodeBlockInto(source, configBlock, config, source.root, '', {
    strict: true,
    onSet: (path) => explicit.add(path),
  });
  if (issues.length > 0) failParse(`${fileLabel}: ${formatDecodeIssues(issues)}${hint}`);

  const fromFlags = applyFlagOccurrences(config, cli.occurrences, explicit);
  try {
    applyDerivedDefaults(config, defaults);
  } catch (err) {
    if (err instanceof DerivedConfigError) failParse(err.message);
    throw err;
  }
  // Explicit settings win over derived ones: the file and the flags once more.
  decodeBlockInto(source, configBlock, config, source.root, '', { strict: false });
  for (const [path, value] of fromFlags) setPath(config, path, structuredClone(value));

  const invalid = validateConfig(config);
  if (invalid !== null) throw new ConfigError('validate', invalid, 1);

  return {
    config,
    warnings: ignoredSettingWarnings(explicit, config, defaults),
    target: config.target,
    configFile: file.path,
    expandEnv: cli.expandEnv,
    // Loki's command-line switches are also (undocumented) top-level YAML keys.
    printConfig: cli.printConfig || config.printconfig,
    logConfig: cli.logConfig || config.logconfig,
    verifyConfig: cli.verifyConfig || config.verifyconfig,
    listTargets: cli.listTargets || config.listtargets,
    explicitPaths: explicit,
  };
}

interface ConfigSource {
  /** Null for the built-in local defaults. */
  readonly path: string | null;
  readonly text: string;
}

/** Loki's rule: the first existing file of the comma-separated `-config.file` list. */
function selectConfigFile(flagValue: string | null, cwd: string): ConfigSource {
  const resolve = (p: string) => (isAbsolute(p) ? p : join(cwd, p));
  if (flagValue === null || flagValue === '') {
    for (const candidate of DEFAULT_CONFIG_FILES) {
      if (existsSync(resolve(candidate))) return read(candidate, resolve(candidate));
    }
    return { path: null, text: LOCAL_DEFAULTS_YAML };
  }
  for (const raw of flagValue.split(',')) {
    const candidate = raw.trim();
    if (candidate !== '' && existsSync(resolve(candidate))) return read(candidate, resolve(candidate));
  }
  throw new ConfigError(
    'parse',
    `failed parsing config: ${flagValue} does not exist, set config.file for custom config path`,
    1,
  );
}

function read(shown: string, path: string): ConfigSource {
  try {
    return { path: shown, text: readFileSync(path, 'utf8') };
  } catch (err) {
    throw new ConfigError('parse', `failed parsing config: ${(err as Error).message}`, 1);
  }
}

/** Applies the flags in command-line order; returns the resulting value of every path a flag set. */
function applyFlagOccurrences(
  config: SkaldConfig,
  occurrences: readonly FlagOccurrence[],
  explicit: Set<string>,
): Map<string, unknown> {
  const applied = new Map<string, unknown>();
  for (const occ of occurrences) {
    const next = parseFlagValue(occ.spec, getPath(config, occ.path), occ.text);
    setPath(config, occ.path, next);
    applied.set(occ.path, structuredClone(next));
    explicit.add(occ.path);
  }
  return applied;
}
