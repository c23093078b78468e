// The label set a pipeline produces for a line, split into Loki's categories
// (stream labels, structured metadata, parsed labels) for the
// `categorize-labels` response encoding. Results are interned per pipeline:
// lines that end up with the same labels share one LabelsResult, so the
// engine can group series without building strings per line. Sorting and
// the text form are computed on first use.
import { type Label, type Labels, labelsToString } from '../../util/labels.js';
import type { LabelSlot } from './label-slot.js';

export const CATEGORY_STREAM = 0;
export const CATEGORY_STRUCTURED_METADATA = 1;
export const CATEGORY_PARSED = 2;

export class LabelsResult {
  private sorted: Label[] | undefined;
  private byCategory: [Label[], Label[], Label[]] | undefined;
  private cachedKey: string | undefined;
  private byName: Map<string, string> | undefined;

  constructor(
    /** Order-independent 32-bit hash of the label set (equal sets, equal hashes). */
    readonly hash: number,
    /** The second hash lane; with `hash` it identifies the set. */
    readonly hash2: number,
    /** Names, values and categories as collected (unsorted). */
    readonly slots: readonly LabelSlot[],
    readonly values: readonly string[],
    private readonly categories: readonly number[],
  ) {}

  /** All labels, sorted by name; `__error__`/`__error_details__` only when set. */
  get labels(): Labels {
    if (this.sorted === undefined) {
      const out: Label[] = [];
      for (let i = 0; i < this.slots.length; i++) out.push({ name: this.slots[i]!.name, value: this.values[i]! });
      out.sort(byName);
      this.sorted = out;
    }
    return this.sorted;
  }

  get stream(): Labels {
    return this.categorised()[CATEGORY_STREAM];
  }

  get structuredMetadata(): Labels {
    return this.categorised()[CATEGORY_STRUCTURED_METADATA];
  }

  /** Parsed labels, including the error labels. */
  get parsed(): Labels {
    return this.categorised()[CATEGORY_PARSED];
  }

  /** Prometheus' text form `{a="b", c="d"}`, Loki's stream and series key. Computed once. */
  get key(): string {
    if (this.cachedKey === undefined) this.cachedKey = labelsToString(this.labels);
    return this.cachedKey;
  }

  get(name: string): string | undefined {
    if (this.slots.length <= 8) {
      for (let i = 0; i < this.slots.length; i++) if (this.slots[i]!.name === name) return this.values[i];
      return undefined;
    }
    if (this.byName === undefined) this.byName = new Map(this.labels.map((l) => [l.name, l.value]));
    return this.byName.get(name);
  }

  private categorised(): [Label[], Label[], Label[]] {
    if (this.byCategory === undefined) {
      const parts: [Label[], Label[], Label[]] = [[], [], []];
      const sorted = this.labels;
      const categoryOf = new Map<string, number>();
      for (let i = 0; i < this.slots.length; i++) categoryOf.set(this.slots[i]!.name, this.categories[i]!);
      for (const l of sorted) parts[categoryOf.get(l.name) as 0 | 1 | 2].push(l);
      this.byCategory = parts;
    }
    return this.byCategory;
  }
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Upper bound on interned results per pipeline; past it results are still correct, just not shared. */
const MAX_INTERNED = 16_384;
/** Open-addressing table, kept at most half full. */
const TABLE_SIZE = 2 * MAX_INTERNED;

/**
 * The interning table, keyed by the two hash lanes and the label count. As in
 * Loki, equal hashes are taken to mean equal label sets (a false match needs
 * a 64-bit collision between two sets of the same size), so a lookup never
 * touches the stored labels, which would cost a cache miss per label on
 * high-cardinality queries.
 */
export class ResultInterner {
  private readonly hashesA = new Int32Array(TABLE_SIZE);
  private readonly hashesB = new Int32Array(TABLE_SIZE);
  private readonly counts = new Int32Array(TABLE_SIZE);
  private readonly results: Array<LabelsResult | undefined> = new Array(TABLE_SIZE).fill(undefined);
  private size = 0;

  /** The interned result for the `n` labels in `slots`/`values` (no slot twice), created when new. */
  intern(
    hashA: number,
    hashB: number,
    n: number,
    slots: readonly LabelSlot[],
    values: readonly string[],
    categories: readonly number[],
  ): LabelsResult {
    hashA |= 0;
    hashB |= 0;
    const mask = TABLE_SIZE - 1;
    let i = hashA & mask;
    for (;;) {
      const r = this.results[i];
      if (r === undefined) break;
      if (this.hashesA[i] === hashA && this.hashesB[i] === hashB && this.counts[i] === n) return r;
      i = (i + 1) & mask;
    }
    const created = new LabelsResult(
      hashA >>> 0,
      hashB >>> 0,
      slots.slice(0, n),
      values.slice(0, n),
      categories.slice(0, n),
    );
    if (this.size < MAX_INTERNED) {
      this.hashesA[i] = hashA;
      this.hashesB[i] = hashB;
      this.counts[i] = n;
      this.results[i] = created;
      this.size++;
    }
    return created;
  }

  clear(): void {
    this.results.fill(undefined);
    this.size = 0;
  }
}
