// text/template's predefined functions (funcs.go): and or not len index
// slice print printf println html js urlquery call eq ne lt le gt ge, with
// Go's comparison rules and error messages.

import { sprint, sprintf, sprintln } from './fmt.js';
import { fn, type TemplateFunction, TemplateFunctionError } from './functions.js';
import { isPrint } from './strconv.js';
import { queryEscape } from './urlcodec.js';
import {
  byteLength,
  GoInt,
  type GoValue,
  isAscii,
  isTrue,
  Kind,
  kindOf,
  mapGet,
  mapSize,
  mapZero,
  typeName,
} from './values.js';

function fail(msg: string): never {
  throw new TemplateFunctionError(msg);
}

// ---- comparison ----

const BasicKind = { Invalid: 0, Bool: 1, Complex: 2, Int: 3, Float: 4, String: 5, Uint: 6 } as const;
type BasicKind = (typeof BasicKind)[keyof typeof BasicKind];

function basicKind(v: GoValue): BasicKind {
  switch (kindOf(v)) {
    case Kind.Bool:
      return BasicKind.Bool;
    case Kind.Int:
      return BasicKind.Int;
    case Kind.Uint:
      return BasicKind.Uint;
    case Kind.Float:
      return BasicKind.Float;
    case Kind.String:
      return BasicKind.String;
    default:
      return BasicKind.Invalid;
  }
}

function intOf(v: GoValue): bigint {
  return typeof v === 'bigint' ? v : (v as GoInt).value;
}

/** reflect's nil-ness: no value, a nil interface, or (never here) nil maps and slices. */
function isNil(v: GoValue): boolean {
  return v === undefined || v === null;
}

/** Builtins see interface arguments unwrapped (Go's indirectInterface): a nil interface is no value. */
function unwrap(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

function incompatible(a: GoValue, b: GoValue): never {
  return fail(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
}

function eqValues(a: GoValue, b: GoValue, k1: BasicKind): boolean {
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if (k1 === BasicKind.Int && k2 === BasicKind.Uint) return intOf(a) >= 0n && intOf(a) === intOf(b);
    if (k1 === BasicKind.Uint && k2 === BasicKind.Int) return intOf(b) >= 0n && intOf(a) === intOf(b);
    if (a !== undefined && b !== undefined) incompatible(a, b);
    return false;
  }
  switch (k1) {
    case BasicKind.Bool:
    case BasicKind.Float:
    case BasicKind.String:
      return a === b;
    case BasicKind.Int:
    case BasicKind.Uint:
      return intOf(a) === intOf(b);
  }
  // Neither is a basic kind: only nil-ness and identical kinds compare.
  if (kindOf(a) !== kindOf(b) && a !== undefined && b !== undefined) {
    fail(`non-comparable types ${sprintf('%s', [a])}: ${typeName(a)}, ${typeName(b)}: ${sprintf('%v', [b])}`);
  }
  if (isNil(a) || isNil(b)) return isNil(a) === isNil(b);
  if (kindOf(b) === Kind.Map || kindOf(b) === Kind.Slice)
    fail(`non-comparable type ${sprintf('%s', [b])}: ${typeName(b)}`);
  return a === b;
}

function eq(args: GoValue[]): boolean {
  const a = unwrap(args[0]);
  if (args.length < 2) fail('missing argument for comparison');
  const k1 = basicKind(a);
  for (let i = 1; i < args.length; i++) if (eqValues(a, unwrap(args[i]), k1)) return true;
  return false;
}

function lt(x: GoValue, y: GoValue): boolean {
  const a = unwrap(x);
  const b = unwrap(y);
  const k1 = basicKind(a);
  if (k1 === BasicKind.Invalid) fail('invalid type for comparison');
  const k2 = basicKind(b);
  if (k2 === BasicKind.Invalid) fail('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === BasicKind.Int && k2 === BasicKind.Uint) return intOf(a) < 0n || intOf(a) < intOf(b);
    if (k1 === BasicKind.Uint && k2 === BasicKind.Int) return intOf(b) >= 0n && intOf(a) < intOf(b);
    incompatible(a, b);
  }
  switch (k1) {
    case BasicKind.Bool:
    case BasicKind.Complex:
      return fail('invalid type for comparison');
    case BasicKind.Float:
      return (a as number) < (b as number);
    case BasicKind.String:
      return compareStrings(a as string, b as string) < 0;
    default:
      return intOf(a) < intOf(b);
  }
}

/** Go compares strings bytewise (UTF-8), which is code point order. */
function compareStrings(a: string, b: string): number {
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function le(a: GoValue, b: GoValue): boolean {
  return lt(a, b) || eq([a, b]);
}

// ---- indexing and slicing ----

function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  switch (kindOf(index)) {
    case Kind.Int:
    case Kind.Uint:
      x = intOf(index);
      break;
    case Kind.Invalid:
    case Kind.Nil:
      return fail('cannot index slice/array with nil');
    default:
      return fail(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (x < 0n || x > BigInt(cap)) fail(`index out of range: ${x}`);
  return Number(x);
}

function index(args: GoValue[]): GoValue {
  let item = unwrap(args[0]);
  if (item === undefined) fail('index of untyped nil');
  for (let i = 1; i < args.length; i++) {
    const idx = unwrap(args[i]);
    if (item === null) fail('index of nil pointer');
    switch (kindOf(item)) {
      case Kind.String: {
        const s = item as string;
        const len = byteLength(s);
        const x = indexArg(idx, len);
        if (x === len) fail(`reflect: string index out of range`);
        item = new GoInt('uint8', BigInt(isAscii(s) ? s.charCodeAt(x) : utf8(s)[x]!));
        break;
      }
      case Kind.Slice: {
        const arr = item as readonly GoValue[];
        const x = indexArg(idx, arr.length);
        if (x === arr.length) fail('reflect: slice index out of range');
        item = arr[x];
        break;
      }
      case Kind.Map: {
        if (idx === undefined) fail('value is nil; should be of type string');
        if (typeof idx !== 'string') fail(`value has type ${typeName(idx)}; should be string`);
        const v = mapGet(item, idx);
        item = v === undefined ? mapZero(item) : v;
        break;
      }
      default:
        fail(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(args: GoValue[]): GoValue {
  const item = unwrap(args[0]);
  if (item === undefined) fail('slice of untyped nil');
  const n = args.length - 1;
  if (n > 3) fail(`too many slice indexes: ${n}`);
  let len: number;
  const kind = kindOf(item);
  if (kind === Kind.String) {
    if (n === 3) fail('cannot 3-index slice a string');
    len = byteLength(item as string);
  } else if (kind === Kind.Slice) len = (item as readonly GoValue[]).length;
  else return fail(`can't slice item of type ${typeName(item)}`);
  const idx = [0, len, 0];
  for (let i = 0; i < n; i++) idx[i] = indexArg(unwrap(args[i + 1]), len);
  if (idx[0]! > idx[1]!) fail(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (n === 3 && idx[1]! > idx[2]!) fail(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (kind === Kind.String) {
    const s = item as string;
    return isAscii(s) ? s.slice(idx[0], idx[1]) : utf8(s).subarray(idx[0], idx[1]).toString('utf8');
  }
  return (item as readonly GoValue[]).slice(idx[0], idx[1]);
}

function length(args: GoValue[]): GoValue {
  const item = args[0];
  if (item === null) fail('len of nil pointer');
  switch (kindOf(item)) {
    case Kind.String:
      return BigInt(byteLength(item as string));
    case Kind.Slice:
      return BigInt((item as readonly GoValue[]).length);
    case Kind.Map:
      return BigInt(mapSize(item));
    case Kind.Invalid:
      return fail('reflect: call of reflect.Value.Type on zero Value');
  }
  return fail(`len of type ${typeName(item)}`);
}

function call(args: GoValue[]): GoValue {
  const name = args[0] as string;
  const f = unwrap(args[1]);
  if (f === undefined) fail('call of nil');
  // Template data holds no Go functions, so anything else is a non-function.
  return fail(`non-function ${name} of type ${typeName(f)}`);
}

// ---- escaping ----

/** The text/template evalArgs rule: fmt.Sprint, except that "no value" prints as <no value>. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  const printable = args.map((a) => (a === undefined || a === null ? '<no value>' : a));
  return sprint(printable);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  "'": '&#39;',
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
};

export function htmlEscapeString(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]!);
}

export function jsEscapeString(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (r < 0x80 || isPrint(r)) out += ch;
    else out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

// ---- the function table ----

const anyValue = 'reflect.Value';

export const builtinFunctions: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  // and/or are evaluated by the executor itself, which short-circuits.
  ['and', fn([anyValue], () => undefined, anyValue)],
  ['or', fn([anyValue], () => undefined, anyValue)],
  ['not', fn([anyValue], (a) => !isTrue(unwrap(a[0])))],
  ['len', fn([anyValue], length)],
  ['index', fn([anyValue], index, anyValue)],
  ['slice', fn([anyValue], slice, anyValue)],
  // The executor passes call the callee's name ahead of the declared arguments.
  ['call', fn([anyValue], call, anyValue)],
  ['print', fn([], (a) => sprint(a), 'interface {}')],
  ['printf', fn(['string'], (a) => sprintf(a[0] as string, a.slice(1)), 'interface {}')],
  ['println', fn([], (a) => sprintln(a), 'interface {}')],
  ['html', fn([], (a) => htmlEscapeString(evalArgs(a)), 'interface {}')],
  ['js', fn([], (a) => jsEscapeString(evalArgs(a)), 'interface {}')],
  ['urlquery', fn([], (a) => queryEscape(evalArgs(a)), 'interface {}')],
  ['eq', fn([anyValue], eq, anyValue)],
  ['ne', fn([anyValue, anyValue], (a) => !eq(a))],
  ['lt', fn([anyValue, anyValue], (a) => lt(a[0], a[1]))],
  ['le', fn([anyValue, anyValue], (a) => le(a[0], a[1]))],
  ['gt', fn([anyValue, anyValue], (a) => !le(a[0], a[1]))],
  ['ge', fn([anyValue, anyValue], (a) => !lt(a[0], a[1]))],
]);
