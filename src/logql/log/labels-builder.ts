// The labels of the line being processed, with Loki's rules for how stream
// labels, structured metadata and parsed labels shadow one another.
//
// Like Loki's BaseLabelsBuilder, one builder serves every stream of a pipeline
// and holds the state of one line at a time; StreamLabels carries what differs
// per stream. Per-line state lives on LabelSlots stamped with a generation
// number (see label-slot.ts), so starting a line is O(1) and nothing is
// allocated unless a line produces a label set not seen before.
import type { Labels } from '../../util/labels.js';
import { DUPLICATE_SUFFIX, ERROR_DETAILS_LABEL, ERROR_LABEL, PRESERVE_ERROR_LABEL } from './errors.js';
import { hashLabel, hashString, hashString2, labelHash } from './hash.js';
import { LabelSlot } from './label-slot.js';
import {
  CATEGORY_PARSED,
  CATEGORY_STREAM,
  CATEGORY_STRUCTURED_METADATA,
  type LabelsResult,
  ResultInterner,
} from './labels-result.js';
import { EXTRACT_ALL, type ParserHints } from './parser-hints.js';

const NONE = 0;

/** Beyond this many distinct names, new names get per-line slots so a query cannot grow without bound. */
const MAX_SLOTS = 8192;

let nextStreamId = 1;
let nextGroupingId = 1;

/** The labels of one stream, prepared once per stream. */
export class StreamLabels {
  readonly id = nextStreamId++;
  /** Set by the builder: the result for a line that changes nothing. */
  result!: LabelsResult;
  /** The result for an unchanged line under `groupedFor` (cached per stream). */
  groupedResult: LabelsResult | null = null;
  groupedFor: Grouping | null = null;

  constructor(
    readonly slots: readonly LabelSlot[],
    readonly values: readonly string[],
    /** Each label's two hash lanes, so unchanged stream labels are never re-hashed. */
    readonly hashesA: readonly number[],
    readonly hashesB: readonly number[],
  ) {}
}

/** An aggregation's grouping as the sample extractor applies it to each line. */
export class Grouping {
  readonly id = nextGroupingId++;
  constructor(
    /** Sorted, unique label names. */
    readonly names: readonly string[],
    readonly slots: readonly LabelSlot[],
    readonly without: boolean,
    /** The aggregation keeps no labels (`sum(...)`). */
    readonly noLabels: boolean,
  ) {}
}

export class LabelsBuilder {
  /** Line generation: slots stamped with another value are untouched on this line. */
  private gen = 1;
  private stream: StreamLabels | null = null;
  private readonly metadataList: LabelSlot[] = [];
  private metadataCount = 0;
  private readonly parsedList: LabelSlot[] = [];
  private parsedCount = 0;
  private delCount = 0;
  private err = '';
  private errDetails = '';
  private extractedRequired = 0;
  private tsBase = 0n;
  private tsOffset = 0;
  private requiredCount: number;
  /** Whether any stage read a structured metadata label (Loki reports this to the querier). */
  referencedStructuredMetadata = false;

  private readonly slotsByName = new Map<string, LabelSlot>();
  private readonly overflowSlots = new Map<string, LabelSlot>();
  private overflowGen = 0;
  private readonly interner = new ResultInterner();
  private lineResult: LabelsResult | null = null;
  private lineResultGen = 0;
  private readonly emptyResult: LabelsResult;

  // Scratch arrays filled by collect(): the line's labels, unsorted.
  private readonly outSlots: LabelSlot[] = [];
  private readonly outValues: string[] = [];
  private readonly outCategories: number[] = [];
  private outHashA = 0;
  private outHashB = 0;
  private readonly visitSlots: LabelSlot[] = [];
  private readonly visitValues: string[] = [];

  readonly errorSlot: LabelSlot;
  readonly errorDetailsSlot: LabelSlot;
  private readonly preserveSlot: LabelSlot;

  constructor(private hintsInUse: ParserHints = EXTRACT_ALL) {
    this.requiredCount = hintsInUse.required === null ? 0 : hintsInUse.required.size;
    this.errorSlot = this.slot(ERROR_LABEL);
    this.errorDetailsSlot = this.slot(ERROR_DETAILS_LABEL);
    this.preserveSlot = this.slot(PRESERVE_ERROR_LABEL);
    this.emptyResult = this.interner.intern(0, 0, 0, [], [], []);
  }

  // ---- names ---------------------------------------------------------------

  /** The slot for a label name, created on first use. */
  slot(name: string): LabelSlot {
    const known = this.slotsByName.get(name);
    if (known !== undefined) return known;
    if (this.slotsByName.size < MAX_SLOTS) {
      const created = this.newSlot(name);
      this.slotsByName.set(name, created);
      return created;
    }
    // Past the cap: a slot that lives for the current line only.
    if (this.overflowGen !== this.gen) {
      this.overflowSlots.clear();
      this.overflowGen = this.gen;
    }
    let temp = this.overflowSlots.get(name);
    if (temp === undefined) {
      temp = this.newSlot(name);
      this.overflowSlots.set(name, temp);
    }
    return temp;
  }

  /** A slot that is never evicted (stream labels, grouping labels, names in the query). */
  permanentSlot(name: string): LabelSlot {
    let s = this.slotsByName.get(name);
    if (s === undefined) {
      s = this.newSlot(name);
      this.slotsByName.set(name, s);
    }
    return s;
  }

  /** Whether `slot` outlives the current line (it may then be cached by stages). */
  isPermanent(slot: LabelSlot): boolean {
    return this.slotsByName.get(slot.name) === slot;
  }

  /** The slot of `<name>_extracted`, the name a parsed label takes when `name` is taken. */
  duplicateOf(slot: LabelSlot): LabelSlot {
    if (slot.duplicate !== null) return slot.duplicate;
    const dup = this.slot(slot.name + DUPLICATE_SUFFIX);
    // Only permanent slots may point at each other; per-line slots die with the line.
    if (this.slotsByName.get(slot.name) === slot && this.slotsByName.get(dup.name) === dup) slot.duplicate = dup;
    return dup;
  }

  private newSlot(name: string): LabelSlot {
    const required = this.hintsInUse.required;
    const hinted = required?.has(name) === true;
    return new LabelSlot(name, hashString(name), hashString2(name), required === null || hinted, hinted);
  }

  get hints(): ParserHints {
    return this.hintsInUse;
  }

  /**
   * Installs the query's parser hints. They depend on every stage (templates
   * included), so they are known only after the stages were compiled, which
   * already created slots: those are updated here.
   */
  applyHints(hints: ParserHints): void {
    this.hintsInUse = hints;
    this.requiredCount = hints.required === null ? 0 : hints.required.size;
    for (const slot of this.slotsByName.values()) {
      slot.hinted = hints.required?.has(slot.name) === true;
      slot.extractable = hints.required === null || slot.hinted;
    }
  }

  // ---- streams -------------------------------------------------------------

  /** Prepares a stream's labels (sorted or not) for processing its lines. */
  registerStream(labels: Labels): StreamLabels {
    const sorted = [...labels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const slots: LabelSlot[] = [];
    const values: string[] = [];
    const hashesA: number[] = [];
    const hashesB: number[] = [];
    let sumA = 0;
    let sumB = 0;
    for (const l of sorted) {
      const s = this.permanentSlot(l.name);
      hashLabel(s.nameHash, s.nameHash2, l.value);
      slots.push(s);
      values.push(l.value);
      hashesA.push(labelHash.a);
      hashesB.push(labelHash.b);
      sumA = (sumA + labelHash.a) | 0;
      sumB = (sumB + labelHash.b) | 0;
    }
    const stream = new StreamLabels(slots, values, hashesA, hashesB);
    stream.result = this.interner.intern(
      sumA,
      sumB,
      slots.length,
      slots,
      values,
      slots.map(() => CATEGORY_STREAM),
    );
    return stream;
  }

  /**
   * Starts a new line of `stream`: O(1) apart from re-stamping a stream's
   * labels when the stream changes. The timestamp is kept as base + offset and
   * only combined into a bigint if a template asks for it.
   */
  beginLine(stream: StreamLabels, timestampNs: bigint, timestampOffsetNs: number): void {
    this.gen++;
    this.tsBase = timestampNs;
    this.tsOffset = timestampOffsetNs;
    if (this.stream !== stream) {
      this.stream = stream;
      const slots = stream.slots;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        s.baseOwner = stream.id;
        s.baseValue = stream.values[i]!;
      }
    }
    this.metadataCount = 0;
    this.parsedCount = 0;
    this.delCount = 0;
    this.err = '';
    this.errDetails = '';
    this.extractedRequired = 0;
  }

  /** Loki's Add(StructuredMetadataLabel, ...): names taken by stream labels get `_extracted`. */
  addStructuredMetadata(labels: Labels): void {
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      let s = this.slot(l.name);
      if (this.baseHas(s)) s = this.duplicateOf(s);
      if (s === this.errorSlot) {
        this.err = l.value;
      } else if (s === this.errorDetailsSlot) {
        this.errDetails = l.value;
      } else {
        this.setStructuredMetadata(s, l.value);
      }
    }
  }

  // ---- reads ---------------------------------------------------------------

  /** The line's timestamp in nanoseconds since the epoch. */
  timestampNs(): bigint {
    return this.tsOffset === 0 ? this.tsBase : this.tsBase + BigInt(this.tsOffset);
  }

  /** The stream the current line belongs to. */
  get currentStream(): StreamLabels {
    return this.stream!;
  }

  /** Loki's Get: parsed and structured metadata shadow stream labels; deleted labels are gone. */
  get(slot: LabelSlot): string | undefined {
    if (slot.lineGen === this.gen) {
      const c = slot.category;
      if (c !== NONE) {
        if (c === CATEGORY_STRUCTURED_METADATA) this.referencedStructuredMetadata = true;
        return slot.value;
      }
    }
    if (slot.deletedGen === this.gen) return undefined;
    if (slot.baseOwner === this.stream!.id && slot.baseValue !== '') return slot.baseValue;
    return undefined;
  }

  /** The category the label currently comes from, or undefined when absent. */
  categoryOf(slot: LabelSlot): 'stream' | 'structuredMetadata' | 'parsed' | undefined {
    if (slot.lineGen === this.gen && slot.category !== NONE) {
      return slot.category === CATEGORY_PARSED ? 'parsed' : 'structuredMetadata';
    }
    if (slot.deletedGen !== this.gen && this.baseHas(slot)) return 'stream';
    return undefined;
  }

  /** Loki's BaseHas: the stream itself has the label (whatever happened on this line). */
  baseHas(slot: LabelSlot): boolean {
    return slot.baseOwner === this.stream!.id && slot.baseValue !== '';
  }

  /** The name is taken by a stream label or structured metadata, so a parser must use `<name>_extracted`. */
  isTaken(slot: LabelSlot): boolean {
    return (
      (slot.baseOwner === this.stream!.id && slot.baseValue !== '') ||
      (slot.lineGen === this.gen && slot.category === CATEGORY_STRUCTURED_METADATA)
    );
  }

  // ---- writes --------------------------------------------------------------

  /** Sets a parsed label: it shadows stream labels and structured metadata of the same name. */
  setParsed(slot: LabelSlot, value: string): void {
    this.lineResultGen = 0;
    if (slot.lineGen !== this.gen) {
      slot.lineGen = this.gen;
      slot.category = NONE;
    }
    slot.value = value;
    if (slot.category !== CATEGORY_PARSED) {
      slot.category = CATEGORY_PARSED;
      slot.listIndex = this.parsedCount;
      this.parsedList[this.parsedCount++] = slot;
    }
    if (slot.extractedGen !== this.gen) {
      slot.extractedGen = this.gen;
      if (slot.hinted) this.extractedRequired++;
    }
  }

  /** Sets structured metadata, unless a parsed label of that name exists. */
  setStructuredMetadata(slot: LabelSlot, value: string): void {
    this.lineResultGen = 0;
    if (slot.lineGen !== this.gen) {
      slot.lineGen = this.gen;
      slot.category = NONE;
    }
    if (slot.category === CATEGORY_PARSED) return;
    slot.value = value;
    if (slot.category !== CATEGORY_STRUCTURED_METADATA) {
      slot.category = CATEGORY_STRUCTURED_METADATA;
      slot.listIndex = this.metadataCount;
      this.metadataList[this.metadataCount++] = slot;
    }
  }

  /** Deletes a label whatever its category (a later setParsed brings it back). */
  del(slot: LabelSlot): void {
    this.lineResultGen = 0;
    if (slot.lineGen === this.gen) slot.category = NONE;
    slot.deletedGen = this.gen;
    this.delCount++;
  }

  // ---- errors --------------------------------------------------------------

  get error(): string {
    return this.err;
  }

  get errorDetails(): string {
    return this.errDetails;
  }

  hasError(): boolean {
    return this.err !== '';
  }

  setError(err: string, details?: string): void {
    this.lineResultGen = 0;
    this.err = err;
    if (details !== undefined) this.errDetails = details;
  }

  setErrorDetails(details: string): void {
    this.lineResultGen = 0;
    this.errDetails = details;
  }

  resetError(): void {
    this.lineResultGen = 0;
    this.err = '';
  }

  resetErrorDetails(): void {
    this.lineResultGen = 0;
    this.errDetails = '';
  }

  /** Loki's addErrLabel: a parser failure, marked for keeping when the query groups by `__error__`. */
  setParserError(err: string, details: string | undefined): void {
    this.lineResultGen = 0;
    this.err = err;
    if (details !== undefined) this.errDetails = details;
    if (this.hints.preserveError) this.setParsed(this.preserveSlot, 'true');
  }

  // ---- parser hints ----------------------------------------------------------

  /** A parser already set this label on this line; later parsers leave it alone (first one wins). */
  extracted(slot: LabelSlot): boolean {
    return slot.extractedGen === this.gen;
  }

  allRequiredExtracted(): boolean {
    return this.requiredCount > 0 && this.extractedRequired === this.requiredCount;
  }

  /** Parsers have nothing to do: the query needs no labels, or has them all. */
  noLabels(): boolean {
    return this.hints.noLabels || (this.requiredCount > 0 && this.extractedRequired === this.requiredCount);
  }

  // ---- results -------------------------------------------------------------

  private unchanged(): boolean {
    return this.delCount === 0 && this.metadataCount === 0 && this.parsedCount === 0;
  }

  // The scratch arrays are filled through these two, which also sum the set's hash lanes.

  private pushLabel(n: number, slot: LabelSlot, value: string, category: number): number {
    this.outSlots[n] = slot;
    this.outValues[n] = value;
    this.outCategories[n] = category;
    hashLabel(slot.nameHash, slot.nameHash2, value);
    this.outHashA = (this.outHashA + labelHash.a) | 0;
    this.outHashB = (this.outHashB + labelHash.b) | 0;
    return n + 1;
  }

  /** Pushes the stream's i-th label, whose hash is precomputed. */
  private pushStreamLabel(n: number, stream: StreamLabels, i: number): number {
    this.outSlots[n] = stream.slots[i]!;
    this.outValues[n] = stream.values[i]!;
    this.outCategories[n] = CATEGORY_STREAM;
    this.outHashA = (this.outHashA + stream.hashesA[i]!) | 0;
    this.outHashB = (this.outHashB + stream.hashesB[i]!) | 0;
    return n + 1;
  }

  private intern(n: number): LabelsResult {
    return this.interner.intern(this.outHashA, this.outHashB, n, this.outSlots, this.outValues, this.outCategories);
  }

  /**
   * Loki's UnsortedLabels over all categories into the scratch arrays: stream
   * labels not shadowed or deleted, structured metadata, parsed labels, then
   * the error labels when set. Returns the count.
   */
  private collect(): number {
    const gen = this.gen;
    const stream = this.stream!;
    const unchanged = this.unchanged();
    const hasErr = this.err !== '';
    const hasDetails = this.errDetails !== '';
    this.outHashA = 0;
    this.outHashB = 0;
    let n = 0;
    const baseSlots = stream.slots;
    for (let i = 0; i < baseSlots.length; i++) {
      const s = baseSlots[i]!;
      if (!unchanged && ((s.lineGen === gen && s.category !== NONE) || s.deletedGen === gen)) continue;
      if ((hasErr && s === this.errorSlot) || (hasDetails && s === this.errorDetailsSlot)) continue;
      n = this.pushStreamLabel(n, stream, i);
    }
    for (let i = 0; i < this.metadataCount; i++) {
      const s = this.metadataList[i]!;
      if (s.lineGen !== gen || s.category !== CATEGORY_STRUCTURED_METADATA || s.listIndex !== i) continue;
      if ((hasErr && s === this.errorSlot) || (hasDetails && s === this.errorDetailsSlot)) continue;
      n = this.pushLabel(n, s, s.value, CATEGORY_STRUCTURED_METADATA);
    }
    for (let i = 0; i < this.parsedCount; i++) {
      const s = this.parsedList[i]!;
      if (s.lineGen !== gen || s.category !== CATEGORY_PARSED || s.listIndex !== i) continue;
      if ((hasErr && s === this.errorSlot) || (hasDetails && s === this.errorDetailsSlot)) continue;
      n = this.pushLabel(n, s, s.value, CATEGORY_PARSED);
    }
    if (hasErr) n = this.pushLabel(n, this.errorSlot, this.err, CATEGORY_PARSED);
    if (hasDetails) n = this.pushLabel(n, this.errorDetailsSlot, this.errDetails, CATEGORY_PARSED);
    return n;
  }

  /** The line's labels (Loki's LabelsResult): shared with other lines that have the same set. */
  labelsResult(): LabelsResult {
    // Nothing changed: the stream's own result (error details alone do not count, as in Loki).
    if (this.unchanged() && this.err === '') return this.stream!.result;
    if (this.lineResultGen === this.gen) return this.lineResult!;
    const result = this.intern(this.collect());
    this.lineResult = result;
    this.lineResultGen = this.gen;
    return result;
  }

  /** Loki's GroupedLabels: the labels a sample keeps under the aggregation's grouping. */
  groupedLabels(grouping: Grouping | null): LabelsResult {
    // An error must survive grouping, so errored samples keep all their labels.
    if (this.err !== '') return this.labelsResult();
    if (grouping === null) return this.labelsResult();
    if (grouping.noLabels) return this.emptyResult;
    if (this.unchanged()) {
      if (grouping.names.length === 0) return this.stream!.result;
      return this.streamGrouped(grouping);
    }
    if (grouping.names.length === 0) return this.labelsResult();
    return grouping.without ? this.withoutResult(grouping) : this.withResult(grouping);
  }

  // Grouped results are uncategorised: Loki reports them all as stream labels.

  private withResult(grouping: Grouping): LabelsResult {
    const gen = this.gen;
    this.outHashA = 0;
    this.outHashB = 0;
    let n = 0;
    for (const s of grouping.slots) {
      // Loki consults deletions before additions here, so a deleted-then-reparsed label is left out.
      if (s.deletedGen === gen) continue;
      if (s.lineGen === gen && s.category !== NONE) {
        if (s.category === CATEGORY_STRUCTURED_METADATA) this.referencedStructuredMetadata = true;
        n = this.pushLabel(n, s, s.value, CATEGORY_STREAM);
      } else if (this.baseHas(s)) {
        n = this.pushLabel(n, s, s.baseValue, CATEGORY_STREAM);
      }
    }
    return this.intern(n);
  }

  private withoutResult(grouping: Grouping): LabelsResult {
    const gen = this.gen;
    const stream = this.stream!;
    const id = grouping.id;
    this.outHashA = 0;
    this.outHashB = 0;
    let n = 0;
    for (let i = 0; i < stream.slots.length; i++) {
      const s = stream.slots[i]!;
      if (s.deletedGen === gen || (s.lineGen === gen && s.category !== NONE) || s.groupingId === id) continue;
      n = this.pushStreamLabel(n, stream, i);
    }
    n = this.appendUngrouped(this.metadataList, this.metadataCount, CATEGORY_STRUCTURED_METADATA, id, n);
    n = this.appendUngrouped(this.parsedList, this.parsedCount, CATEGORY_PARSED, id, n);
    return this.intern(n);
  }

  /** Appends the labels of one category that the grouping does not exclude. */
  private appendUngrouped(list: LabelSlot[], count: number, category: number, groupingId: number, n: number): number {
    const gen = this.gen;
    for (let i = 0; i < count; i++) {
      const s = list[i]!;
      if (s.lineGen !== gen || s.category !== category || s.listIndex !== i) continue;
      if (s.groupingId === groupingId) {
        if (category === CATEGORY_STRUCTURED_METADATA) this.referencedStructuredMetadata = true;
        continue;
      }
      n = this.pushLabel(n, s, s.value, CATEGORY_STREAM);
    }
    return n;
  }

  /** The grouped labels of a line that changed nothing: computed once per stream. */
  private streamGrouped(grouping: Grouping): LabelsResult {
    const stream = this.stream!;
    if (stream.groupedFor === grouping && stream.groupedResult !== null) return stream.groupedResult;
    this.outHashA = 0;
    this.outHashB = 0;
    let n = 0;
    for (let i = 0; i < stream.slots.length; i++) {
      const listed = stream.slots[i]!.groupingId === grouping.id;
      if (listed !== grouping.without) n = this.pushStreamLabel(n, stream, i);
    }
    const result = this.intern(n);
    stream.groupedFor = grouping;
    stream.groupedResult = result;
    return result;
  }

  /** Creates the grouping for a sample extractor; its names become permanent slots. */
  grouping(names: readonly string[], without: boolean, noLabels: boolean): Grouping {
    const sorted = [...new Set(names)].sort();
    const slots = sorted.map((n) => this.permanentSlot(n));
    const g = new Grouping(sorted, slots, without, noLabels);
    for (const s of slots) s.groupingId = g.id;
    return g;
  }

  // ---- views for formatting stages ---------------------------------------------

  /**
   * Fills `map` with the labels a template sees (Loki's IntoMap): the stream
   * labels when nothing changed, otherwise every label including the error ones.
   */
  fillMap(map: Map<string, string>): void {
    map.clear();
    if (this.unchanged() && this.err === '') {
      const stream = this.stream!;
      for (let i = 0; i < stream.slots.length; i++) map.set(stream.slots[i]!.name, stream.values[i]!);
      return;
    }
    const n = this.collect();
    for (let i = 0; i < n; i++) map.set(this.outSlots[i]!.name, this.outValues[i]!);
  }

  /**
   * Calls `visit` for every current label, error labels included (Loki's
   * UnsortedLabels as `keep` walks it). The list is taken before the first
   * call, so `visit` may delete labels.
   */
  forEachLabel(visit: (slot: LabelSlot, value: string) => void): void {
    const n = this.collect();
    const slots = this.visitSlots;
    const values = this.visitValues;
    for (let i = 0; i < n; i++) {
      slots[i] = this.outSlots[i]!;
      values[i] = this.outValues[i]!;
    }
    for (let i = 0; i < n; i++) visit(slots[i]!, values[i]!);
  }

  /** Drops the interned results and slots (Loki's Reset between queries). */
  clearCaches(): void {
    this.interner.clear();
  }
}
