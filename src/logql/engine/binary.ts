// Binary operators between vectors and scalars, step by step over present
// samples, with Loki's semantics (pkg/logql/evaluator.go, syntax.MergeBinOp):
//
// - `/` and `%` by zero give NaN (not ±Inf as in Prometheus); `^` is Go's
//   math.Pow and `%` Go's math.Mod.
// - Comparisons filter (keeping the vector's own value) unless `bool` is
//   given, which yields 0 or 1; between two scalars they always yield 0 or 1.
// - Result labels are the left sample's (the "many" side's with group_x),
//   reduced to the `on` labels or stripped of the `ignoring` labels for
//   one-to-one matching, with `group_x` include labels copied from the "one"
//   side (deleted when that side lacks them). LogQL has no metric name, so
//   nothing else is dropped; vector/scalar operations keep all labels.
// - `and`, `or`, `unless` keep the operands' own labels and values.
//
// Matching signatures and result labels are computed once per series (or
// per matched pair) and samples are combined series by series, which keeps
// memory access sequential; Loki's per-step errors are checked apart.
import type { Labels } from '../../util/labels.js';
import type { BinaryOp, VectorMatching } from '../syntax/ast.js';
import { ParseError } from '../syntax/errors.js';
import { formatGoFloatFixed6 } from '../syntax/gostrconv.js';
import {
  EvaluationError,
  errGroupingNotUnique,
  errManyToManyLeft,
  errManyToManyRight,
  errManyToOneImplicit,
} from './eval-errors.js';
import { goMod, goPow } from './go-math.js';
import { deleteLabel, dropLabels, KeyInterner, keepLabels, labelsKey, setLabel } from './label-sets.js';
import type { StepMatrix, StepSeries } from './types.js';

export function isComparison(op: BinaryOp): boolean {
  return op === '==' || op === '!=' || op === '>' || op === '>=' || op === '<' || op === '<=';
}

export function isSetOperator(op: BinaryOp): boolean {
  return op === 'and' || op === 'or' || op === 'unless';
}

/** `l op r` for an arithmetic operator. */
export function arithmetic(op: BinaryOp, l: number, r: number): number {
  return arithmeticOf(op)(l, r);
}

/** `l op r` for a comparison operator. */
export function compare(op: BinaryOp, l: number, r: number): boolean {
  return comparisonOf(op)(l, r);
}

type Arithmetic = (l: number, r: number) => number;
type Comparison = (l: number, r: number) => boolean;

// One small function per operator, chosen once per operation, keeps the
// per-sample loops free of operator dispatch.
const arithmetics: Partial<Record<BinaryOp, Arithmetic>> = {
  '+': (l, r) => l + r,
  '-': (l, r) => l - r,
  '*': (l, r) => l * r,
  '/': (l, r) => (r === 0 ? Number.NaN : l / r),
  '%': (l, r) => (r === 0 ? Number.NaN : goMod(l, r)),
  '^': goPow,
};

const comparisons: Partial<Record<BinaryOp, Comparison>> = {
  '==': (l, r) => l === r,
  '!=': (l, r) => l !== r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
};

function arithmeticOf(op: BinaryOp): Arithmetic {
  const f = arithmetics[op];
  if (!f) throw new Error(`should never happen: unexpected operation: (${op})`);
  return f;
}

function comparisonOf(op: BinaryOp): Comparison {
  const f = comparisons[op];
  if (!f) throw new Error(`should never happen: unexpected operation: (${op})`);
  return f;
}

/** Two scalars: comparisons give 0 or 1 whether or not `bool` is written. */
export function scalarBinary(op: BinaryOp, l: number, r: number): number {
  if (isSetOperator(op)) throw literalInSetOperation(op, l, true);
  if (isComparison(op)) return compare(op, l, r) ? 1 : 0;
  return arithmetic(op, l, r);
}

/** Loki rejects a literal operand of `and`/`or`/`unless` (normally caught while parsing). */
export function literalInSetOperation(op: BinaryOp, value: number, left: boolean): ParseError {
  return new ParseError(
    `unexpected literal for ${left ? 'left' : 'right'} leg of logical/set binary operation (${op}): ${formatGoFloatFixed6(value)}`,
  );
}

/**
 * A vector and a scalar. Every sample is combined with the scalar and keeps
 * its labels; a comparison without `bool` keeps the sample's own value or
 * drops the sample.
 */
export function vectorScalarBinary(
  op: BinaryOp,
  returnBool: boolean,
  vector: StepMatrix,
  scalar: number,
  scalarOnLeft: boolean,
): StepMatrix {
  if (isSetOperator(op)) throw literalInSetOperation(op, scalar, scalarOnLeft);
  const steps = vector.grid.steps;
  const out: StepSeries[] = [];
  if (isComparison(op)) {
    const cmp = comparisonOf(op);
    for (const s of vector.series) {
      const sv = s.values;
      const sp = s.present;
      const present = new Uint8Array(steps);
      // A filtering comparison keeps the values as they are.
      const values = returnBool ? new Float64Array(steps).fill(Number.NaN) : sv;
      let any = false;
      for (let t = 0; t < steps; t++) {
        if (!sp[t]) continue;
        const ok = scalarOnLeft ? cmp(scalar, sv[t]!) : cmp(sv[t]!, scalar);
        if (returnBool) values[t] = ok ? 1 : 0;
        else if (!ok) continue;
        present[t] = 1;
        any = true;
      }
      if (any) out.push({ labels: s.labels, values, present });
    }
  } else {
    const f = arithmeticOf(op);
    for (const s of vector.series) {
      const sv = s.values;
      const sp = s.present;
      const values = new Float64Array(steps).fill(Number.NaN);
      for (let t = 0; t < steps; t++) {
        if (sp[t]) values[t] = scalarOnLeft ? f(scalar, sv[t]!) : f(sv[t]!, scalar);
      }
      if (sp.includes(1)) out.push({ labels: s.labels, values, present: sp });
    }
  }
  return { grid: vector.grid, series: out };
}

export interface BinaryOptions {
  op: BinaryOp;
  returnBool: boolean;
  matching: VectorMatching;
}

/** Matching signatures of both sides as dense ids, so per-step lookups are array reads. */
function signatures(
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  matching: VectorMatching,
): { left: Int32Array; right: Int32Array; count: number } {
  const interner = new KeyInterner();
  const sig = (labels: Labels) => {
    if (matching.on) return interner.intern(labelsKey(keepLabels(labels, matching.labels)));
    if (matching.labels.length > 0) return interner.intern(labelsKey(dropLabels(labels, matching.labels)));
    return interner.intern(labelsKey(labels));
  };
  const left = new Int32Array(lhs.length);
  for (let i = 0; i < lhs.length; i++) left[i] = sig(lhs[i]!.labels);
  const right = new Int32Array(rhs.length);
  for (let i = 0; i < rhs.length; i++) right[i] = sig(rhs[i]!.labels);
  return { left, right, count: interner.size };
}

/** Two vectors. */
export function vectorBinary(opts: BinaryOptions, lhs: StepMatrix, rhs: StepMatrix): StepMatrix {
  switch (opts.op) {
    case 'and':
      return vectorAnd(lhs, rhs, opts.matching);
    case 'or':
      return vectorOr(lhs, rhs, opts.matching);
    case 'unless':
      return vectorUnless(lhs, rhs, opts.matching);
    default:
      return vectorArithmetic(opts, lhs, rhs);
  }
}

/** Labels of a matched pair: `many` is the left side (the right one for group_right). */
function resultLabels(many: Labels, one: Labels, matching: VectorMatching): Labels {
  let out: Labels = many;
  if (matching.card === 'one-to-one') {
    out = matching.on ? keepLabels(out, matching.labels) : dropLabels(out, matching.labels);
  }
  for (const name of matching.include) {
    let value = '';
    for (const l of one) if (l.name === name) value = l.value;
    out = value !== '' ? setLabel(out, name, value) : deleteLabel(out, name);
  }
  return out;
}

/** Series indices grouped by signature: members[start[sig] .. start[sig + 1]). */
interface SignatureGroups {
  start: Int32Array;
  members: Int32Array;
}

function groupBySignature(sigOf: Int32Array, count: number): SignatureGroups {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < sigOf.length; i++) start[sigOf[i]! + 1]!++;
  for (let g = 0; g < count; g++) start[g + 1]! += start[g]!;
  const next = start.slice(0, count);
  const members = new Int32Array(sigOf.length);
  for (let i = 0; i < sigOf.length; i++) members[next[sigOf[i]!]!++] = i;
  return { start, members };
}

/**
 * Arithmetic and comparisons between vectors. The work is done series by
 * series (cache-friendly); Loki's per-step errors are found separately, and
 * only where they can occur (several series sharing a signature), keeping
 * its order: the earliest step wins, and within a step duplicates on the
 * "one" side are reported before conflicts on the "many" side.
 */
function vectorArithmetic(opts: BinaryOptions, lhs: StepMatrix, rhs: StepMatrix): StepMatrix {
  const { op, returnBool, matching } = opts;
  const steps = lhs.grid.steps;
  // group_right is group_left with the sides swapped; values are combined in
  // the written order again below.
  const swapped = matching.card === 'one-to-many';
  const many = swapped ? rhs.series : lhs.series;
  const one = swapped ? lhs.series : rhs.series;
  const sigs = signatures(many, one, matching);
  const manySig = sigs.left;
  const oneGroups = groupBySignature(sigs.right, sigs.count);
  const manyGroups = groupBySignature(sigs.left, sigs.count);
  const cmp = isComparison(op) ? comparisonOf(op) : null;
  const arith = cmp ? null : arithmeticOf(op);

  // Output series by result labels. They depend on the "many" series alone
  // unless include labels copy values from its match.
  const outputs: StepSeries[] = [];
  const outputIds = new KeyInterner();
  const perSeries = matching.include.length === 0;
  const outOfMany = new Int32Array(many.length).fill(-1);
  const outOfPair = new Map<number, number>();
  const outputFor = (i: number, j: number): number => {
    const cached = perSeries ? outOfMany[i]! : (outOfPair.get(i * one.length + j) ?? -1);
    if (cached >= 0) return cached;
    const labels = resultLabels(many[i]!.labels, one[j]!.labels, matching);
    const before = outputIds.size;
    const id = outputIds.intern(labelsKey(labels));
    if (outputIds.size > before) {
      outputs.push({ labels, values: new Float64Array(steps).fill(Number.NaN), present: new Uint8Array(steps) });
    }
    if (perSeries) outOfMany[i] = id;
    else outOfPair.set(i * one.length + j, id);
    return id;
  };
  /** The "one" series of signature `sig` present at step t, or -1. */
  const oneAt = (sig: number, t: number): number => {
    for (let m = oneGroups.start[sig]!; m < oneGroups.start[sig + 1]!; m++) {
      const j = oneGroups.members[m]!;
      if (one[j]!.present[t]) return j;
    }
    return -1;
  };

  for (let i = 0; i < many.length; i++) {
    const sig = manySig[i]!;
    const from = oneGroups.start[sig]!;
    const to = oneGroups.start[sig + 1]!;
    if (from === to) continue;
    const mv = many[i]!.values;
    const mp = many[i]!.present;
    const fixed = to - from === 1 ? oneGroups.members[from]! : -1;
    for (let t = 0; t < steps; t++) {
      if (!mp[t]) continue;
      const j = fixed >= 0 ? (one[fixed]!.present[t] ? fixed : -1) : oneAt(sig, t);
      if (j < 0) continue;
      const out = outputs[outputFor(i, j)]!;
      const l = swapped ? one[j]!.values[t]! : mv[t]!;
      const r = swapped ? mv[t]! : one[j]!.values[t]!;
      if (cmp) {
        const ok = cmp(l, r);
        if (returnBool) out.values[t] = ok ? 1 : 0;
        else if (ok) out.values[t] = l;
        else continue;
      } else {
        out.values[t] = arith!(l, r);
      }
      out.present[t] = 1;
    }
  }

  let errorStep = Number.POSITIVE_INFINITY;
  let error = '';
  // Two "one" series of a signature at the same step: many-to-many.
  for (let sig = 0; sig < sigs.count; sig++) {
    const from = oneGroups.start[sig]!;
    const to = oneGroups.start[sig + 1]!;
    if (to - from < 2) continue;
    for (let t = 0; t < Math.min(steps, errorStep); t++) {
      let n = 0;
      for (let m = from; m < to; m++) n += one[oneGroups.members[m]!]!.present[t]!;
      if (n >= 2) {
        errorStep = t;
        error = swapped ? errManyToManyLeft : errManyToManyRight;
        break;
      }
    }
  }
  // Two matched "many" series of a signature at the same step: an error for
  // one-to-one matching; for group_x only when they produce the same labels,
  // which is known in advance unless the match (and so the include labels)
  // changes from step to step.
  const oneToOne = matching.card === 'one-to-one';
  const seenAt = new Int32Array(outputs.length);
  const seenSig = new Int32Array(outputs.length);
  for (let sig = 0; sig < sigs.count; sig++) {
    const from = manyGroups.start[sig]!;
    const to = manyGroups.start[sig + 1]!;
    const ones = oneGroups.start[sig + 1]! - oneGroups.start[sig]!;
    if (to - from < 2 || ones === 0) continue;
    if (!oneToOne && (perSeries || ones === 1)) {
      const j = oneGroups.members[oneGroups.start[sig]!]!;
      const ids = new Set<number>();
      let shared = false;
      for (let m = from; m < to && !shared; m++) {
        const i = manyGroups.members[m]!;
        const id = perSeries ? outOfMany[i]! : (outOfPair.get(i * one.length + j) ?? -1);
        if (id < 0) continue;
        shared = ids.has(id);
        ids.add(id);
      }
      if (!shared) continue;
    }
    for (let t = 0; t < Math.min(steps, errorStep); t++) {
      const j = oneAt(sig, t);
      if (j < 0) continue;
      let matched = 0;
      for (let m = from; m < to && errorStep > t; m++) {
        const i = manyGroups.members[m]!;
        if (!many[i]!.present[t]) continue;
        matched++;
        if (oneToOne) {
          if (matched >= 2) {
            errorStep = t;
            error = errManyToOneImplicit;
          }
          continue;
        }
        const id = outputFor(i, j);
        if (seenAt[id] === t + 1 && seenSig[id] === sig) {
          errorStep = t;
          error = errGroupingNotUnique;
        }
        seenAt[id] = t + 1;
        seenSig[id] = sig;
      }
    }
  }
  if (error) throw new EvaluationError(error);
  return { grid: lhs.grid, series: outputs.filter((s) => s.present.includes(1)) };
}

/** Per signature, the steps at which any of `series` has a sample. */
function presenceBySignature(series: readonly StepSeries[], sigOf: Int32Array, count: number, steps: number) {
  const masks: Array<Uint8Array | undefined> = new Array(count);
  for (let i = 0; i < series.length; i++) {
    const sig = sigOf[i]!;
    let mask = masks[sig];
    if (!mask) {
      mask = new Uint8Array(steps);
      masks[sig] = mask;
    }
    const p = series[i]!.present;
    for (let t = 0; t < steps; t++) mask[t]! |= p[t]!;
  }
  return masks;
}

/** `series` restricted to the steps where `mask` is (or, with `invert`, is not) set. */
function restrict(series: StepSeries, mask: Uint8Array | undefined, invert: boolean, steps: number): StepSeries | null {
  if (!mask) return invert && series.present.includes(1) ? series : null;
  const present = new Uint8Array(steps);
  let any = false;
  for (let t = 0; t < steps; t++) {
    if (series.present[t] && (mask[t] ? !invert : invert)) {
      present[t] = 1;
      any = true;
    }
  }
  return any ? { labels: series.labels, values: series.values, present } : null;
}

/** Left samples whose signature has a right sample at the same step. */
function vectorAnd(lhs: StepMatrix, rhs: StepMatrix, matching: VectorMatching): StepMatrix {
  const steps = lhs.grid.steps;
  const sigs = signatures(lhs.series, rhs.series, matching);
  const right = presenceBySignature(rhs.series, sigs.right, sigs.count, steps);
  const out: StepSeries[] = [];
  for (let i = 0; i < lhs.series.length; i++) {
    const s = restrict(lhs.series[i]!, right[sigs.left[i]!], false, steps);
    if (s) out.push(s);
  }
  return { grid: lhs.grid, series: out };
}

/** Every left sample, plus the right samples whose signature has no left sample at that step. */
function vectorOr(lhs: StepMatrix, rhs: StepMatrix, matching: VectorMatching): StepMatrix {
  const steps = lhs.grid.steps;
  const sigs = signatures(lhs.series, rhs.series, matching);
  const left = presenceBySignature(lhs.series, sigs.left, sigs.count, steps);
  const out = lhs.series.filter((s) => s.present.includes(1));
  for (let j = 0; j < rhs.series.length; j++) {
    const s = restrict(rhs.series[j]!, left[sigs.right[j]!], true, steps);
    if (s) out.push(s);
  }
  return { grid: lhs.grid, series: out };
}

/** Left samples whose signature has no right sample at the same step. */
function vectorUnless(lhs: StepMatrix, rhs: StepMatrix, matching: VectorMatching): StepMatrix {
  const steps = lhs.grid.steps;
  const sigs = signatures(lhs.series, rhs.series, matching);
  const right = presenceBySignature(rhs.series, sigs.right, sigs.count, steps);
  const out: StepSeries[] = [];
  for (let i = 0; i < lhs.series.length; i++) {
    const s = restrict(lhs.series[i]!, right[sigs.left[i]!], true, steps);
    if (s) out.push(s);
  }
  return { grid: lhs.grid, series: out };
}
