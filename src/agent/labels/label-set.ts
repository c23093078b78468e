// An immutable set of labels, the identity of a stream on its way to Loki.
//
// Every line read from a file carries the same labels until a pipeline stage
// changes them, so a LabelSet is shared by reference and copied only on
// change. Its printed form `{a="b", c="d"}` (sorted, Go-quoted values) is what
// Promtail sends as the stream's labels and is computed once per set.
import { goQuote, type Label } from '../../util/labels.js';

/** The label that routes an entry to a tenant; never sent as a stream label. */
export const TENANT_LABEL = '__tenant_id__';

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus' legacy label name rule (`[a-zA-Z_][a-zA-Z0-9_]*`), which the labels stage enforces. */
export function isLegacyLabelName(name: string): boolean {
  return LEGACY_NAME.test(name);
}

/** Prometheus' UTF-8 label name rule: any non-empty valid UTF-8 text. */
export function isUtf8LabelName(name: string): boolean {
  return name.length > 0 && isWellFormed(name);
}

/** A label value must be valid UTF-8; JavaScript strings can only break that with lone surrogates. */
export function isValidLabelValue(value: string): boolean {
  return isWellFormed(value);
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class LabelSet {
  static readonly EMPTY = new LabelSet([], []);

  private cachedKey: string | undefined;
  private cachedStreamKey: string | undefined;
  /** name -> value -> this set with that label (see withCached). */
  private derived: Map<string, Map<string, LabelSet>> | undefined;

  /** Names sorted ascending; `values[i]` belongs to `names[i]`. Use the static constructors. */
  private constructor(
    private readonly names: readonly string[],
    private readonly values: readonly string[],
  ) {}

  static fromRecord(record: Readonly<Record<string, string>>): LabelSet {
    return LabelSet.fromEntries(Object.entries(record));
  }

  static fromMap(map: ReadonlyMap<string, string>): LabelSet {
    return LabelSet.fromEntries(map.entries());
  }

  static fromEntries(entries: Iterable<readonly [string, string]>): LabelSet {
    const pairs = [...entries].sort((a, b) => byName(a[0], b[0]));
    const names: string[] = [];
    const values: string[] = [];
    for (const [name, value] of pairs) {
      if (names.length > 0 && names[names.length - 1] === name) values[values.length - 1] = value;
      else {
        names.push(name);
        values.push(value);
      }
    }
    return names.length === 0 ? LabelSet.EMPTY : new LabelSet(names, values);
  }

  get size(): number {
    return this.names.length;
  }

  private indexOf(name: string): number {
    const names = this.names;
    let lo = 0;
    let hi = names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = names[mid]!;
      if (n === name) return mid;
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(name: string): string | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.values[i];
  }

  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /** A set with `name` set to `value` (an existing value is replaced). */
  with(name: string, value: string): LabelSet {
    const i = this.indexOf(name);
    if (i >= 0) {
      if (this.values[i] === value) return this;
      const values = [...this.values];
      values[i] = value;
      return new LabelSet(this.names, values);
    }
    const names = [...this.names];
    const values = [...this.values];
    let at = names.length;
    while (at > 0 && names[at - 1]! > name) at--;
    names.splice(at, 0, name);
    values.splice(at, 0, value);
    return new LabelSet(names, values);
  }

  /**
   * `with`, remembering the result: stages that add one of a few values per
   * line (the cri stage's `stream`) then hand out the same set every time,
   * so its printed form is computed once.
   */
  withCached(name: string, value: string): LabelSet {
    this.derived ??= new Map();
    let byValue = this.derived.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.derived.set(name, byValue);
    }
    let set = byValue.get(value);
    if (set === undefined) {
      set = this.with(name, value);
      if (byValue.size < 64) byValue.set(value, set);
    }
    return set;
  }

  without(name: string): LabelSet {
    const i = this.indexOf(name);
    if (i < 0) return this;
    const names = [...this.names];
    const values = [...this.values];
    names.splice(i, 1);
    values.splice(i, 1);
    return names.length === 0 ? LabelSet.EMPTY : new LabelSet(names, values);
  }

  /** Keeps the labels for which `keep` is true. */
  filter(keep: (name: string, value: string) => boolean): LabelSet {
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (keep(this.names[i]!, this.values[i]!)) {
        names.push(this.names[i]!);
        values.push(this.values[i]!);
      }
    }
    if (names.length === this.names.length) return this;
    return names.length === 0 ? LabelSet.EMPTY : new LabelSet(names, values);
  }

  /** This set with every label of `over` added; on a clash `over` wins (Prometheus' LabelSet.Merge). */
  merge(over: LabelSet): LabelSet {
    if (over.size === 0) return this;
    if (this.size === 0) return over;
    const map = this.toMap();
    over.forEach((n, v) => {
      map.set(n, v);
    });
    return LabelSet.fromMap(map);
  }

  forEach(fn: (name: string, value: string) => void): void {
    for (let i = 0; i < this.names.length; i++) fn(this.names[i]!, this.values[i]!);
  }

  toMap(): Map<string, string> {
    const map = new Map<string, string>();
    this.forEach((n, v) => {
      map.set(n, v);
    });
    return map;
  }

  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    this.forEach((n, v) => {
      out[n] = v;
    });
    return out;
  }

  toLabels(): Label[] {
    return this.names.map((name, i) => ({ name, value: this.values[i]! }));
  }

  equals(other: LabelSet): boolean {
    if (this === other) return true;
    if (this.size !== other.size) return false;
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] !== other.names[i] || this.values[i] !== other.values[i]) return false;
    }
    return true;
  }

  /** `{a="b", c="d"}`: Prometheus' LabelSet.String(), also the key of per-stream state. */
  toString(): string {
    if (this.cachedKey === undefined) this.cachedKey = render(this.names, this.values, undefined);
    return this.cachedKey;
  }

  /** The labels as sent to Loki: the printed form without the tenant label. */
  streamKey(): string {
    if (this.cachedStreamKey === undefined) {
      this.cachedStreamKey = this.has(TENANT_LABEL) ? render(this.names, this.values, TENANT_LABEL) : this.toString();
    }
    return this.cachedStreamKey;
  }
}

function render(names: readonly string[], values: readonly string[], skip: string | undefined): string {
  let out = '{';
  let first = true;
  for (let i = 0; i < names.length; i++) {
    if (names[i] === skip) continue;
    if (!first) out += ', ';
    first = false;
    out += `${names[i]}=${goQuote(values[i]!)}`;
  }
  return `${out}}`;
}
