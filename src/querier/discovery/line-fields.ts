// The fields of one log line as Loki's field detection sees them: the line is
// parsed as JSON, and when that fails as logfmt (lenient, empty values
// dropped). Fields are named exactly as `| json` and `| logfmt` name them,
// including `_extracted` for keys that collide with a stream label, so a field
// Grafana offers can be used in a query as it is.
import {
  compilePipeline,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  type Pipeline,
  PRESERVE_ERROR_LABEL,
} from '../../logql/log/index.js';
import type { Label, Labels } from '../../util/labels.js';
import { type JsonPaths, jsonPathsOf } from './json-paths.js';

export type LineParser = 'json' | 'logfmt';

export interface LineFields {
  parser: LineParser;
  fields: Labels;
  /** For JSON lines: each field's original key path. */
  jsonPaths?: JsonPaths;
}

const ERROR_LABELS: ReadonlySet<string> = new Set([ERROR_LABEL, ERROR_DETAILS_LABEL, PRESERVE_ERROR_LABEL]);

/** Whether a parsed label is one of the parsers' error labels, which are never fields. */
export function isErrorLabel(name: string): boolean {
  return ERROR_LABELS.has(name);
}

/**
 * Parses lines into fields. One instance compiles its two parsers once and
 * reuses them for every line; it is not meant to be shared between queries.
 */
export class LineFieldParser {
  private readonly json: Pipeline = compilePipeline([{ kind: 'json' }]);
  private readonly logfmt: Pipeline = compilePipeline([{ kind: 'logfmt', strict: false, keepEmpty: false }]);

  /** The fields of `line` in a stream with `streamLabels` (which decide the `_extracted` names). */
  parse(streamLabels: Labels, line: string): LineFields {
    const json = this.json.forStream(streamLabels);
    if (json.process(line, 0n) && json.error === '') {
      return { parser: 'json', fields: withoutErrors(json.labels().parsed), jsonPaths: jsonPathsOf(line) };
    }
    // Lenient logfmt never fails: a line that is neither format simply yields few or no fields.
    const logfmt = this.logfmt.forStream(streamLabels);
    logfmt.process(line, 0n);
    return { parser: 'logfmt', fields: withoutErrors(logfmt.labels().parsed) };
  }
}

function withoutErrors(labels: Labels): Labels {
  let clean = true;
  for (const l of labels) if (isErrorLabel(l.name)) clean = false;
  if (clean) return labels;
  return labels.filter((l: Label) => !isErrorLabel(l.name));
}
