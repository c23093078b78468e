// The contract between the pipeline and its stages.
import type { LabelsBuilder } from './labels-builder.js';

/**
 * One step of a log pipeline. A stage never mutates its input: it returns the
 * line unchanged (the same string), a new line, or null to drop the line.
 * Labels are read and written through the builder, which holds the line's
 * state and its timestamp.
 */
export interface Stage {
  process(line: string, labels: LabelsBuilder): string | null;
}

/** A line filter built elsewhere (`|= "x"`, `!~ "y"`, `|= ip("...")`), applied mid-pipeline. */
export interface LineMatcher {
  matchString(line: string): boolean;
}
