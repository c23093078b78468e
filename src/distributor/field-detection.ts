// Ingest-time field detection, as Loki 3's distributor does it after
// validating an entry: `detected_level` (discover_log_levels) and any
// `discover_generic_fields` are added to the entry's structured metadata, so
// that queries, Grafana's Logs Drilldown and the pattern detector can group
// lines by level without parsing them.
//
// Where the level comes from, first source that has one:
// 1. a `detected_level` the client already sent (normalised, nothing added);
// 2. a stream label, then a structured metadata entry, named as one of
//    `log_level_fields` (Loki's list when empty), first name in that list wins;
// 3. the OpenTelemetry `severity_number` in structured metadata;
// 4. the line: a JSON object's level field (nested up to
//    `log_level_from_json_max_depth`), else a logfmt line's level field, and
//    when neither gives a known level, the earliest standalone level word
//    (`unknown` when there is none).
// Values from labels and metadata are normalised but kept when unknown
// (`notice` stays `notice`); values from the line are only ever a known level
// or `unknown`.
//
// This runs for every pushed line: it reads the line's bytes in place, does
// at most one pass per format, and the usual result (an entry without
// metadata getting a known level) reuses one frozen metadata array per level.
// Levels from the line are always one of the known levels.

import { parseJSONPath } from '../logql/log/json-expr.js';
import type { Label, Labels } from '../util/labels.js';
import { compileJsonPath, JsonLevelFinder, type JsonPath, jsonGet } from './field-detection-json.js';
import { levelFromText } from './field-detection-keywords.js';
import {
  DEFAULT_LEVEL_FIELDS,
  DETECTED_LEVEL,
  LEVEL_CRITICAL,
  LEVEL_DEBUG,
  LEVEL_ERROR,
  LEVEL_FATAL,
  LEVEL_INFO,
  LEVEL_TRACE,
  LEVEL_UNKNOWN,
  LEVEL_WARN,
  levelOfBytes,
  levelOfSeverityNumber,
  levelOfString,
  normaliseLevel,
} from './field-detection-levels.js';
import { LogfmtFieldFinder } from './field-detection-logfmt.js';
import type { PushEntry } from './push-request.js';

export { DEFAULT_LEVEL_FIELDS };

/** The `limits_config` values field detection reads. */
export interface FieldDetectionLimits {
  allow_structured_metadata: boolean;
  discover_log_levels: boolean;
  log_level_fields: readonly string[];
  log_level_from_json_max_depth: number;
  discover_generic_fields: { readonly fields: Readonly<Record<string, readonly string[]>> };
}

/** The OpenTelemetry severity number, as the OTLP conversion stores it in structured metadata. */
const SEVERITY_NUMBER = 'severity_number';

/** A level to add: its label, the metadata of an entry that had none, and the bytes it adds. */
interface LevelChoice {
  readonly label: Label;
  /** Frozen, so that entries can share it: the common case allocates nothing per line. */
  readonly alone: readonly Label[];
  readonly bytes: number;
}

function levelChoice(value: string): LevelChoice {
  const label: Label = Object.freeze({ name: DETECTED_LEVEL, value });
  return { label, alone: Object.freeze([label]), bytes: Buffer.byteLength(DETECTED_LEVEL) + Buffer.byteLength(value) };
}

const KNOWN_LEVELS: ReadonlyMap<string, LevelChoice> = new Map(
  [LEVEL_TRACE, LEVEL_DEBUG, LEVEL_INFO, LEVEL_WARN, LEVEL_ERROR, LEVEL_CRITICAL, LEVEL_FATAL, LEVEL_UNKNOWN].map(
    (l) => [l, levelChoice(l)],
  ),
);

interface GenericField {
  readonly name: string;
  readonly hints: readonly string[];
  /** The hints that parse as JSON paths, in order (Loki skips the others for JSON lines). */
  readonly jsonPaths: readonly JsonPath[];
  readonly logfmt: LogfmtFieldFinder;
}

const SPACE_CLASS = (() => {
  const t = new Uint8Array(256);
  for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) t[c] = 1;
  return t;
})();

/**
 * Does the line look like a JSON object: first non-blank character `{`,
 * last `}`? Blanks are Unicode white space at the start (Loki decodes runes
 * there) and bytes at the end (Loki takes each byte as a rune there, so
 * 0x85 and 0xA0 count as blanks).
 */
export function looksLikeJson(line: Uint8Array): boolean {
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i >= n) return false;
    const c = line[i]!;
    if (c === 0x7b) break;
    if (c < 0x80) {
      if (SPACE_CLASS[c] === 0) return false;
      i++;
      continue;
    }
    const width = unicodeSpaceWidth(line, i, n);
    if (width === 0) return false;
    i += width;
  }
  for (let j = n - 1; j > i; j--) {
    const c = line[j]!;
    if (c === 0x7d) return true;
    if (SPACE_CLASS[c] === 0 && c !== 0x85 && c !== 0xa0) return false;
  }
  return false;
}

/** The byte length of the Unicode white space character at `i` (non-ASCII), or 0. */
function unicodeSpaceWidth(b: Uint8Array, i: number, n: number): number {
  const c0 = b[i]!;
  if (c0 === 0xc2 && i + 1 < n) return b[i + 1] === 0x85 || b[i + 1] === 0xa0 ? 2 : 0;
  if (i + 2 >= n) return 0;
  const c1 = b[i + 1]!;
  const c2 = b[i + 2]!;
  if (c0 === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0; // U+1680
  if (c0 === 0xe2 && c1 === 0x80) {
    // U+2000..U+200A, U+2028, U+2029, U+202F
    return (c2 >= 0x80 && c2 <= 0x8a) || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? 3 : 0;
  }
  if (c0 === 0xe2 && c1 === 0x81) return c2 === 0x9f ? 3 : 0; // U+205F
  if (c0 === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0; // U+3000
  return 0;
}

/** The value of the first of `names` (in that order) that `labels` has, or undefined. */
function firstOf(labels: readonly Label[], names: readonly string[]): string | undefined {
  if (labels.length === 0) return undefined;
  for (const name of names) {
    for (const l of labels) if (l.name === name) return l.value;
  }
  return undefined;
}

function labelBytes(l: Label): number {
  return Buffer.byteLength(l.name) + Buffer.byteLength(l.value);
}

export class FieldDetector {
  /** Level detection is on (it needs structured metadata to be allowed). */
  readonly discoversLevels: boolean;
  /** Generic field detection is on (same condition, and at least one field configured). */
  readonly discoversGenericFields: boolean;
  private readonly levelFields: readonly string[];
  /** Level field name -> its rank in levelFields (first occurrence). */
  private readonly levelFieldRank: ReadonlyMap<string, number>;
  private readonly jsonLevel: JsonLevelFinder;
  private readonly logfmtLevel: LogfmtFieldFinder;
  private readonly genericFields: readonly GenericField[];

  constructor(limits: FieldDetectionLimits) {
    this.levelFields = limits.log_level_fields.length > 0 ? limits.log_level_fields : DEFAULT_LEVEL_FIELDS;
    const rank = new Map<string, number>();
    this.levelFields.forEach((f, i) => {
      if (!rank.has(f)) rank.set(f, i);
    });
    this.levelFieldRank = rank;
    this.jsonLevel = new JsonLevelFinder(this.levelFields, limits.log_level_from_json_max_depth);
    this.logfmtLevel = new LogfmtFieldFinder(this.levelFields);
    this.discoversLevels = limits.allow_structured_metadata && limits.discover_log_levels;
    const fields = Object.entries(limits.discover_generic_fields?.fields ?? {});
    this.genericFields = fields.map(([name, hints]) => ({
      name,
      hints,
      jsonPaths: hints.flatMap((h) => {
        try {
          return [compileJsonPath(parseJSONPath(h))];
        } catch {
          return [];
        }
      }),
      logfmt: new LogfmtFieldFinder(hints),
    }));
    this.discoversGenericFields = limits.allow_structured_metadata && this.genericFields.length > 0;
  }

  /** Detection has something to do for these limits. */
  get active(): boolean {
    return this.discoversLevels || this.discoversGenericFields;
  }

  /**
   * Adds the detected fields to the structured metadata of each entry of one
   * stream (replacing the array, which may be shared with other entries) and
   * returns the bytes this adds (negative when normalising a client's
   * `detected_level` shortens it).
   */
  detect(labels: Labels, entries: readonly PushEntry[]): number {
    let added = 0;
    // A level from the stream's labels is the same for all its entries:
    // undefined when no label names one, null when the label is empty.
    let streamLevel: LevelChoice | null | undefined;
    if (this.discoversLevels) {
      const fromLabels = firstOf(labels, this.levelFields);
      streamLevel = fromLabels === undefined ? undefined : this.choiceFor(normaliseLevel(fromLabels));
    }
    for (const e of entries) {
      const before = e.structuredMetadata;
      if (this.discoversLevels) {
        // A level label with an empty value still decides (nothing is added), as in Loki.
        const level =
          before.length > 0
            ? this.levelWithMetadata(e, streamLevel)
            : streamLevel !== undefined
              ? streamLevel
              : KNOWN_LEVELS.get(this.levelOfLine(e.line))!;
        if (level !== null) {
          e.structuredMetadata = before.length === 0 ? level.alone : [...before, level.label];
          added += level.bytes;
        } else if (e.structuredMetadata !== before) {
          added += this.metadataBytes(e.structuredMetadata) - this.metadataBytes(before);
        }
      }
      if (this.discoversGenericFields) added += this.addGenericFields(labels, before, e);
    }
    return added;
  }

  /**
   * The level of an entry that has structured metadata, or null when there is
   * nothing to add: either no level, or a `detected_level` already sent (then
   * normalised in a copy of the metadata).
   */
  private levelWithMetadata(e: PushEntry, streamLevel: LevelChoice | null | undefined): LevelChoice | null {
    const sm = e.structuredMetadata;
    let bestRank = this.levelFields.length;
    let fromMetadata: string | undefined;
    let severity: string | undefined;
    for (let i = 0; i < sm.length; i++) {
      const l = sm[i]!;
      if (l.name === DETECTED_LEVEL) {
        const normal = normaliseLevel(l.value);
        if (normal !== l.value) {
          const copy = sm.slice();
          copy[i] = { name: DETECTED_LEVEL, value: normal };
          e.structuredMetadata = copy;
        }
        return null;
      }
      const rank = this.levelFieldRank.get(l.name);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        fromMetadata = l.value;
      }
      if (severity === undefined && l.name === SEVERITY_NUMBER) severity = l.value;
    }
    if (streamLevel !== undefined) return streamLevel;
    if (fromMetadata !== undefined) return this.choiceFor(normaliseLevel(fromMetadata));
    if (severity !== undefined && severity !== '') return this.choiceFor(levelOfSeverityNumber(severity));
    return KNOWN_LEVELS.get(this.levelOfLine(e.line))!;
  }

  /** The level of a line: JSON or logfmt level field, else the keyword scan. */
  levelOfLine(line: Uint8Array): string {
    if (looksLikeJson(line)) {
      const f = this.jsonLevel;
      if (f.find(line)) {
        const level = levelOfBytes(line, f.valueStart, f.valueEnd);
        if (level !== undefined) return level;
      }
    } else if (line.indexOf(0x3d) >= 0) {
      const f = this.logfmtLevel;
      if (f.find(line)) {
        const level = f.unquoted !== null ? levelOfString(f.unquoted) : levelOfBytes(line, f.valueStart, f.valueEnd);
        if (level !== undefined) return level;
      }
    }
    return levelFromText(line);
  }

  /** The level to add for a value; null for an empty value (Loki adds nothing then). */
  private choiceFor(value: string): LevelChoice | null {
    if (value === '') return null;
    return KNOWN_LEVELS.get(value) ?? levelChoice(value);
  }

  private metadataBytes(sm: readonly Label[]): number {
    let n = 0;
    for (const l of sm) n += labelBytes(l);
    return n;
  }

  /**
   * Appends each configured generic field found for the entry: from the
   * stream labels, else the metadata the entry was sent with, else the line
   * (JSON path or logfmt key). Like Loki, a field already present in the
   * metadata is appended again.
   */
  private addGenericFields(labels: Labels, sent: readonly Label[], e: PushEntry): number {
    let added = 0;
    let out: Label[] | null = null;
    for (const field of this.genericFields) {
      const value = firstOf(labels, field.hints) ?? firstOf(sent, field.hints) ?? this.genericFromLine(field, e.line);
      if (value === undefined || value === '') continue;
      out ??= e.structuredMetadata.slice();
      const label: Label = { name: field.name, value };
      out.push(label);
      added += labelBytes(label);
    }
    if (out !== null) e.structuredMetadata = out;
    return added;
  }

  private genericFromLine(field: GenericField, line: Buffer): string | undefined {
    if (looksLikeJson(line)) {
      for (const path of field.jsonPaths) {
        const v = jsonGet(line, path);
        if (v !== null) return line.toString('utf8', v.start, v.end);
      }
      return undefined;
    }
    if (line.length > 0 && line.indexOf(0x3d) >= 0 && field.logfmt.find(line)) return field.logfmt.valueText(line);
    return undefined;
  }
}

const detectors = new WeakMap<FieldDetectionLimits, FieldDetector | null>();

/**
 * The detector for a tenant's limits, or null when detection is off. Limits
 * objects live until the runtime configuration is reloaded, so one detector
 * (with its compiled field lists) serves every push in between.
 */
export function fieldDetectorFor(limits: FieldDetectionLimits): FieldDetector | null {
  let d = detectors.get(limits);
  if (d === undefined) {
    const detector = new FieldDetector(limits);
    d = detector.active ? detector : null;
    detectors.set(limits, d);
  }
  return d;
}
