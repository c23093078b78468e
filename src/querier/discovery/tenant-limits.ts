// The tenant limits Loki publishes: `GET /config/tenant/v1/limits` (YAML) and
// `GET /loki/api/v1/drilldown-limits` (JSON, with whether patterns are
// available and the version), which Logs Drilldown reads to adapt itself to
// the server. Only the keys in `tenant_limits_allow_publish` are published
// (all of them when that list is empty).
import { Document } from 'yaml';
import type { LimitsConfig } from '../../config/index.js';
import { goJSON } from '../../util/go-json.js';
import { type JsonValue, limitsToJSON } from './limits-json.js';

export interface TenantLimitsOptions {
  /** `tenant_limits_allow_publish`: limit names to publish; empty publishes all. */
  allowPublish: readonly string[];
  /** `distributor.otlp_config.default_resource_attributes_as_index_labels`. */
  defaultOtlpIndexLabels: readonly string[];
}

export type PublishedLimits = { [key: string]: JsonValue };

/** Objects with their keys sorted at every level: Loki decodes the limits into Go maps, which encode in key order. */
function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
  return out;
}

/** The published limits of a tenant, keys sorted at every level. */
export function publishedLimits(limits: LimitsConfig, opts: TenantLimitsOptions): PublishedLimits {
  const all = limitsToJSON(limits, opts.defaultOtlpIndexLabels);
  const allowed = opts.allowPublish.length > 0 ? new Set(opts.allowPublish) : null;
  const out: PublishedLimits = {};
  for (const key of Object.keys(all).sort()) {
    if (allowed === null || allowed.has(key)) out[key] = sortKeys(all[key]!);
  }
  return out;
}

/** The drilldown-limits body, as Go's json.Encoder writes it (trailing newline included). */
export function drilldownLimitsJSON(limits: PublishedLimits, patternIngesterEnabled: boolean, version: string): string {
  return `${goJSON({ limits, pattern_ingester_enabled: patternIngesterEnabled, version })}\n`;
}

/** A number as Go's strconv.FormatFloat(v, 'g', -1, 64) writes it (`5000`, `2e+06`, `1e-05`). */
export function goFormatFloatG(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (v === Number.POSITIVE_INFINITY) return '.inf';
  if (v === Number.NEGATIVE_INFINITY) return '-.inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, exponentText] = v.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  // Shortest formatting switches to an exponent from 1e6 up and below 1e-4.
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return String(v);
}

/** A number already in Go's YAML form; tagged so the YAML writer prints it unquoted as it is. */
class GoNumber {
  constructor(readonly text: string) {}
}

const goNumberTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: (v: unknown) => v instanceof GoNumber,
  resolve: (s: string) => Number(s),
  stringify: (item: { value?: unknown }) => (item.value as GoNumber).text,
};

type YamlData = null | boolean | string | GoNumber | YamlData[] | { [key: string]: YamlData };

/** Numbers decoded from Loki's JSON are Go float64s: the YAML writer prints them with 'g'. */
function toYamlData(value: JsonValue): YamlData {
  if (typeof value === 'number') return new GoNumber(goFormatFloatG(value));
  if (Array.isArray(value)) return value.map(toYamlData);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: YamlData } = {};
    for (const key of Object.keys(value).sort()) out[key] = toYamlData(value[key]!);
    return out;
  }
  return value;
}

/** The `/config/tenant/v1/limits` body: Loki's YAML writer (4-space indent, sequences indented). */
export function tenantLimitsYAML(limits: PublishedLimits): string {
  const doc = new Document(toYamlData(limits), {
    version: '1.1',
    customTags: (tags) => [goNumberTag, ...tags],
  });
  return doc.toString({
    indent: 4,
    indentSeq: true,
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
