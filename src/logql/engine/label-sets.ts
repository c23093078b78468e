// Label-set operations of the metric evaluator: identity keys, Go's ordering,
// and the projections used by grouping and vector matching.
//
// Keys are built once per series (never per sample) and joined with bytes
// that cannot occur in label names, so two different label sets never share
// a key. Label values may be empty: LogQL keeps empty-valued labels produced
// by parsers, and Loki tells `{a=""}` apart from `{}` everywhere except in
// `group_left`/`group_right` include labels.
import type { Label, Labels } from '../../util/labels.js';

const sep = '\xff';

/** A string identifying a label set (the set itself, not its order of construction). */
export function labelsKey(labels: Labels): string {
  let key = '';
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    key += l.name + sep + l.value + sep;
  }
  return key;
}

/** Only the labels named in `names` (any order). */
export function keepLabels(labels: Labels, names: readonly string[]): Label[] {
  const out: Label[] = [];
  for (const l of labels) if (names.includes(l.name)) out.push(l);
  return out;
}

/** Every label except those named in `names`. */
export function dropLabels(labels: Labels, names: readonly string[]): Label[] {
  const out: Label[] = [];
  for (const l of labels) if (!names.includes(l.name)) out.push(l);
  return out;
}

/** `labels` with `name` set to `value` (added in sorted position or replaced). */
export function setLabel(labels: Labels, name: string, value: string): Label[] {
  const out: Label[] = [];
  let done = false;
  for (const l of labels) {
    if (!done && l.name >= name) {
      done = true;
      out.push({ name, value });
      if (l.name === name) continue;
    }
    out.push(l);
  }
  if (!done) out.push({ name, value });
  return out;
}

/** `labels` without `name`. */
export function deleteLabel(labels: Labels, name: string): Label[] {
  return labels.filter((l) => l.name !== name);
}

/**
 * Go's string order (bytes of the UTF-8 encoding). UTF-16 code-unit order
 * agrees except between surrogates and U+E000..U+FFFF, which are remapped.
 */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca - cb;
  }
  return a.length - b.length;
}

/** Prometheus' labels.Compare: label by label (name, then value), then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name) return compareGoStrings(x.name, y.name);
    if (x.value !== y.value) return compareGoStrings(x.value, y.value);
  }
  return a.length - b.length;
}

/** Assigns dense ids to keys in first-seen order. */
export class KeyInterner {
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** The id of `key`, assigning the next one if it is new (compare `size` before and after). */
  intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
    }
    return id;
  }

  lookup(key: string): number | undefined {
    return this.ids.get(key);
  }
}
