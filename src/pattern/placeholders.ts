// Collapsing runs of placeholders. Adjacent variable tokens (`<_><_><_>`)
// say nothing more than one does, so Loki prints a single `<_>` for a run.
import { PARAM } from './line-tokenizer.js';

const PAIR = PARAM + PARAM;
const RUN = /(?:<_>){2,}/g;

/** `pattern` with every run of two or more adjacent placeholders reduced to one. */
export function collapsePlaceholderRuns(pattern: string): string {
  return pattern.includes(PAIR) ? pattern.replace(RUN, PARAM) : pattern;
}
