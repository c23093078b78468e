// A tenant's limits as Loki renders them with Go's encoding/json (the form
// the tenant limits endpoints start from): JSON field names, durations of Go
// `time.Duration` keys as nanoseconds, Prometheus durations and byte sizes as
// their strings (`"721h"`, `"256KB"`), unset lists and maps as null, and
// `omitempty` keys left out when empty.
import type { LimitsConfig } from '../../config/index.js';
import { formatByteSize, formatPromDuration } from '../../config/index.js';
import { untypedDefault } from '../../config/schema/defaults.js';
import type { BlockSpec, Spec } from '../../config/schema/dsl.js';
import { limitsConfigBlock } from '../../config/schema/limits-config.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Keys whose Go JSON tag has `omitempty`, by path (`[]` stands for the elements of a list).
 * Struct-valued keys are never omitted by encoding/json, so only scalars, lists and maps appear.
 */
const OMIT_EMPTY: ReadonlySet<string> = new Set([
  'ruler_remote_write_config',
  'retention_stream',
  'blocked_queries',
  'required_labels',
  'minimum_labels_number',
  'allow_structured_metadata',
  'shard_aggregations',
  'otlp_config.resource_attributes.ignore_defaults',
  'otlp_config.resource_attributes.attributes_config',
  'otlp_config.resource_attributes.attributes_config[].action',
  'otlp_config.resource_attributes.attributes_config[].attributes',
  'otlp_config.resource_attributes.attributes_config[].regex',
  'otlp_config.scope_attributes',
  'otlp_config.scope_attributes[].action',
  'otlp_config.scope_attributes[].attributes',
  'otlp_config.scope_attributes[].regex',
  'otlp_config.log_attributes',
  'otlp_config.log_attributes[].action',
  'otlp_config.log_attributes[].attributes',
  'otlp_config.log_attributes[].regex',
  'otlp_config.severity_text_as_label',
]);

/**
 * Keys Loki holds behind a pointer that stays nil unless configured: encoded
 * as null while they keep their default.
 */
const NIL_UNLESS_SET: ReadonlySet<string> = new Set(['ruler_alertmanager_config', 'ruler_remote_write_sigv4_config']);

const NS_PER_MS = 1_000_000;

function isEmpty(value: JsonValue): boolean {
  if (value === null || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/**
 * An empty list or map is Go's nil (null) when Loki's default is empty too,
 * and an explicitly emptied value (`[]`) when the default is not.
 */
function emptyCollection(spec: Spec, value: unknown): JsonValue | undefined {
  if (!isEmptyCollection(value)) return undefined;
  const def = spec.kind === 'list' || spec.kind === 'map' || spec.kind === 'block' ? undefined : spec.default;
  if (def !== undefined && !isEmptyCollection(def)) return Array.isArray(value) ? [] : {};
  return null;
}

function toJSON(spec: Spec, value: unknown, path: string): JsonValue {
  switch (spec.kind) {
    case 'block':
      return blockToJSON(spec, value, path);
    case 'list': {
      const empty = emptyCollection(spec, value);
      if (empty !== undefined) return empty;
      return (value as unknown[]).map((v) => toJSON(spec.elem, v, `${path}[]`));
    }
    case 'map': {
      const empty = emptyCollection(spec, value);
      if (empty !== undefined) return empty;
      const out: { [key: string]: JsonValue } = {};
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) out[key] = toJSON(spec.elem, obj[key], `${path}.${key}`);
      return out;
    }
    case 'duration':
      return Math.round((value as number) * NS_PER_MS);
    case 'model_duration':
      return formatPromDuration(value as number);
    case 'bytesize':
      return formatByteSize(value as number);
    case 'secret':
      return value === '' ? '' : '<secret>';
    case 'strings':
    case 'csv': {
      const empty = emptyCollection(spec, value);
      return empty !== undefined ? empty : [...(value as string[])];
    }
    case 'string_map': {
      const empty = emptyCollection(spec, value);
      return empty !== undefined ? empty : { ...(value as Record<string, string>) };
    }
    case 'time':
      // dskit's flagext.Time has no JSON form of its own: encoding/json writes the empty struct.
      return {};
    case 'any':
      return (value ?? null) as JsonValue;
    default:
      return (value ?? null) as JsonValue;
  }
}

function blockToJSON(spec: BlockSpec, value: unknown, path: string): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  const obj = (value ?? {}) as Record<string, unknown>;
  for (const [key, field] of Object.entries(spec.fields)) {
    if (field.removed) continue;
    const fieldPath = path === '' ? key : `${path}.${key}`;
    if (NIL_UNLESS_SET.has(fieldPath) && JSON.stringify(obj[key]) === JSON.stringify(untypedDefault(field))) {
      out[key] = null;
      continue;
    }
    const json = toJSON(field, obj[key], fieldPath);
    if (OMIT_EMPTY.has(fieldPath) && isEmpty(json)) continue;
    out[key] = json;
  }
  return out;
}

/**
 * Loki's effective OTLP settings: unless the tenant ignores them, the
 * distributor's default index-label attributes come first (`ApplyGlobalOTLPConfig`).
 */
function withDefaultOtlpAttributes(limits: LimitsConfig, defaultIndexLabels: readonly string[]): LimitsConfig {
  const otlp = limits.otlp_config;
  if (otlp.resource_attributes.ignore_defaults || defaultIndexLabels.length === 0) return limits;
  const defaults = { action: 'index_label', attributes: [...defaultIndexLabels], regex: '' };
  return {
    ...limits,
    otlp_config: {
      ...otlp,
      resource_attributes: {
        ...otlp.resource_attributes,
        attributes_config: [defaults, ...otlp.resource_attributes.attributes_config],
      },
    },
  };
}

/** Every limit of a tenant as Loki's JSON, keys in Loki's declaration order. */
export function limitsToJSON(
  limits: LimitsConfig,
  defaultOtlpIndexLabels: readonly string[] = [],
): { [key: string]: JsonValue } {
  return blockToJSON(limitsConfigBlock, withDefaultOtlpAttributes(limits, defaultOtlpIndexLabels), '');
}
