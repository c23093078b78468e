// `| json a="b.c", d="list[0]"`: only the listed paths, each into its label.
// Strings are unescaped, objects and arrays keep their JSON text, null gives
// an empty value, and every listed label exists afterwards (empty when its
// path is missing). A line that does not start with `{`, `[` or `"` gets
// `__error__="JSONParserErr"` and no details, as in Loki.
import { JSON_PARSER_ERR, StageCompileError } from './errors.js';
import { eachKey } from './json-each-key.js';
import { parseJSONPath } from './json-expr.js';
import { replaceInvalidRunes, TYPE_NULL, TYPE_OBJECT, unescapeJSON } from './json-scan.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import type { ExtractionParam } from './options.js';
import type { Stage } from './stage.js';

export class JsonExpressionParserStage implements Stage {
  private readonly slots: LabelSlot[] = [];
  private readonly paths: string[][] = [];
  private lb!: LabelsBuilder;
  private line = '';
  private matches = 0;
  private readonly visit = (pathIndex: number, type: number, start: number, end: number, error: string | null) =>
    this.onValue(pathIndex, type, start, end, error);

  constructor(
    private readonly builder: LabelsBuilder,
    params: readonly ExtractionParam[],
  ) {
    for (const p of params) {
      let path: string[];
      try {
        path = parseJSONPath(p.expression);
      } catch (err) {
        throw new StageCompileError(`cannot parse expression [${p.expression}]: ${(err as Error).message}`);
      }
      if (p.label.length === 0) throw new StageCompileError(`invalid extracted label name '${p.label}'`);
      this.slots.push(builder.permanentSlot(p.label));
      this.paths.push(path);
    }
  }

  process(line: string, lb: LabelsBuilder): string | null {
    if (line.length === 0 || lb.noLabels()) return line;
    const first = line.charCodeAt(0);
    if (first !== 0x22 && first !== 0x7b && first !== 0x5b) {
      lb.setParserError(JSON_PARSER_ERR, undefined);
      return line;
    }
    this.lb = lb;
    this.line = line;
    this.matches = 0;
    eachKey(line, this.paths, this.visit);
    if (this.matches < this.slots.length) {
      for (const slot of this.slots) {
        if (lb.get(slot) === undefined) lb.setParsed(slot, '');
      }
    }
    return line;
  }

  private onValue(pathIndex: number, type: number, start: number, end: number, error: string | null): void {
    const lb = this.lb;
    if (error !== null) {
      lb.setParserError(JSON_PARSER_ERR, error);
      return;
    }
    let slot = this.slots[pathIndex]!;
    if (lb.isTaken(slot)) slot = this.builder.duplicateOf(slot);
    let value: string;
    if (type === TYPE_NULL) value = '';
    else if (type === TYPE_OBJECT) value = this.line.slice(start, end);
    else value = replaceInvalidRunes(unescapeJSON(this.line, start, end) ?? '');
    lb.setParsed(slot, value);
    this.matches++;
  }
}
