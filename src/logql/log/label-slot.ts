// One interned label name and the per-line state attached to it.
//
// A pipeline keeps one LabelSlot per label name it has met. Instead of lists
// searched by name, the labels builder records a line's state on the slots,
// stamped with the line's generation number: a stale stamp means "untouched on
// this line", so resetting for the next line is O(1) and every lookup that
// stages make per label is a couple of field reads.
export class LabelSlot {
  /** The builder's generation when `category`/`value` were last written. */
  lineGen = 0;
  /** 0 none, 1 structured metadata, 2 parsed (see labels-result.ts). */
  category = 0;
  value = '';
  /** Position in the builder's list for `category`, to recognise stale list entries. */
  listIndex = -1;
  /** Generation in which a parser last set this label (Loki's "extracted" set). */
  extractedGen = 0;
  /** Generation in which `drop`/`keep`/a rename deleted this label. */
  deletedGen = 0;
  /** Id of the stream whose labels last stamped this slot, and that stream's value. */
  baseOwner = 0;
  baseValue = '';
  /** Id of the grouping (`by`/`without`) that lists this label, 0 when none. */
  groupingId = 0;
  /** The slot of `<name>_extracted`, created on first use. */
  duplicate: LabelSlot | null = null;
  /**
   * Filters a parser may evaluate as soon as it sets this label, indexed by the
   * parser's stage index (see installEarlyChecks in compile-stages.ts); null for most labels.
   */
  earlyChecks: Array<EarlyCheck | undefined> | null = null;

  constructor(
    readonly name: string,
    /** hashString(name) and hashString2(name): the name's part of a label's hash. */
    readonly nameHash: number,
    readonly nameHash2: number,
    /** Whether parsers may extract it under the query's hints. */
    public extractable: boolean,
    /** Whether it is one of the hinted labels (counts towards "all required extracted"). */
    public hinted: boolean,
  ) {}
}

/** A side-effect-free test of a label's value: false means the line is certainly dropped later. */
export type EarlyCheck = (value: string) => boolean;
