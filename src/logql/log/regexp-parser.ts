// `| regexp "<re>"`: each named group of a Go regular expression becomes a
// label. A line that does not match gets no labels (it is not dropped); a
// named group that did not take part in the match gives an empty label.
import { compileGoRegexp, type GoRegexp, RegexpSyntaxError } from '../../util/regexp.js';
import { StageCompileError } from './errors.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import { sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

const MISSING_CAPTURE = 'at least one named capture must be supplied';

export class RegexpParserStage implements Stage {
  private readonly re: GoRegexp;
  /** Group index and label slot of every named group. */
  private readonly groups: number[] = [];
  private readonly slots: LabelSlot[] = [];

  constructor(
    private readonly builder: LabelsBuilder,
    pattern: string,
    private readonly stageIndex: number,
  ) {
    try {
      this.re = compileGoRegexp(pattern);
    } catch (err) {
      if (err instanceof RegexpSyntaxError) throw new StageCompileError(err.message);
      throw err;
    }
    if (this.re.groupCount === 0) throw new StageCompileError(MISSING_CAPTURE);
    const seen = new Set<string>();
    this.re.groupNames.forEach((name, index) => {
      if (name === undefined || name === '') return;
      if (seen.has(name)) throw new StageCompileError(`duplicate extracted label name '${name}'`);
      seen.add(name);
      this.groups.push(index);
      this.slots.push(builder.permanentSlot(sanitizeLabelKey(name)));
    });
    if (this.groups.length === 0) throw new StageCompileError(MISSING_CAPTURE);
  }

  process(line: string, lb: LabelsBuilder): string | null {
    const m = this.re.exec(line);
    if (m === null) return line;
    for (let k = 0; k < this.groups.length; k++) {
      let slot = this.slots[k]!;
      if (lb.isTaken(slot)) slot = this.builder.duplicateOf(slot);
      if (!slot.extractable || lb.extracted(slot)) continue;
      const g = this.groups[k]!;
      const start = m[2 * g]!;
      const value = start < 0 ? '' : line.slice(start, m[2 * g + 1]!);
      lb.setParsed(slot, value);
      const checks = slot.earlyChecks;
      if (checks !== null) {
        const check = checks[this.stageIndex];
        if (check !== undefined && !check(value)) return null;
      }
    }
    return line;
  }
}
