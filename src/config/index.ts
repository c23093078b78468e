// Skald's configuration: Loki's YAML config and flags, read as-is. See README.md.

import { defaultValue as buildDefault } from './schema/defaults.js';
import { configBlock as root } from './schema/root.js';
import type { SkaldConfig } from './types.js';

export { activePeriodIndex, isCacheConfigured } from './common.js';
export { expandEnv } from './envsubst.js';
export { CommandLineExit, ConfigError, type ConfigErrorKind } from './errors.js';
export { usageText } from './flags/command-line.js';
export { type LoadedConfig, type LoadOptions, loadConfig } from './load.js';
export { LOCAL_DEFAULTS_YAML } from './local-defaults.js';
export {
  parseRuntimeConfig,
  parseTenantLimits,
  type RuntimeConfig,
  type RuntimeDefaults,
} from './overrides.js';
export {
  printConfigText,
  type Rendered,
  type RenderMode,
  renderConfig,
  renderConfigYaml,
  renderRuntimeOverridesYaml,
  reversedConfigLines,
} from './render.js';
export { parseS3Url, type ResolvedS3, resolveS3, S3ConfigError } from './s3.js';
export { defaultValue } from './schema/defaults.js';
export type { Spec, ValueOf } from './schema/dsl.js';
export { configBlock } from './schema/root.js';
export { specAt } from './schema/walk.js';
export { ALL_TARGETS, listTargetsText, targetDependencies, USER_TARGETS } from './targets.js';
export type * from './types.js';
export { UNSUPPORTED_SETTINGS, type UnsupportedSetting } from './unsupported.js';
export { validateConfig, validateLimits } from './validate.js';
export { formatBase2Bytes, formatByteSize, parseBase2Bytes, parseByteSize } from './values/bytesize.js';
export { dayTimeToMs, parseDayTime } from './values/daytime.js';
export { formatGoDuration, formatPromDuration, parseGoDuration, parsePromDuration } from './values/duration.js';
export { skaldVersion, versionText } from './version.js';

/** Loki's built-in defaults for every key (no file, no flags, no `common` propagation). */
export function defaultConfig(): SkaldConfig {
  return buildDefault(root);
}
