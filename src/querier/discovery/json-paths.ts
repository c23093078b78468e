// Where in a JSON line each field that `| json` extracts came from. The json
// parser flattens nested keys into one label (`{"user":{"id":1}}` gives
// `user_id`); Grafana needs the original path (`["user","id"]`) to build a
// `| json user_id="user.id"` expression, so detected fields report it as
// `jsonPath`, as Loki does.
import { appendSanitizedPath } from '../../logql/log/sanitize.js';

const DUPLICATE_SUFFIX = '_extracted';

export type JsonPaths = ReadonlyMap<string, readonly string[]>;

/**
 * The original key path of every label `| json` extracts from `line`, by
 * label name (flattened and sanitised exactly as the parser names them).
 * Empty when the line is not a JSON object.
 */
export function jsonPathsOf(line: string): JsonPaths {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return new Map();
  }
  const paths = new Map<string, string[]>();
  if (isObject(value)) collect(value, '', [], paths);
  return paths;
}

/**
 * The path of a label the json parser extracted. A key whose name was taken
 * by a stream label was extracted as `<name>_extracted`; its path is the
 * path of the original key.
 */
export function jsonPathOf(paths: JsonPaths, label: string): readonly string[] | undefined {
  const direct = paths.get(label);
  if (direct !== undefined || !label.endsWith(DUPLICATE_SUFFIX)) return direct;
  return paths.get(label.slice(0, -DUPLICATE_SUFFIX.length));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collect(obj: Record<string, unknown>, prefix: string, path: string[], out: Map<string, string[]>): void {
  for (const [key, value] of Object.entries(obj)) {
    const name = appendSanitizedPath(prefix, key);
    if (isObject(value)) {
      collect(value, name, [...path, key], out);
      continue;
    }
    // The parser keeps strings, numbers and booleans; arrays and nulls yield no label.
    const kind = typeof value;
    if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') continue;
    if (name.length === 0 || out.has(name)) continue;
    out.set(name, [...path, key]);
  }
}
