// Plain-scalar resolution with the YAML 1.1 rules of Go's yaml.v2, which Loki uses to read its
// config: `yes`/`on`/`off` are booleans, `0x1F` and `0o17` are integers, `010` is octal, `1_000`
// is 1000, `2024-01-01` is a timestamp (kept as text for string fields), `~` is null.

export type YamlTag =
  | '!!null'
  | '!!bool'
  | '!!int'
  | '!!float'
  | '!!str'
  | '!!timestamp'
  | '!!map'
  | '!!seq'
  | '!!merge';

export interface Resolved {
  readonly tag: YamlTag;
  /** null, boolean, number (int or float) or the text itself. */
  readonly value: null | boolean | number | string;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ['.nan', Number.NaN],
  ['.NaN', Number.NaN],
  ['.NAN', Number.NaN],
  ['.inf', Number.POSITIVE_INFINITY],
  ['.Inf', Number.POSITIVE_INFINITY],
  ['.INF', Number.POSITIVE_INFINITY],
  ['+.inf', Number.POSITIVE_INFINITY],
  ['+.Inf', Number.POSITIVE_INFINITY],
  ['+.INF', Number.POSITIVE_INFINITY],
  ['-.inf', Number.NEGATIVE_INFINITY],
  ['-.Inf', Number.NEGATIVE_INFINITY],
  ['-.INF', Number.NEGATIVE_INFINITY],
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]| )\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:Z|[-+]\d{2}:\d{2})?)?$/;

/** Resolves an untagged plain scalar the way yaml.v2 does. */
export function resolvePlain(text: string): Resolved {
  if (NULLS.has(text)) return { tag: '!!null', value: null };
  const first = text[0]!;
  if ('yYnNtTfFoO~'.includes(first)) {
    if (TRUES.has(text)) return { tag: '!!bool', value: true };
    if (FALSES.has(text)) return { tag: '!!bool', value: false };
    return { tag: '!!str', value: text };
  }
  if (first === '.' || first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    const special = SPECIAL_FLOATS.get(text);
    if (special !== undefined) return { tag: '!!float', value: special };
    if (text === '<<') return { tag: '!!merge', value: text };
    if (first === '.') {
      const f = goParseFloat(text);
      return f === null ? { tag: '!!str', value: text } : { tag: '!!float', value: f };
    }
    if (TIMESTAMP.test(text)) return { tag: '!!timestamp', value: text };
    const plain = text.replaceAll('_', '');
    const int = goParseInt(plain);
    if (int !== null) return { tag: '!!int', value: int };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = goParseFloat(plain);
      if (f !== null) return { tag: '!!float', value: f };
    }
    return { tag: '!!str', value: text };
  }
  if (text === '<<') return { tag: '!!merge', value: text };
  return { tag: '!!str', value: text };
}

/** Go's strconv.ParseInt(s, 0, 64) (falling back to ParseUint), as a JS number. */
function goParseInt(s: string): number | null {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const sign = m[1] === '-' ? -1n : 1n;
  const body = m[2]!;
  let n: bigint;
  if (/^0[oO]/.test(body)) n = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body);
  n *= sign;
  if (n < -(1n << 63n) || n > (1n << 64n) - 1n) return null;
  if (sign < 0n && m[2] !== undefined && n > 0n) return null;
  return Number(n);
}

/** Go's strconv.ParseFloat for the forms yaml.v2 hands it. */
function goParseFloat(s: string): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  return Number(s);
}
