// Settings of pattern detection: the `pattern_ingester` block's keys, the
// per-tenant JSON message fields from `limits_config`, and the Drain
// constants Loki does not expose. Durations are milliseconds.
import type { LimitsConfig, PatternIngesterConfig } from '../config/types.js';
import { formatGoDuration } from '../config/values/duration.js';
import type { DrainSettings } from './drain.js';

export interface PatternDetectorConfig extends DrainSettings {
  /** How long patterns stay queryable after their last line (`retain_for`, 3h). */
  readonly retainForMs: number;
  /** Longer lines (in bytes) are not used for patterns (3000). */
  readonly maxAllowedLineLength: number;
  /** The JSON fields holding a line's message, in order of preference, per tenant. */
  readonly jsonMessageFields: (tenant: string) => readonly string[];
}

/** `limits_config.pattern_ingester_tokenizable_json_fields_default`. */
export const DEFAULT_JSON_MESSAGE_FIELDS: readonly string[] = ['log', 'message', 'msg', 'msg_', '_msg', 'content'];

export const DEFAULT_PATTERN_DETECTOR_CONFIG: PatternDetectorConfig = {
  maxClusters: 300,
  maxEvictionRatio: 0.25,
  maxChunkAgeMs: 60 * 60 * 1000,
  sampleIntervalMs: 10 * 1000,
  retainForMs: 3 * 60 * 60 * 1000,
  maxAllowedLineLength: 3000,
  logClusterDepth: 30,
  simTh: 0.3,
  maxChildren: 15,
  jsonMessageFields: () => DEFAULT_JSON_MESSAGE_FIELDS,
};

export type PatternIngesterSettings = Pick<
  PatternIngesterConfig,
  'max_clusters' | 'max_eviction_ratio' | 'max_chunk_age' | 'pattern_sample_interval' | 'retain_for'
>;

export type JsonMessageFieldLimits = Pick<
  LimitsConfig,
  | 'pattern_ingester_tokenizable_json_fields_default'
  | 'pattern_ingester_tokenizable_json_fields_append'
  | 'pattern_ingester_tokenizable_json_fields_delete'
>;

/** A tenant's JSON message fields: the defaults plus the appended ones, less the deleted ones. */
export function jsonMessageFieldsFromLimits(limits: JsonMessageFieldLimits): string[] {
  const fields = new Set<string>(limits.pattern_ingester_tokenizable_json_fields_default);
  for (const f of limits.pattern_ingester_tokenizable_json_fields_append) fields.add(f);
  for (const f of limits.pattern_ingester_tokenizable_json_fields_delete) fields.delete(f);
  return [...fields];
}

/**
 * The detector's settings from Skald's configuration. `pattern_ingester.max_allowed_line_length`
 * is deliberately not read: Loki accepts the key but its Drain always uses 3000 bytes.
 */
export function patternDetectorConfig(
  patternIngester: PatternIngesterSettings,
  limitsFor: (tenant: string) => JsonMessageFieldLimits,
): PatternDetectorConfig {
  return {
    ...DEFAULT_PATTERN_DETECTOR_CONFIG,
    maxClusters: patternIngester.max_clusters,
    maxEvictionRatio: patternIngester.max_eviction_ratio,
    maxChunkAgeMs: patternIngester.max_chunk_age,
    sampleIntervalMs: patternIngester.pattern_sample_interval,
    retainForMs: patternIngester.retain_for,
    jsonMessageFields: (tenant) => jsonMessageFieldsFromLimits(limitsFor(tenant)),
  };
}

/**
 * Loki's checks of the `pattern_ingester` durations, in its words, or null.
 * Loki reports the message as `CONFIG ERROR: invalid pattern_ingester config: <message>`.
 */
export function patternIngesterConfigError(
  cfg: PatternIngesterSettings & Pick<PatternIngesterConfig, 'volume_threshold'>,
): string | null {
  if (cfg.retain_for < cfg.max_chunk_age) {
    return `retain-for (${formatGoDuration(cfg.retain_for)}) must be greater than or equal to chunk-duration (${formatGoDuration(cfg.max_chunk_age)})`;
  }
  if (cfg.max_chunk_age < cfg.pattern_sample_interval) {
    return `chunk-duration (${formatGoDuration(cfg.max_chunk_age)}) must be greater than or equal to sample-interval (${formatGoDuration(cfg.pattern_sample_interval)})`;
  }
  if (cfg.volume_threshold < 0 || cfg.volume_threshold > 1) {
    return `volume_threshold (${cfg.volume_threshold}) must be between 0 and 1`;
  }
  return null;
}
