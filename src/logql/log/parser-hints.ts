// Parser hints: which labels the rest of a metric query can observe, so that
// `| json` and `| logfmt` only materialise those. They mirror Loki's, whose
// choices are visible in results (an unrequested key is never parsed, a line
// stops being parsed once every requested key was found, and a query that
// keeps no labels at all skips parsing), so Skald derives them the same way.
import { DUPLICATE_SUFFIX, ERROR_LABEL } from './errors.js';

export interface ParserHints {
  /** The only labels parsers may extract; null means every label. */
  readonly required: ReadonlySet<string> | null;
  /** Parsing is pointless: the query keeps no labels and filters on none. */
  readonly noLabels: boolean;
  /** Errors are part of the grouping, so parsers mark them with `__preserve_error__`. */
  readonly preserveError: boolean;
  /** Whether a nested JSON object whose flattened prefix is `prefix` may hold a required label. */
  shouldExtractPrefix(prefix: string): boolean;
}

export const EXTRACT_ALL: ParserHints = {
  required: null,
  noLabels: false,
  preserveError: false,
  shouldExtractPrefix: () => true,
};

export interface HintInputs {
  /** Labels read by the pipeline's stages; null when some stage's needs are unknown. */
  readonly stageLabels: readonly string[] | null;
  /** The aggregation's grouping labels (`by`/`without`), if any. */
  readonly groups: readonly string[];
  readonly without: boolean;
  /** The aggregation keeps no labels at all (`sum(...)` without grouping). */
  readonly noLabels: boolean;
  /** The unwrapped label, if any. */
  readonly unwrapLabel?: string;
}

/** Loki's NewParserHint. */
export function buildParserHints(inputs: HintInputs): ParserHints {
  if (inputs.stageLabels === null) return EXTRACT_ALL;
  const names: string[] = [];
  appendWithUnsuffixed(names, inputs.stageLabels);
  appendWithUnsuffixed(names, inputs.groups);
  if (inputs.unwrapLabel !== undefined) appendWithUnsuffixed(names, [inputs.unwrapLabel]);
  const unique = [...new Set(names.filter((n) => n.length > 0))];

  if (inputs.noLabels) {
    if (unique.length === 0) return { ...EXTRACT_ALL, noLabels: true };
    return restrictTo(unique);
  }
  // Without grouping, or with `without`, every label may end up in the result.
  if (inputs.without || inputs.groups.length === 0) return EXTRACT_ALL;
  return restrictTo(unique);
}

function restrictTo(names: readonly string[]): ParserHints {
  const required = new Set(names);
  return {
    required,
    noLabels: false,
    preserveError: required.has(ERROR_LABEL),
    shouldExtractPrefix: (prefix) => names.some((n) => n.startsWith(prefix)),
  };
}

// A parsed label is renamed `x_extracted` only once it meets a stream label, after
// the parser has consulted the hints; so a hint `x_extracted` must also admit `x`.
function appendWithUnsuffixed(dst: string[], src: readonly string[]): void {
  for (const name of src) {
    dst.push(name);
    if (name.endsWith(DUPLICATE_SUFFIX)) dst.push(name.slice(0, -DUPLICATE_SUFFIX.length));
  }
}
