// Detected fields: what Grafana's query builder and Logs Drilldown offer as
// filterable fields of a query's logs. Loki samples the newest lines of the
// query and collects, per field name, its type, its number of distinct values,
// and where it came from: structured metadata (no parser) or the JSON/logfmt
// parser that found it in the line (with the JSON key path).
//
// Cardinality is the exact number of distinct values in the sample. Loki
// estimates it with a HyperLogLog sketch, which is exact at the sizes a sample
// of a few hundred or thousand lines produces, so the two agree in practice.
import type { Labels } from '../../util/labels.js';
import { normalizeByteValue } from './byte-values.js';
import { type DetectedFieldType, determineFieldType } from './field-types.js';
import { type JsonPaths, jsonPathOf } from './json-paths.js';
import { isErrorLabel, type LineFieldParser, type LineParser } from './line-fields.js';

/** One log line of the sample, with its labels split into Loki's categories. */
export interface SampledEntry {
  line: string;
  /** The stream's indexed labels. */
  stream: Labels;
  structuredMetadata: Labels;
  /** Labels the query's own parsers extracted. */
  parsed: Labels;
}

export interface DetectedField {
  label: string;
  type: DetectedFieldType;
  cardinality: number;
  /** `null` for structured metadata, otherwise the parsers that found the field. */
  parsers: LineParser[] | null;
  jsonPath?: readonly string[];
}

class FieldState {
  type: DetectedFieldType = 'string';
  readonly values = new Set<string>();
  readonly parsers: LineParser[] = [];
  jsonPath: readonly string[] | undefined;

  /**
   * Loki re-infers the type from the first value of every line that has the
   * field, so the reported type is that of the last line examined.
   */
  add(values: readonly string[]): void {
    if (values.length === 0) return;
    this.type = determineFieldType(values[0]!);
    for (const v of values) this.values.add(v);
  }
}

/** Distinct values per label name, names in sorted order (so a full sample keeps the same fields every time). */
function groupValues(labels: Labels, into: Map<string, string[]> = new Map()): Map<string, string[]> {
  for (const l of labels) {
    const values = into.get(l.name);
    if (values === undefined) into.set(l.name, [l.value]);
    else if (!values.includes(l.value)) values.push(l.value);
  }
  return into;
}

function sortedEntries(m: Map<string, string[]>): Array<[string, string[]]> {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The parsed fields of an entry: the query's parsed labels plus what parsing the line finds. */
export function entryFields(
  entry: SampledEntry,
  parser: LineFieldParser,
): { fields: Map<string, string[]>; parser: LineParser; jsonPaths?: JsonPaths } {
  const fields = new Map<string, string[]>();
  groupValues(
    entry.parsed.filter((l) => !isErrorLabel(l.name)),
    fields,
  );
  const found = parser.parse(entry.stream, entry.line);
  groupValues(found.fields, fields);
  return { fields, parser: found.parser, jsonPaths: found.jsonPaths };
}

/** Accumulates detected fields over sampled entries, up to `limit` distinct fields. */
export class FieldDetector {
  private readonly fields = new Map<string, FieldState>();

  constructor(
    private readonly limit: number,
    private readonly parser: LineFieldParser,
  ) {}

  add(entry: SampledEntry): void {
    for (const [name, values] of sortedEntries(groupValues(entry.structuredMetadata))) {
      this.field(name)?.add(values);
    }
    const { fields, parser, jsonPaths } = entryFields(entry, this.parser);
    for (const [name, values] of sortedEntries(fields)) {
      const field = this.field(name);
      if (field === undefined) continue;
      if (!field.parsers.includes(parser)) field.parsers.push(parser);
      // As in Loki, the path comes from the latest JSON line, and a field that line did not have loses it.
      if (parser === 'json') field.jsonPath = jsonPaths ? jsonPathOf(jsonPaths, name) : undefined;
      field.add(values);
    }
  }

  /** The fields found so far, sorted by name. */
  result(): DetectedField[] {
    const out: DetectedField[] = [];
    for (const [label, f] of [...this.fields].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const field: DetectedField = {
        label,
        type: f.type,
        cardinality: f.values.size,
        parsers: f.parsers.length > 0 ? [...f.parsers] : null,
      };
      if (f.jsonPath !== undefined && f.jsonPath.length > 0) field.jsonPath = f.jsonPath;
      out.push(field);
    }
    return out;
  }

  private field(name: string): FieldState | undefined {
    const known = this.fields.get(name);
    if (known !== undefined || this.fields.size >= this.limit) return known;
    const created = new FieldState();
    this.fields.set(name, created);
    return created;
  }
}

/**
 * The distinct values of one field over sampled entries, for
 * `detected_field/{name}/values`. Like Loki, it stops taking lines once
 * `limit` values are known (the line being read may still add a few).
 */
export class FieldValueCollector {
  private readonly values = new Set<string>();

  constructor(
    private readonly name: string,
    private readonly limit: number,
    private readonly parser: LineFieldParser,
  ) {}

  get full(): boolean {
    return this.values.size >= this.limit;
  }

  add(entry: SampledEntry): void {
    if (this.full) return;
    for (const l of entry.structuredMetadata) if (l.name === this.name) this.values.add(l.value);
    const { fields } = entryFields(entry, this.parser);
    for (const v of fields.get(this.name) ?? []) this.values.add(normalizeByteValue(v));
  }

  /** The values, sorted. */
  result(): string[] {
    return [...this.values].sort();
  }
}
