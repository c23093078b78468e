// `| pattern "<ip> - <_> ..."`: named captures become labels (see pattern.ts).
import { StageCompileError } from './errors.js';
import type { LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import { PatternMatcher, PatternSyntaxError } from './pattern.js';
import type { Stage } from './stage.js';

export class PatternParserStage implements Stage {
  private readonly matcher: PatternMatcher;
  private readonly slots: LabelSlot[];

  constructor(
    private readonly builder: LabelsBuilder,
    pattern: string,
    private readonly stageIndex: number,
  ) {
    try {
      this.matcher = new PatternMatcher(pattern);
    } catch (err) {
      if (err instanceof PatternSyntaxError) throw new StageCompileError(err.message);
      throw err;
    }
    this.slots = this.matcher.names.map((n) => builder.permanentSlot(n));
  }

  process(line: string, lb: LabelsBuilder): string | null {
    if (lb.noLabels()) return line;
    const values = this.matcher.matches(line);
    for (let k = 0; k < values.length; k++) {
      let slot = this.slots[k]!;
      if (lb.isTaken(slot)) slot = this.builder.duplicateOf(slot);
      if (lb.extracted(slot) || !slot.extractable) continue;
      const value = values[k]!;
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
