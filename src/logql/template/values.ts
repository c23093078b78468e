// Go values as templates see them, mapped onto JavaScript values without
// wrapping the common cases:
//
//   Go                              JavaScript
//   string                          string
//   bool                            boolean
//   int                             bigint
//   float64                         number
//   int64, uint8, time.Month, ...   GoInt (the type name travels with the value)
//   time.Time                       GoTime
//   []interface {}                  array
//   map[string]interface {}         Map<string, GoValue> or a plain object
//   map[string]string               GoStringMap (the label set of a log line)
//   nil interface value             null
//   "no value" (invalid reflect.Value, e.g. a missing map entry)  undefined
//
// Plain objects are read with own-property checks only, so keys such as
// "constructor" or "__proto__" behave as ordinary map keys.
import { GoTime } from './gotime.js';

/** Names of the sized or named integer types a GoInt can carry. */
export type GoIntType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'time.Month'
  | 'time.Weekday';

/** An integer of a Go type other than plain `int` (which is a bare bigint). */
export class GoInt {
  constructor(
    readonly type: GoIntType,
    readonly value: bigint,
  ) {}

  get unsigned(): boolean {
    return this.type.startsWith('u');
  }
}

/**
 * Where a label set comes from: a Map (or anything with `get`), or a lookup
 * function. Iterating the whole set (range, print, len) needs `entries`; a
 * bare function then looks like an empty map.
 */
export type LabelSource =
  | { get(name: string): string | undefined; entries?(): Iterable<[string, string]> }
  | ((name: string) => string | undefined);

/** Go's map[string]string over a caller-owned label source. */
export class GoStringMap {
  constructor(public source: LabelSource) {}

  get(name: string): string | undefined {
    const s = this.source;
    return typeof s === 'function' ? s(name) : s.get(name);
  }

  entries(): Array<[string, string]> {
    const s = this.source;
    if (typeof s === 'function' || !s.entries) return [];
    return [...s.entries()];
  }
}

export type GoMapObject = { readonly [key: string]: GoValue };

export type GoValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | GoInt
  | GoTime
  | GoStringMap
  | ReadonlyMap<string, GoValue>
  | readonly GoValue[]
  | GoMapObject;

/** reflect.Kind, reduced to what templates distinguish. */
export const Kind = {
  Invalid: 0,
  Nil: 1, // a nil interface value
  Bool: 2,
  Int: 3,
  Uint: 4,
  Float: 5,
  String: 6,
  Slice: 7,
  Map: 8,
  Struct: 9,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

function isGoTime(v: unknown): v is GoTime {
  return v instanceof GoTime;
}

export function isMapValue(v: GoValue): v is ReadonlyMap<string, GoValue> | GoMapObject | GoStringMap {
  return kindOf(v) === Kind.Map;
}

export function kindOf(v: GoValue): Kind {
  switch (typeof v) {
    case 'string':
      return Kind.String;
    case 'bigint':
      return Kind.Int;
    case 'number':
      return Kind.Float;
    case 'boolean':
      return Kind.Bool;
    case 'undefined':
      return Kind.Invalid;
  }
  if (v === null) return Kind.Nil;
  if (v instanceof GoInt) return v.unsigned ? Kind.Uint : Kind.Int;
  if (Array.isArray(v)) return Kind.Slice;
  if (v instanceof GoStringMap || v instanceof Map) return Kind.Map;
  if (isGoTime(v)) return Kind.Struct;
  return Kind.Map;
}

/** The Go type name, as %T and error messages print it. */
export function typeName(v: GoValue): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return '<nil>';
  }
  if (v === null) return 'interface {}';
  if (v instanceof GoInt) return v.type;
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoStringMap) return 'map[string]string';
  if (isGoTime(v)) return 'time.Time';
  return 'map[string]interface {}';
}

/** The integer value of an Int or Uint kind value. */
export function intValue(v: GoValue): bigint {
  return typeof v === 'bigint' ? v : (v as GoInt).value;
}

/** Whether a container's elements are interface values (true for everything but label maps). */
export function elementsAreInterfaces(container: GoValue): boolean {
  return !(container instanceof GoStringMap);
}

/** Map lookup: the element, or undefined when the key is absent. */
export function mapGet(m: GoValue, key: string): GoValue {
  if (m instanceof GoStringMap) return m.get(key);
  if (m instanceof Map) return m.get(key);
  const obj = m as GoMapObject;
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The zero value of a map's element type: "" for label maps, a nil interface otherwise. */
export function mapZero(m: GoValue): GoValue {
  return m instanceof GoStringMap ? '' : null;
}

/** Go's fmtsort order for string keys: byte-wise on UTF-8, i.e. by code point. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in UTF-8.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The entries of a map, sorted by key as Go's fmt and range do. */
export function sortedEntries(m: GoValue): Array<[string, GoValue]> {
  let entries: Array<[string, GoValue]>;
  if (m instanceof GoStringMap) entries = m.entries();
  else if (m instanceof Map) entries = [...(m as ReadonlyMap<string, GoValue>).entries()];
  else entries = Object.entries(m as GoMapObject);
  return entries.sort((a, b) => compareKeys(a[0], b[0]));
}

export function mapSize(m: GoValue): number {
  if (m instanceof GoStringMap) return m.entries().length;
  if (m instanceof Map) return m.size;
  return Object.keys(m as GoMapObject).length;
}

/** True when a string has only ASCII characters, so UTF-16 and UTF-8 indices agree. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** len(s) for a Go string: its UTF-8 byte length. */
export function byteLength(s: string): number {
  return isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** Go's truth test used by if, with, and, or, not. */
export function isTrue(v: GoValue): boolean {
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'undefined':
      return false;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.value !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (isGoTime(v)) return true;
  return mapSize(v) > 0;
}

/** Wraps an int64 result (sprig's arithmetic returns int64). */
export function int64(v: bigint): GoInt {
  return new GoInt('int64', BigInt.asIntN(64, v));
}
