// `| logfmt [--strict] [--keep-empty]` and `| logfmt [flags] a, b="c"`.
//
// Without parameters every pair becomes a label: keys are sanitised, the first
// occurrence wins, names taken by stream labels or structured metadata get
// `_extracted`, empty values are dropped unless `--keep-empty`, and
// undecodable characters in values become spaces. Malformed pairs are skipped;
// with `--strict` parsing stops there and `__error__="LogfmtParserErr"` is set.
import { LOGFMT_PARSER_ERR, StageCompileError } from './errors.js';
import { replaceInvalidRunes } from './json-scan.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import { LogfmtDecoder } from './logfmt-decoder.js';
import { parseLogfmtExpression } from './logfmt-expr.js';
import type { ExtractionParam } from './options.js';
import { sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

/** An interned raw key and the label it maps to (null when it sanitises to nothing). */
class KeyEntry {
  next: KeyEntry | null = null;
  constructor(
    readonly raw: string,
    readonly hash: number,
    readonly hash2: number,
    readonly slot: LabelSlot | null,
  ) {}
}

const TABLE_SIZE = 4096;
const MAX_ENTRIES = 2048;

/**
 * Interns raw logfmt keys by the two hashes the decoder computed while
 * scanning. A key is identified by its length and both hashes, without
 * comparing characters: telling two keys of a query apart this way fails
 * with a probability far below 1e-9, the same trade Loki makes when it
 * caches label sets by hash.
 */
class KeyTable {
  private readonly table: Array<KeyEntry | null> = new Array(TABLE_SIZE).fill(null);
  private entries = 0;

  constructor(private readonly builder: LabelsBuilder) {}

  lookup(dec: LogfmtDecoder): KeyEntry {
    const hash = dec.keyHash;
    const hash2 = dec.keyHash2;
    const len = dec.keyEnd - dec.keyStart;
    const bucket = hash & (TABLE_SIZE - 1);
    for (let e = this.table[bucket] ?? null; e !== null; e = e.next) {
      if (e.hash === hash && e.hash2 === hash2 && e.raw.length === len) return e;
    }
    const raw = dec.key();
    const name = sanitizeLabelKey(raw);
    const slot = name.length === 0 ? null : this.builder.slot(name);
    const entry = new KeyEntry(raw, hash, hash2, slot);
    if (this.entries < MAX_ENTRIES && (slot === null || this.builder.isPermanent(slot))) {
      this.entries++;
      entry.next = this.table[bucket] ?? null;
      this.table[bucket] = entry;
    }
    return entry;
  }
}

export interface LogfmtFlags {
  readonly strict: boolean;
  readonly keepEmpty: boolean;
}

export class LogfmtParserStage implements Stage {
  private readonly dec = new LogfmtDecoder();
  private readonly keys: KeyTable;

  constructor(
    private readonly builder: LabelsBuilder,
    private readonly flags: LogfmtFlags,
    private readonly stageIndex: number,
  ) {
    this.keys = new KeyTable(builder);
  }

  process(line: string, lb: LabelsBuilder): string | null {
    if (lb.noLabels()) return line;
    const dec = this.dec;
    const strict = this.flags.strict;
    const keepEmpty = this.flags.keepEmpty;
    dec.reset(line);
    while (!dec.eol()) {
      if (!dec.scanKeyval()) {
        if (strict) break;
        continue;
      }
      let slot = this.keys.lookup(dec).slot;
      if (slot === null) continue;
      if (lb.isTaken(slot)) slot = this.builder.duplicateOf(slot);
      if (!slot.extractable || lb.extracted(slot)) continue;
      const value = replaceInvalidRunes(dec.value());
      if (!keepEmpty && value.length === 0) continue;
      lb.setParsed(slot, value);
      const checks = slot.earlyChecks;
      if (checks !== null) {
        const check = checks[this.stageIndex];
        if (check !== undefined && !check(value)) return null;
      }
      if (lb.allRequiredExtracted()) break;
    }
    if (strict) {
      const err = dec.error();
      if (err !== null) lb.setParserError(LOGFMT_PARSER_ERR, err);
    }
    return line;
  }
}

/**
 * `| logfmt a, b="c"`: only the listed keys, renamed. Every listed label
 * exists afterwards (empty when the key is missing), a repeated key
 * overwrites, and `--keep-empty` has no effect, as in Loki.
 */
export class LogfmtExpressionParserStage implements Stage {
  private readonly dec = new LogfmtDecoder();
  private readonly keys: KeyTable;
  /** Per parameter: the label's slot and the sanitised key it reads. */
  private readonly idSlots: LabelSlot[] = [];
  private readonly sourceKeys: string[] = [];
  private readonly byId = new Map<string, number>();

  constructor(
    private readonly builder: LabelsBuilder,
    params: readonly ExtractionParam[],
    private readonly strict: boolean,
  ) {
    if (params.length === 0) throw new StageCompileError('no logfmt expression provided');
    for (const p of params) {
      let parts: string[];
      try {
        parts = parseLogfmtExpression(p.expression);
      } catch (err) {
        throw new StageCompileError(`cannot parse expression [${p.expression}]: ${(err as Error).message}`);
      }
      if (p.label.length === 0) throw new StageCompileError(`invalid extracted label name '${p.label}'`);
      // Loki renders the parts with fmt's "%v" and a single verb.
      const source =
        parts.length === 1
          ? parts[0]!
          : `${parts[0]}%!(EXTRA ${parts
              .slice(1)
              .map((x) => `string=${x}`)
              .join(', ')})`;
      const existing = this.byId.get(p.label);
      if (existing !== undefined) {
        this.sourceKeys[existing] = source;
        continue;
      }
      this.byId.set(p.label, this.idSlots.length);
      this.idSlots.push(builder.permanentSlot(p.label));
      this.sourceKeys.push(source);
    }
    this.keys = new KeyTable(builder);
  }

  process(line: string, lb: LabelsBuilder): string | null {
    if (lb.noLabels()) return line;
    // Every requested label exists, even when its key is missing.
    for (const slot of this.idSlots) {
      if (!lb.isTaken(slot)) lb.setParsed(slot, '');
    }
    const dec = this.dec;
    dec.reset(line);
    while (!dec.eol()) {
      if (!dec.scanKeyval()) {
        if (this.strict) break;
        continue;
      }
      const keySlot = this.keys.lookup(dec).slot;
      if (keySlot === null) continue;
      const key = keySlot.name;
      const isId = this.byId.has(key);
      if (!isId && (!keySlot.extractable || lb.extracted(keySlot))) continue;
      let value = dec.value();
      if (value.includes('\ufffd')) value = '';

      // A key named in an expression is renamed to its label.
      let index = this.sourceKeys.indexOf(key);
      if (index === -1) index = isId ? this.byId.get(key)! : -1;
      if (index === -1) continue;
      let slot = this.idSlots[index]!;
      if (lb.isTaken(slot)) {
        slot = this.builder.duplicateOf(slot);
        if (lb.extracted(slot) || !slot.extractable) break;
      }
      lb.setParsed(slot, value);
      if (lb.allRequiredExtracted()) break;
    }
    if (this.strict) {
      const err = dec.error();
      if (err !== null) lb.setParserError(LOGFMT_PARSER_ERR, err);
    }
    return line;
  }
}
