// The config as YAML, the way Loki's `GET /config` and `-print-config-stderr` print it: keys in
// Loki's declaration order (map keys sorted), durations as Go prints them (`1h0m0s`) or as
// Prometheus does for `model.Duration` keys (`1w`), byte sizes as `1536KB` / `16KiB`, secrets
// masked. `diff` keeps only values that differ from Loki's defaults; `defaults` prints the defaults.

import { Document } from 'yaml';
import { defaultValue } from './schema/defaults.js';
import type { BlockSpec, Spec } from './schema/dsl.js';
import { limitsConfigBlock } from './schema/limits-config.js';
import { configBlock } from './schema/root.js';
import type { LimitsConfig, SkaldConfig } from './types.js';
import { formatBase2Bytes, formatByteSize } from './values/bytesize.js';
import { formatFlagTime } from './values/daytime.js';
import { formatGoDuration, formatPromDuration } from './values/duration.js';

export type RenderMode = 'all' | 'diff' | 'defaults';

/** Plain YAML-ready data: what the config looks like once printed. */
export type Rendered = null | boolean | number | string | Rendered[] | { [key: string]: Rendered };

/** Keys of Loki's command-line wrapper: printed by -print-config-stderr, not by GET /config. */
const WRAPPER_KEYS = new Set([
  'verifyconfig',
  'printconfig',
  'listtargets',
  'logconfig',
  'configfile',
  'configexpandenv',
]);

export interface RenderOptions {
  /** Include the command-line wrapper keys (`printconfig`, `configfile`, ...), as -print-config-stderr does. */
  readonly wrapperKeys?: boolean;
}

/** YAML for `GET /config?mode=...`. */
export function renderConfigYaml(config: SkaldConfig, mode: RenderMode = 'all', options: RenderOptions = {}): string {
  const defaults = defaultValue(configBlock);
  let data: Rendered;
  switch (mode) {
    case 'defaults':
      data = renderBlock(configBlock, defaults, options);
      break;
    case 'diff':
      data = diffRendered(renderBlock(configBlock, defaults, options), renderBlock(configBlock, config, options));
      break;
    default:
      data = renderBlock(configBlock, config, options);
  }
  return toYaml(data);
}

/**
 * YAML for `GET /runtime_config`: every tenant's effective limits, or with
 * `diff` only the values that differ from the `limits_config` defaults.
 */
export function renderRuntimeOverridesYaml(
  overrides: Readonly<Record<string, LimitsConfig>>,
  defaults: LimitsConfig,
  mode: 'all' | 'diff',
): string {
  const base = renderBlock(limitsConfigBlock, defaults, {});
  const out: { [key: string]: Rendered } = {};
  for (const tenant of Object.keys(overrides).sort()) {
    const rendered = renderBlock(limitsConfigBlock, overrides[tenant], {});
    out[tenant] = mode === 'diff' ? diffRendered(base, rendered) : rendered;
  }
  return toYaml({ overrides: out });
}

/** The printed form of the whole config. */
export function renderConfig(config: SkaldConfig, options: RenderOptions = {}): Rendered {
  return renderBlock(configBlock, config, options);
}

/** What `-print-config-stderr` writes. */
export function printConfigText(config: SkaldConfig, version: string): string {
  return `---\n# Skald Config\n# (version=${version})\n${toYaml(renderBlock(configBlock, config, { wrapperKeys: true }))}\n\n`;
}

/** Lines for `-log-config-reverse-order`: the printed config, last line first. */
export function reversedConfigLines(config: SkaldConfig): string[] {
  return toYaml(renderBlock(configBlock, config, { wrapperKeys: true }))
    .split('\n')
    .reverse();
}

export function toYaml(data: Rendered): string {
  const doc = new Document(data, { version: '1.1' });
  return doc.toString({
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    nullStr: 'null',
    singleQuote: false,
    doubleQuotedAsJSON: true,
    flowCollectionPadding: false,
  });
}

function renderBlock(spec: BlockSpec, value: unknown, options: RenderOptions, top = true): { [key: string]: Rendered } {
  const out: { [key: string]: Rendered } = {};
  const obj = (value ?? {}) as Record<string, unknown>;
  for (const [key, field] of Object.entries(spec.fields)) {
    if (field.removed) continue;
    if (top && WRAPPER_KEYS.has(key) && !options.wrapperKeys) continue;
    // Prometheus omits an unset TLS version (`omitempty`); it has no printable zero value.
    if (field.go === 'config.TLSVersion' && obj[key] === '') continue;
    out[key] = renderValue(field, obj[key], options);
  }
  return out;
}

function renderValue(spec: Spec, value: unknown, options: RenderOptions): Rendered {
  switch (spec.kind) {
    case 'block':
      return renderBlock(spec, value, options, false);
    case 'list':
      return ((value ?? []) as unknown[]).map((v) => renderValue(spec.elem, v, options));
    case 'map': {
      const out: { [key: string]: Rendered } = {};
      const obj = (value ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) out[key] = renderValue(spec.elem, obj[key], options);
      return out;
    }
    case 'duration':
      return formatGoDuration(value as number);
    case 'model_duration':
      return formatPromDuration(value as number);
    case 'bytesize':
      return formatByteSize(value as number);
    case 'bytes':
      return formatBase2Bytes(value as number);
    case 'secret':
      if (spec.go === 'config.Secret') return value === '' ? null : '<secret>';
      return value === '' ? '' : '********';
    case 'csv':
      return (value as string[]).join(',');
    case 'strings':
      return [...(value as string[])];
    case 'string_map': {
      const obj = value as Record<string, string>;
      const out: { [key: string]: Rendered } = {};
      for (const key of Object.keys(obj).sort()) out[key] = obj[key]!;
      return out;
    }
    case 'time':
      return formatFlagTime(value as number);
    case 'any':
      return value === undefined ? null : (value as Rendered);
    default:
      return value as Rendered;
  }
}

/** Loki's diffConfig: values of `actual` that differ from `defaults`; nested blocks keep only their differences. */
export function diffRendered(defaults: Rendered, actual: Rendered): { [key: string]: Rendered } {
  const out: { [key: string]: Rendered } = {};
  const def = (defaults ?? {}) as { [key: string]: Rendered };
  for (const [key, value] of Object.entries(actual as { [key: string]: Rendered })) {
    if (!Object.hasOwn(def, key)) {
      out[key] = value;
      continue;
    }
    const d = def[key]!;
    if (isPlainMap(value)) {
      const nested = diffRendered(isPlainMap(d) ? d : {}, value);
      if (Object.keys(nested).length > 0) out[key] = nested;
    } else if (JSON.stringify(d) !== JSON.stringify(value)) {
      out[key] = value;
    }
  }
  return out;
}

function isPlainMap(v: Rendered | undefined): v is { [key: string]: Rendered } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
