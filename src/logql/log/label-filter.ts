// Label filter expressions (`| status >= 500 and method="GET"`), evaluated
// with Loki's rules: a missing label fails a numeric, duration, bytes or ip
// comparison but compares as "" in a string matcher; a value that does not
// convert keeps the line and sets `__error__="LabelFilterErr"` (unless an
// error is already set); `__error__` is readable by string matchers only.
import { ERROR_LABEL, LABEL_FILTER_ERR, StageCompileError } from './errors.js';
import { parseGoDuration } from './go-duration.js';
import { parseGoFloat } from './go-float.js';
import { parseHumanBytes } from './human-bytes.js';
import { compileValueMatcher, type ValueMatcher } from './label-matcher.js';
import type { EarlyCheck, LabelSlot } from './label-slot.js';
import type { LabelsBuilder } from './labels-builder.js';
import type { ComparisonOp, LabelFilterExpr } from './options.js';
import type { Stage } from './stage.js';

/** Matches addresses against an `ip("...")` pattern (single address, CIDR or range). */
export interface IpMatcher {
  matchesAddr(addr: string): boolean;
}

/** Builds an IP matcher; throws with Loki's message (`ip: invalid pattern: "..."`) on a bad pattern. */
export type CompileIpMatcher = (pattern: string) => IpMatcher;

/** A compiled filter tree node. */
export interface LabelFilter {
  /** True keeps the line. */
  test(lb: LabelsBuilder): boolean;
  /** The labels it reads (Loki's RequiredLabelNames). */
  readonly labelNames: readonly string[];
  /** Its outcome depends on the line's error state (ip filters, `__error__` matchers). */
  readonly readsError: boolean;
  /**
   * When the node reads exactly one label (other than `__error__`): its
   * outcome as a pure function of that label's value, where a value that does
   * not convert counts as a pass, exactly as `test` treats it.
   */
  readonly valueCheck: EarlyCheck | null;
}

type Convert = (value: string) => number | string;

const CONVERTERS: Record<'number' | 'duration' | 'bytes', Convert> = {
  number: parseGoFloat,
  duration: parseGoDuration,
  bytes: parseHumanBytes,
};

function comparator(op: ComparisonOp, ref: number): (v: number) => boolean {
  switch (op) {
    case '==':
    case '=':
      return (v) => v === ref;
    case '!=':
      return (v) => v !== ref;
    case '>':
      return (v) => v > ref;
    case '>=':
      return (v) => v >= ref;
    case '<':
      return (v) => v < ref;
    case '<=':
      return (v) => v <= ref;
  }
}

export function compileLabelFilter(
  expr: LabelFilterExpr,
  lb: LabelsBuilder,
  compileIpMatcher: CompileIpMatcher,
): LabelFilter {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      const left = compileLabelFilter(expr.left, lb, compileIpMatcher);
      const right = compileLabelFilter(expr.right, lb, compileIpMatcher);
      const names = [...new Set([...left.labelNames, ...right.labelNames])];
      const lc = left.valueCheck;
      const rc = right.valueCheck;
      const single = names.length === 1 && lc !== null && rc !== null;
      if (expr.kind === 'and') {
        return {
          test: (b) => left.test(b) && right.test(b),
          labelNames: names,
          readsError: left.readsError || right.readsError,
          valueCheck: single ? (v) => lc(v) && rc(v) : null,
        };
      }
      return {
        test: (b) => left.test(b) || right.test(b),
        labelNames: names,
        readsError: left.readsError || right.readsError,
        valueCheck: single ? (v) => lc(v) || rc(v) : null,
      };
    }
    case 'string':
      return stringFilter(expr.name, compileValueMatcher(expr.op, expr.value, 'labelFilter'), lb);
    case 'number':
    case 'duration':
    case 'bytes':
      return convertingFilter(expr.name, CONVERTERS[expr.kind], comparator(expr.op, Number(expr.value)), lb);
    case 'ip':
      return ipFilter(expr.name, expr.op, expr.pattern, lb, compileIpMatcher);
  }
}

function stringFilter(name: string, matches: ValueMatcher, lb: LabelsBuilder): LabelFilter {
  if (name === ERROR_LABEL) {
    return { test: (b) => matches(b.error), labelNames: [name], readsError: true, valueCheck: null };
  }
  const slot = lb.permanentSlot(name);
  return {
    test: (b) => matches(b.get(slot) ?? ''),
    labelNames: [name],
    readsError: false,
    valueCheck: matches,
  };
}

function convertingFilter(
  name: string,
  convert: Convert,
  compare: (v: number) => boolean,
  lb: LabelsBuilder,
): LabelFilter {
  const slot: LabelSlot = lb.permanentSlot(name);
  return {
    test(b) {
      const raw = b.get(slot);
      if (raw === undefined) return false;
      const v = convert(raw);
      if (typeof v === 'string') {
        // Keep the line; an earlier, likely more useful error is not overwritten.
        if (!b.hasError()) b.setError(LABEL_FILTER_ERR, v);
        return true;
      }
      return compare(v);
    },
    labelNames: [name],
    readsError: false,
    valueCheck(raw) {
      const v = convert(raw);
      return typeof v === 'string' || compare(v);
    },
  };
}

function ipFilter(
  name: string,
  op: '=' | '!=',
  pattern: string,
  lb: LabelsBuilder,
  compileIpMatcher: CompileIpMatcher,
): LabelFilter {
  let matcher: IpMatcher;
  try {
    matcher = compileIpMatcher(pattern);
  } catch (err) {
    throw new StageCompileError(err instanceof Error ? err.message : String(err));
  }
  const slot = lb.permanentSlot(name);
  return {
    test(b) {
      // With an error set, only string matchers may filter the line out.
      if (b.hasError()) return true;
      const v = b.get(slot);
      if (v === undefined) return false;
      return op === '=' ? matcher.matchesAddr(v) : !matcher.matchesAddr(v);
    },
    labelNames: [name],
    readsError: true,
    valueCheck: null,
  };
}

export class LabelFilterStage implements Stage {
  constructor(readonly filter: LabelFilter) {}

  process(line: string, lb: LabelsBuilder): string | null {
    return this.filter.test(lb) ? line : null;
  }
}

/**
 * The parts of a filter that must all pass (its top-level `and` operands),
 * used to evaluate single-label conditions as soon as a parser sets the label.
 */
export function conjuncts(expr: LabelFilterExpr): LabelFilterExpr[] {
  return expr.kind === 'and' ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}
