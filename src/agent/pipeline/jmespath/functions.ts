// The JMESPath built-in functions, with the specification's argument types.
import { goJsonMarshal } from '../go-json.js';
import { deepEqual, isObject, JmespathRuntimeError, visit } from './interpreter.js';
import type { Node } from './parser.js';

/** `&expr` passed to a function. */
export interface ExpressionRef {
  expref: Node;
}

type Kind = 'number' | 'string' | 'boolean' | 'array' | 'object' | 'null' | 'expref';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (isObject(v) && 'expref' in v && Object.keys(v).length === 1 && typeof v.expref === 'object') return 'expref';
  return 'object';
}

function invalid(name: string, v: unknown, expected: string): never {
  throw new JmespathRuntimeError(`invalid type for ${name}: ${kindOf(v)}, expected ${expected}`);
}

type Impl = (args: unknown[]) => unknown;

interface Builtin {
  /** Exact number of arguments; undefined for variadic functions. */
  readonly arity: number | undefined;
  readonly impl: Impl;
}

function fixed(arity: number, impl: Impl): Builtin {
  return { arity, impl };
}

function variadic(impl: Impl): Builtin {
  return { arity: undefined, impl };
}

function num(name: string, v: unknown): number {
  return typeof v === 'number' ? v : invalid(name, v, 'number');
}

function str(name: string, v: unknown): string {
  return typeof v === 'string' ? v : invalid(name, v, 'string');
}

function arr(name: string, v: unknown): unknown[] {
  return Array.isArray(v) ? v : invalid(name, v, 'array');
}

function obj(name: string, v: unknown): Record<string, unknown> {
  return isObject(v) ? v : invalid(name, v, 'object');
}

function ref(name: string, v: unknown): Node {
  return kindOf(v) === 'expref' ? (v as ExpressionRef).expref : invalid(name, v, 'expression');
}

function numbers(name: string, v: unknown): number[] {
  const a = arr(name, v);
  for (const x of a) if (typeof x !== 'number') invalid(name, x, 'array[number]');
  return a as number[];
}

/** An array of all numbers or all strings (for sort, min and max). */
function comparable(name: string, v: unknown): number[] | string[] {
  const a = arr(name, v);
  if (a.length === 0) return [];
  const kind = typeof a[0];
  if (kind !== 'number' && kind !== 'string') invalid(name, a[0], 'array[number] or array[string]');
  for (const x of a) if (typeof x !== kind) invalid(name, x, `array[${kind}]`);
  return a as number[] | string[];
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function keyed(name: string, items: unknown[], expr: Node): Array<{ item: unknown; key: number | string }> {
  const out = items.map((item) => ({ item, key: visit(expr, item) as number | string }));
  if (out.length === 0) return out;
  const kind = typeof out[0]!.key;
  for (const x of out) {
    if ((typeof x.key !== 'number' && typeof x.key !== 'string') || typeof x.key !== kind) {
      invalid(name, x.key, 'number or string');
    }
  }
  return out;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim()) && v.trim() === v) {
    return Number(v);
  }
  return null;
}

const FUNCTIONS: Readonly<Record<string, Builtin>> = {
  abs: fixed(1, (a) => Math.abs(num('abs', a[0]))),
  avg: fixed(1, (a) => {
    const n = numbers('avg', a[0]);
    return n.length === 0 ? null : n.reduce((x, y) => x + y, 0) / n.length;
  }),
  ceil: fixed(1, (a) => Math.ceil(num('ceil', a[0]))),
  contains: fixed(2, (a) => {
    if (typeof a[0] === 'string') return typeof a[1] === 'string' && a[0].includes(a[1]);
    return arr('contains', a[0]).some((x) => deepEqual(x, a[1]));
  }),
  ends_with: fixed(2, (a) => str('ends_with', a[0]).endsWith(str('ends_with', a[1]))),
  floor: fixed(1, (a) => Math.floor(num('floor', a[0]))),
  join: fixed(2, (a) => {
    const sep = str('join', a[0]);
    return arr('join', a[1])
      .map((x) => str('join', x))
      .join(sep);
  }),
  keys: fixed(1, (a) => Object.keys(obj('keys', a[0]))),
  length: fixed(1, (a) => {
    const v = a[0];
    if (typeof v === 'string') return codePoints(v);
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    return invalid('length', v, 'string, array or object');
  }),
  map: fixed(2, (a) => {
    const expr = ref('map', a[0]);
    return arr('map', a[1]).map((x) => visit(expr, x));
  }),
  max: fixed(1, (a) => {
    const v = comparable('max', a[0]);
    return v.length === 0 ? null : (v as Array<number | string>).reduce((x, y) => (compare(y, x) > 0 ? y : x));
  }),
  max_by: fixed(2, (a) => {
    const items = keyed('max_by', arr('max_by', a[0]), ref('max_by', a[1]));
    return items.length === 0 ? null : items.reduce((x, y) => (compare(y.key, x.key) > 0 ? y : x)).item;
  }),
  merge: variadic((a) => Object.assign({}, ...a.map((x) => obj('merge', x)))),
  min: fixed(1, (a) => {
    const v = comparable('min', a[0]);
    return v.length === 0 ? null : (v as Array<number | string>).reduce((x, y) => (compare(y, x) < 0 ? y : x));
  }),
  min_by: fixed(2, (a) => {
    const items = keyed('min_by', arr('min_by', a[0]), ref('min_by', a[1]));
    return items.length === 0 ? null : items.reduce((x, y) => (compare(y.key, x.key) < 0 ? y : x)).item;
  }),
  not_null: variadic((a) => {
    if (a.length === 0) throw new JmespathRuntimeError('invalid number of arguments for not_null: 0');
    return a.find((x) => x !== null && x !== undefined) ?? null;
  }),
  reverse: fixed(1, (a) => {
    if (typeof a[0] === 'string') return [...a[0]].reverse().join('');
    return [...arr('reverse', a[0])].reverse();
  }),
  sort: fixed(1, (a) => [...comparable('sort', a[0])].sort(compare)),
  sort_by: fixed(2, (a) => {
    const items = keyed('sort_by', arr('sort_by', a[0]), ref('sort_by', a[1]));
    return items.sort((x, y) => compare(x.key, y.key)).map((x) => x.item);
  }),
  starts_with: fixed(2, (a) => str('starts_with', a[0]).startsWith(str('starts_with', a[1]))),
  sum: fixed(1, (a) => numbers('sum', a[0]).reduce((x, y) => x + y, 0)),
  to_array: fixed(1, (a) => (Array.isArray(a[0]) ? a[0] : [a[0]])),
  to_number: fixed(1, (a) => toNumber(a[0])),
  to_string: fixed(1, (a) => (typeof a[0] === 'string' ? a[0] : goJsonMarshal(a[0]))),
  type: fixed(1, (a) => kindOf(a[0])),
  values: fixed(1, (a) => Object.values(obj('values', a[0]))),
};

export function callFunction(name: string, args: unknown[]): unknown {
  const f = FUNCTIONS[name];
  if (!f) throw new JmespathRuntimeError(`unknown function: ${name}`);
  if (f.arity !== undefined && args.length !== f.arity) {
    throw new JmespathRuntimeError(`invalid number of arguments for ${name}: ${args.length}`);
  }
  return f.impl(args);
}
