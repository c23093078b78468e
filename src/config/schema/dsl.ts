// The vocabulary used to describe Loki's configuration tree.
//
// Every key of Loki's YAML is declared once with its type, its default (written the way Loki's
// reference documentation prints it, e.g. `dur('1h')`, `bytesize('512MB')`), the command-line flag
// that sets it and the Go type Loki decodes it into (used verbatim in error messages such as
// "cannot unmarshal !!str `x` into time.Duration"). The TypeScript type of the loaded
// configuration is inferred from these declarations (`ValueOf`), so a key exists in exactly one
// place.
//
// Units of loaded values: durations are milliseconds, byte sizes are bytes, `daytime` is a
// 'YYYY-MM-DD' string and `time` is milliseconds since the epoch (0 = unset).

import { networkInterfaces, hostname as osHostname } from 'node:os';
import { parseBase2Bytes, parseByteSize } from '../values/bytesize.js';
import { parseGoDuration, parsePromDuration } from '../values/duration.js';

export type ScalarKind =
  | 'string'
  | 'secret'
  | 'url'
  | 'int'
  | 'float'
  | 'bool'
  | 'duration'
  | 'model_duration'
  | 'bytesize'
  | 'bytes'
  | 'strings'
  | 'csv'
  | 'string_map'
  | 'daytime'
  | 'time'
  | 'any';

/** The Go type and lifecycle markers Loki attaches to a key. */
export interface SpecOptions {
  /** The Go type Loki decodes into, when it differs from the kind's usual one (e.g. `uint`, `config.Secret`). */
  readonly go?: string;
  /** Documented by Loki as deprecated; still accepted. */
  readonly deprecated?: boolean;
  /** Accepted by Loki but left out of its reference documentation. */
  readonly hidden?: boolean;
  /** Known to Loki 3.0 but gone from later 3.x releases; accepted so older files keep loading. */
  readonly removed?: boolean;
}

interface SpecBase {
  /** Go type name as Loki's YAML decoder reports it in errors. */
  readonly go: string;
  /** Command-line flag name without the leading dash. */
  readonly flag?: string;
  readonly deprecated?: boolean;
  readonly hidden?: boolean;
  readonly removed?: boolean;
}

export interface ScalarSpec<K extends ScalarKind = ScalarKind, V = unknown> extends SpecBase {
  readonly kind: K;
  readonly default: V;
}

export type Fields = { readonly [key: string]: Spec };

export interface BlockSpec<F extends Fields = Fields> extends SpecBase {
  readonly kind: 'block';
  readonly fields: F;
}

export interface ListSpec<E extends Spec = Spec> extends SpecBase {
  readonly kind: 'list';
  readonly elem: E;
}

export interface MapSpec<E extends Spec = Spec> extends SpecBase {
  readonly kind: 'map';
  readonly elem: E;
}

export type Spec = ScalarSpec | BlockSpec | ListSpec | MapSpec;

/** The loaded value described by a spec. */
export type ValueOf<S> =
  S extends ScalarSpec<ScalarKind, infer V>
    ? V
    : S extends BlockSpec<infer F>
      ? { [K in keyof F]: ValueOf<F[K]> }
      : S extends ListSpec<infer E>
        ? ValueOf<E>[]
        : S extends MapSpec<infer E>
          ? Record<string, ValueOf<E>>
          : never;

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

function withOptions<T extends SpecBase>(spec: Mutable<T>, flag: string | undefined, opts: SpecOptions | undefined): T {
  if (opts?.go !== undefined) spec.go = opts.go;
  if (flag !== undefined) spec.flag = flag;
  if (opts?.deprecated) spec.deprecated = true;
  if (opts?.hidden) spec.hidden = true;
  if (opts?.removed) spec.removed = true;
  return spec;
}

function scalar<K extends ScalarKind, V>(
  kind: K,
  go: string,
  def: V,
  flag: string | undefined,
  opts: SpecOptions | undefined,
): ScalarSpec<K, V> {
  return withOptions<ScalarSpec<K, V>>({ kind, go, default: def }, flag, opts);
}

export const str = (def: string, flag?: string, opts?: SpecOptions) => scalar('string', 'string', def, flag, opts);

/** A credential: loaded as given, printed masked. */
export const secret = (def: string, flag?: string, opts?: SpecOptions) =>
  scalar('secret', 'flagext.Secret', def, flag, opts);

export const url = (def: string, flag?: string, opts?: SpecOptions) =>
  scalar('url', 'flagext.URLValue', def, flag, opts);
export const int = (def: number, flag?: string, opts?: SpecOptions) => scalar('int', 'int', def, flag, opts);
export const float = (def: number, flag?: string, opts?: SpecOptions) => scalar('float', 'float64', def, flag, opts);
export const bool = (def: boolean, flag?: string, opts?: SpecOptions) => scalar('bool', 'bool', def, flag, opts);

/** Go `time.Duration` (units ns..h), loaded as milliseconds. */
export const dur = (def: string, flag?: string, opts?: SpecOptions) =>
  scalar('duration', 'time.Duration', parseGoDuration(def), flag, opts);

/** Prometheus `model.Duration` (units ms..y, e.g. `1d`, `1w`), loaded as milliseconds. */
export const mdur = (def: string, flag?: string, opts?: SpecOptions) =>
  scalar('model_duration', 'model.Duration', parsePromDuration(def), flag, opts);

/** Loki's `flagext.ByteSize` (`512MB`, `1536KB`, plain bytes), loaded as bytes. */
export const bytesize = (def: string, flag?: string, opts?: SpecOptions) =>
  scalar('bytesize', 'flagext.ByteSize', parseByteSize(def), flag, opts);

/** dskit's `flagext.Bytes` (`16KiB`, `64MB`; a unit is required), loaded as bytes. */
export const bytes = (def: string, flag?: string, opts?: SpecOptions) =>
  scalar('bytes', 'flagext.Bytes', parseBase2Bytes(def), flag, opts);

/** A YAML list of strings (`[]string`). */
export const strings = (def: readonly string[], flag?: string, opts?: SpecOptions) =>
  scalar('strings', '[]string', [...def], flag, opts);

/** `flagext.StringSliceCSV`: one comma-separated string in YAML, a list once loaded. */
export const csv = (def: readonly string[], flag?: string, opts?: SpecOptions) =>
  scalar('csv', 'flagext.StringSliceCSV', [...def], flag, opts);

export const strMap = (flag?: string, opts?: SpecOptions) =>
  scalar('string_map', 'map[string]string', {} as Record<string, string>, flag, opts);

/** A schema period start, `YYYY-MM-DD`. */
export const daytime = (opts?: SpecOptions) => scalar('daytime', 'config.DayTime', '', undefined, opts);

/** dskit's `flagext.Time`: a date or RFC 3339 time, loaded as epoch milliseconds (0 = unset). */
export const time = (flag?: string, opts?: SpecOptions) => scalar('time', 'flagext.Time', 0, flag, opts);

/** A value Loki passes through without a fixed shape. */
export const any = (opts?: SpecOptions) => scalar('any', 'interface {}', undefined as unknown, undefined, opts);

export function block<F extends Fields>(go: string, fields: F, opts?: SpecOptions): BlockSpec<F> {
  return withOptions<BlockSpec<F>>({ kind: 'block', go, fields }, undefined, opts);
}

export function list<E extends Spec>(elem: E, opts?: SpecOptions): ListSpec<E> {
  return withOptions<ListSpec<E>>({ kind: 'list', go: `[]${elem.go}`, elem }, undefined, opts);
}

export function map<E extends Spec>(elem: E, opts?: SpecOptions): MapSpec<E> {
  return withOptions<MapSpec<E>>({ kind: 'map', go: `map[string]${elem.go}`, elem }, undefined, opts);
}

/**
 * The flag name of a key inside a block that Loki registers under several prefixes
 * (`cache_config` as `frontend.`, `store.chunks-cache.`, ...). A null prefix means the instance has
 * no flags, as for entries of `named_stores`.
 */
export function f(prefix: string | null, name: string): string | undefined {
  if (prefix === null) return undefined;
  return prefix === '' ? name : `${prefix}.${name}`;
}

/**
 * A flag whose name does not carry the block's prefix (Loki registers it once, e.g. `-dynamodb.url`
 * inside `aws_storage_config`): present on the instance that registers flags, absent where the block
 * is reused without flags (prefix null).
 */
export function fixedFlag(prefix: string | null, name: string): string | undefined {
  return prefix === null ? undefined : name;
}

/** Loki's default instance id: the host name. */
export function hostname(): string {
  return osHostname();
}

/**
 * Loki's default network interfaces for ring registration: every interface holding a private
 * address, falling back to eth0 and en0 when there is none.
 */
export function privateNetworkInterfaces(): string[] {
  const names: string[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (addrs?.some((a) => !a.internal && isPrivateAddress(a.address, a.family))) names.push(name);
  }
  return names.length > 0 ? names : ['eth0', 'en0'];
}

function isPrivateAddress(address: string, family: string): boolean {
  if (family === 'IPv4') {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  return /^f[cd]/i.test(address);
}
