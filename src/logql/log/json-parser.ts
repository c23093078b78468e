// `| json` without parameters: every string, number and boolean of the line's
// object becomes a label; nested objects are flattened with `_`
// (`{"req":{"ip":..}}` -> `req_ip`), arrays and nulls are skipped, the first
// occurrence of a key wins, names taken by stream labels or structured
// metadata get `_extracted`, and malformed input sets
// `__error__="JSONParserErr"` with the reader's message in `__error_details__`
// (labels found before the error are kept).
//
// Keys are looked up without slicing them out of the line: two hashes are
// computed while scanning for the closing quote, and the key that followed
// the previous one last time is tried first. Values are sliced only when the
// label is actually wanted.
import { JSON_PARSER_ERR } from './errors.js';
import { hashString, hashString2 } from './hash.js';
import {
  JsonReader,
  MALFORMED_ARRAY,
  MALFORMED_JSON,
  MALFORMED_OBJECT,
  MALFORMED_STRING_ESCAPE,
  nextToken,
  replaceInvalidRunes,
  TYPE_BOOLEAN,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_STRING,
  unescapeJSON,
} from './json-scan.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import { appendSanitizedPath } from './sanitize.js';
import type { Stage } from './stage.js';

const OK = 0;
/** Every hinted label was found: the rest of the line need not be read. */
const STOP = 1;
/** A label failed a filter that follows the parser: the line is dropped. */
const DROP = 2;

// The same two hashes as hashString and hashString2, computed inline while scanning.
const HASH1_SEED = 0x811c9dc5;
const HASH1_MUL = 0x01000193;
const HASH2_SEED = 0x050c5d1f;
const HASH2_MUL = 0x5bd1e995;

/** One key under one parent object, with everything derived from it. */
class KeyEntry {
  next: KeyEntry | null = null;
  /**
   * The key that followed this one last time, and (as an object) its first
   * key last time. Lines of one stream usually share a layout, so these
   * guesses are usually right and spare the table lookup.
   */
  nextSibling: KeyEntry | null = null;
  firstChild: KeyEntry | null = null;
  /** Label slot for the flattened name; resolved on first use. */
  slot: LabelSlot | null = null;
  /** Slot for the name used when the flattened name is taken (`..._extracted`). */
  duplicate: LabelSlot | null = null;

  constructor(
    readonly id: number,
    readonly parent: KeyEntry | null,
    /** The key as it appears after unescaping. */
    readonly raw: string,
    /** Two independent hashes of `raw` (see KeyTable in logfmt-parser.ts for why they suffice). */
    readonly hash: number,
    readonly hash2: number,
    /** The sanitised, flattened name ("" for a blank top-level key, which is skipped). */
    readonly path: string,
    /** As an object: may it contain a label the query needs? */
    readonly prefixWanted: boolean,
  ) {}
}

const TABLE_SIZE = 8192;
const MAX_ENTRIES = 4096;

export class JsonParserStage implements Stage {
  private readonly table: Array<KeyEntry | null> = new Array(TABLE_SIZE).fill(null);
  private entries = 0;
  private readonly root = new KeyEntry(0, null, '', 0, 0, '', true);
  private readonly reader = new JsonReader();
  private lb!: LabelsBuilder;

  constructor(
    private readonly builder: LabelsBuilder,
    /** This stage's index in the pipeline, for filters evaluated as labels are set. */
    private readonly stageIndex: number,
  ) {}

  process(line: string, lb: LabelsBuilder): string | null {
    if (lb.noLabels()) return line;
    this.lb = lb;
    this.reader.reset(line);
    const r = this.parseObject(line, 0, line.length, this.root);
    if (typeof r === 'string') {
      lb.setParserError(JSON_PARSER_ERR, r);
      return line;
    }
    return r === DROP ? null : line;
  }

  /** jsonparser's ObjectEach over s[from, limit), recursing into wanted nested objects. */
  private parseObject(s: string, from: number, limit: number, parent: KeyEntry): number | string {
    let off = nextToken(s, from, limit);
    if (off === -1 || s.charCodeAt(off) !== 0x7b) return MALFORMED_OBJECT;
    off = nextToken(s, off + 1, limit);
    if (off === -1) return MALFORMED_JSON;
    if (s.charCodeAt(off) === 0x7d) return OK;
    const lb = this.lb;
    const reader = this.reader;
    let previous: KeyEntry | null = null;

    while (off < limit) {
      const c = s.charCodeAt(off);
      if (c === 0x7d) return OK;
      if (c !== 0x22) return MALFORMED_OBJECT;

      // The key: hash it while looking for its closing quote; keys with escapes take the slow path.
      const keyStart = off + 1;
      let h1 = HASH1_SEED;
      let h2 = HASH2_SEED;
      let i = keyStart;
      let k = 0;
      for (; i < limit; i++) {
        k = s.charCodeAt(i);
        if (k === 0x22 || k === 0x5c) break;
        h1 = Math.imul(h1 ^ k, HASH1_MUL);
        h2 = Math.imul(h2 ^ k, HASH2_MUL);
      }
      let keyEnd: number;
      let raw: string | null = null;
      if (i < limit && k === 0x22) {
        keyEnd = i + 1;
      } else {
        keyEnd = reader.stringEnd(keyStart, limit);
        if (keyEnd === -1) return MALFORMED_JSON;
        raw = reader.escaped ? unescapeJSON(s, keyStart, keyEnd - 1) : s.slice(keyStart, keyEnd - 1);
        if (raw === null) return MALFORMED_STRING_ESCAPE;
        h1 = hashString(raw);
        h2 = hashString2(raw);
      }
      h1 >>>= 0;
      h2 |= 0;
      const len = raw === null ? keyEnd - 1 - keyStart : raw.length;
      let entry: KeyEntry | null = previous === null ? parent.firstChild : previous.nextSibling;
      if (
        entry === null ||
        entry.hash !== h1 ||
        entry.hash2 !== h2 ||
        entry.raw.length !== len ||
        entry.parent !== parent
      ) {
        entry = this.lookup(parent, h1, h2, len, raw ?? s.slice(keyStart, keyEnd - 1));
        if (previous === null) parent.firstChild = entry;
        else previous.nextSibling = entry;
      }
      previous = entry;

      off = keyEnd;
      if (off < limit && s.charCodeAt(off) !== 0x3a) off = nextToken(s, off, limit);
      if (off === -1 || off >= limit || s.charCodeAt(off) !== 0x3a) return MALFORMED_JSON;

      const type = reader.scanValue(off + 1, limit);
      if (typeof type === 'string') return type;
      const next = reader.next;
      if (type === TYPE_OBJECT) {
        if (entry.prefixWanted) {
          const r = this.parseObject(s, reader.start, reader.end, entry);
          if (r !== OK) return r;
        }
      } else {
        if (type === TYPE_STRING || type === TYPE_NUMBER || type === TYPE_BOOLEAN) {
          if (this.setLabel(entry, type, s) === DROP) return DROP;
        }
        if (lb.allRequiredExtracted()) return STOP;
      }

      off = next;
      let sep = s.charCodeAt(off);
      if (off >= limit || sep === 0x20 || sep === 0x0a || sep === 0x0d || sep === 0x09) {
        off = nextToken(s, off, limit);
        if (off === -1) return MALFORMED_ARRAY;
        sep = s.charCodeAt(off);
      }
      if (sep === 0x7d) return OK;
      if (sep !== 0x2c) return MALFORMED_OBJECT;
      off++;
      const after = s.charCodeAt(off);
      if (off >= limit || after === 0x20 || after === 0x0a || after === 0x0d || after === 0x09) {
        off = nextToken(s, off, limit);
        if (off === -1) return MALFORMED_ARRAY;
      }
    }
    return MALFORMED_OBJECT;
  }

  private setLabel(entry: KeyEntry, type: number, s: string): number {
    const top = entry.parent === this.root;
    if (top && entry.path.length === 0) return OK;
    const lb = this.lb;
    let slot = this.slotOf(entry);
    if (lb.isTaken(slot)) slot = top ? this.builder.duplicateOf(slot) : this.nestedDuplicateOf(entry);
    if (!slot.extractable || lb.extracted(slot)) return OK;

    const reader = this.reader;
    let value: string;
    if (type === TYPE_STRING) {
      const raw = reader.escaped
        ? (unescapeJSON(s, reader.start, reader.end) ?? '')
        : s.slice(reader.start, reader.end);
      value = replaceInvalidRunes(raw);
    } else if (type === TYPE_BOOLEAN) {
      value = s.charCodeAt(reader.start) === 0x74 ? 'true' : 'false';
    } else {
      value = s.slice(reader.start, reader.end);
    }
    lb.setParsed(slot, value);
    const checks = slot.earlyChecks;
    if (checks !== null) {
      const check = checks[this.stageIndex];
      if (check !== undefined && !check(value)) return DROP;
    }
    return OK;
  }

  private slotOf(entry: KeyEntry): LabelSlot {
    if (entry.slot !== null) return entry.slot;
    const slot = this.builder.slot(entry.path);
    if (this.builder.isPermanent(slot)) entry.slot = slot;
    return slot;
  }

  // Loki appends the suffix to the raw key before sanitising the flattened name.
  private nestedDuplicateOf(entry: KeyEntry): LabelSlot {
    if (entry.duplicate !== null) return entry.duplicate;
    const slot = this.builder.slot(appendSanitizedPath(entry.parent!.path, `${entry.raw}_extracted`));
    if (this.builder.isPermanent(slot)) entry.duplicate = slot;
    return slot;
  }

  private bucket(parent: KeyEntry, hash: number): number {
    // Multiplicative hashing: the top 13 bits of (hash ^ parent) * golden ratio.
    return Math.imul(hash ^ Math.imul(parent.id, 0x27d4eb2d), 0x9e3779b1) >>> 19;
  }

  /**
   * The entry for a key under `parent`, identified by its length and two
   * hashes; `raw` is only read when the key is new.
   */
  private lookup(parent: KeyEntry, h1: number, h2: number, len: number, raw: string): KeyEntry {
    const b = this.bucket(parent, h1);
    for (let e = this.table[b] ?? null; e !== null; e = e.next) {
      if (e.hash === h1 && e.hash2 === h2 && e.parent === parent && e.raw.length === len) return e;
    }
    return this.addEntry(b, parent, raw, h1, h2);
  }

  private addEntry(bucket: number, parent: KeyEntry, raw: string, h1: number, h2: number): KeyEntry {
    const path = appendSanitizedPath(parent.path, raw);
    const wanted = this.builder.hints.shouldExtractPrefix(path);
    const entry = new KeyEntry(this.entries + 1, parent, raw, h1, h2, path, wanted);
    // Past the cap, entries are used once and forgotten (a line full of unique keys).
    if (this.entries < MAX_ENTRIES) {
      this.entries++;
      entry.next = this.table[bucket] ?? null;
      this.table[bucket] = entry;
    }
    return entry;
  }
}
