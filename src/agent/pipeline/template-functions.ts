// The functions available to the template and replace stages. Promtail
// offers sprig's text functions plus a few of its own; Skald's Go template
// engine already carries the sprig subset Loki uses (lower, trunc, replace,
// regexReplaceAll, date, default, ...), to which this adds Promtail's own
// (Hash, Sha2Hash) and the sprig functions most often seen in agent configs.
import { createHash } from 'node:crypto';
import {
  type FunctionMap,
  fn,
  type GoValue,
  lokiFunctions,
  TemplateFunctionError,
} from '../../logql/template/index.js';
import { compileGoRegexp } from '../../util/regexp.js';

const S = 'string' as const;
const ANY = 'interface {}' as const;

function str(v: GoValue): string {
  return v as string;
}

/** fmt.Sprint of a single value, as sprig's toString does for the common kinds. */
function toText(v: GoValue): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return String(v);
}

function empty(v: GoValue): boolean {
  if (v === null || v === undefined || v === '' || v === false || v === 0 || v === 0n) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  return false;
}

function regex(pattern: string) {
  try {
    return compileGoRegexp(pattern);
  } catch (err) {
    throw new TemplateFunctionError((err as Error).message);
  }
}

const { __line__: _line, __timestamp__: _timestamp, ...shared } = lokiFunctions;

export const promtailTemplateFunctions: FunctionMap = {
  ...shared,
  Hash: fn([S, S], (a) =>
    createHash('sha3-256')
      .update(str(a[0]) + str(a[1]))
      .digest('hex'),
  ),
  Sha2Hash: fn([S, S], (a) =>
    createHash('sha256')
      .update(str(a[0]) + str(a[1]))
      .digest('hex'),
  ),
  sha1sum: fn([S], (a) => createHash('sha1').update(str(a[0])).digest('hex')),
  sha256sum: fn([S], (a) => createHash('sha256').update(str(a[0])).digest('hex')),
  quote: fn(
    [],
    (a) =>
      a
        .filter((v) => v !== null && v !== undefined)
        .map((v) => JSON.stringify(toText(v)))
        .join(' '),
    ANY,
  ),
  squote: fn(
    [],
    (a) =>
      a
        .filter((v) => v !== null && v !== undefined)
        .map((v) => `'${toText(v)}'`)
        .join(' '),
    ANY,
  ),
  toString: fn([ANY], (a) => toText(a[0])),
  cat: fn(
    [],
    (a) =>
      a
        .filter((v) => v !== null && v !== undefined)
        .map(toText)
        .join(' '),
    ANY,
  ),
  empty: fn([ANY], (a) => empty(a[0])),
  coalesce: fn([], (a) => a.find((v) => !empty(v)) ?? null, ANY),
  ternary: fn([ANY, ANY, 'bool'], (a) => (a[2] ? a[0] : a[1])),
  regexMatch: fn([S, S], (a) => regex(str(a[0])).test(str(a[1]))),
  regexFind: fn([S, S], (a) => {
    const s = str(a[1]);
    const m = regex(str(a[0])).exec(s);
    return m ? s.slice(m[0], m[1]) : '';
  }),
};
