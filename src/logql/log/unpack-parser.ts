// `| unpack`: the reverse of the shipper's `pack` stage. The line is a JSON
// object whose `_entry` string becomes the new line and whose other string
// properties become labels; without `_entry` the line and labels are left
// as they are. Non-string values are ignored and nested objects not entered.
import { JSON_PARSER_ERR } from './errors.js';
import {
  JsonReader,
  MALFORMED_ARRAY,
  MALFORMED_JSON,
  MALFORMED_OBJECT,
  MALFORMED_STRING_ESCAPE,
  nextToken,
  replaceInvalidRunes,
  TYPE_STRING,
  unescapeJSON,
} from './json-scan.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import { sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

const PACKED_ENTRY_KEY = '_entry';
const NOT_AN_OBJECT = 'expecting json object(6), but it is not';

export class UnpackParserStage implements Stage {
  private readonly reader = new JsonReader();
  /** Labels found before knowing whether the line is packed: slot, value pairs. */
  private readonly pendingSlots: LabelSlot[] = [];
  private readonly pendingValues: string[] = [];
  private pendingCount = 0;

  constructor(
    private readonly builder: LabelsBuilder,
    private readonly stageIndex: number,
  ) {}

  process(line: string, lb: LabelsBuilder): string | null {
    if (line.length === 0 || lb.noLabels()) return line;
    if (line.charCodeAt(0) !== 0x7b) {
      lb.setParserError(JSON_PARSER_ERR, NOT_AN_OBJECT);
      return line;
    }
    const r = this.unpack(line, lb);
    if (typeof r === 'string') {
      lb.setParserError(JSON_PARSER_ERR, r);
      return line;
    }
    if (r === null) return line;
    // Packed: the buffered labels apply and `_entry` replaces the line.
    for (let i = 0; i < this.pendingCount; i++) {
      const slot = this.pendingSlots[i]!;
      const value = this.pendingValues[i]!;
      lb.setParsed(slot, value);
      const checks = slot.earlyChecks;
      if (checks !== null) {
        const check = checks[this.stageIndex];
        if (check !== undefined && !check(value)) return null;
      }
    }
    return r.entry;
  }

  /** Walks the top-level object; returns the packed entry, null when not packed, or an error. */
  private unpack(s: string, lb: LabelsBuilder): { entry: string } | null | string {
    this.pendingCount = 0;
    const limit = s.length;
    const reader = this.reader;
    reader.reset(s);
    let entry: string | null = null;
    let off = nextToken(s, 1, limit);
    if (off === -1) return MALFORMED_JSON;
    if (s.charCodeAt(off) === 0x7d) return null;
    while (off < limit) {
      const c = s.charCodeAt(off);
      if (c === 0x7d) break;
      if (c !== 0x22) return MALFORMED_OBJECT;
      const keyEnd = reader.stringEnd(off + 1, limit);
      if (keyEnd === -1) return MALFORMED_JSON;
      const key = reader.escaped ? unescapeJSON(s, off + 1, keyEnd - 1) : s.slice(off + 1, keyEnd - 1);
      if (key === null) return MALFORMED_STRING_ESCAPE;
      off = nextToken(s, keyEnd, limit);
      if (off === -1 || s.charCodeAt(off) !== 0x3a) return MALFORMED_JSON;
      const type = reader.scanValue(off + 1, limit);
      if (typeof type === 'string') return type;
      if (type === TYPE_STRING) {
        if (key === PACKED_ENTRY_KEY) {
          const value = reader.escaped ? unescapeJSON(s, reader.start, reader.end) : s.slice(reader.start, reader.end);
          if (value === null) return MALFORMED_STRING_ESCAPE;
          entry = value;
        } else {
          this.buffer(lb, key, s);
        }
      }
      off = nextToken(s, reader.next, limit);
      if (off === -1) return MALFORMED_ARRAY;
      const sep = s.charCodeAt(off);
      if (sep === 0x7d) break;
      if (sep !== 0x2c) return MALFORMED_OBJECT;
      off = nextToken(s, off + 1, limit);
      if (off === -1) return MALFORMED_ARRAY;
    }
    return entry === null ? null : { entry };
  }

  // Loki checks collisions and hints on the raw key, then names the label after sanitising it.
  private buffer(lb: LabelsBuilder, key: string, s: string): void {
    let rawSlot = this.builder.slot(key);
    if (lb.isTaken(rawSlot)) rawSlot = this.builder.duplicateOf(rawSlot);
    if (!rawSlot.extractable || lb.extracted(rawSlot)) return;
    const reader = this.reader;
    const raw = reader.escaped ? (unescapeJSON(s, reader.start, reader.end) ?? '') : s.slice(reader.start, reader.end);
    const slot = this.labelSlot(rawSlot);
    this.pendingSlots[this.pendingCount] = slot;
    this.pendingValues[this.pendingCount++] = replaceInvalidRunes(raw);
  }

  private labelSlot(rawSlot: LabelSlot): LabelSlot {
    const name = sanitizeLabelKey(rawSlot.name);
    return name === rawSlot.name ? rawSlot : this.builder.slot(name);
  }
}
