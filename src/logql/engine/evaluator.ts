// Evaluates a metric query's expression tree over the query's step grid.
//
// The leaves that read logs (range aggregations) are computed by the caller
// and handed over as step matrices; everything above them (vector
// aggregations, binary operators, label_replace, vector(), literals) is
// evaluated here, one whole sub-tree result at a time, with Loki's per-step
// semantics: at each step an operator sees only the samples present there.
//
// Sub-results are matrices whose series may repeat a label set at different
// steps (e.g. `x or vector(0)` keeps the left and right series apart); the
// response encoder merges them by labels, as Loki's result builder does.
import type { RangeAggregationExpr, SampleExpr } from '../syntax/ast.js';
import { scalarBinary, vectorBinary, vectorScalarBinary } from './binary.js';
import { labelReplace } from './label-replace.js';
import { type EvalValue, isScalar, type ScalarValue, type StepGrid, type StepMatrix } from './types.js';
import { aggregateVector } from './vector-aggregation.js';

export interface EvalContext {
  grid: StepGrid;
  /**
   * Whether this is an instant query (Loki: start equals end and no step).
   * Defaults to a single-step grid with a zero step.
   */
  instant?: boolean;
  /** The per-step output series of a range aggregation (grouping already applied). */
  rangeAggregation(node: RangeAggregationExpr): Promise<StepMatrix>;
}

/** Evaluates `expr`: a scalar for literal arithmetic, otherwise a step matrix. */
export async function evaluateSample(expr: SampleExpr, ctx: EvalContext): Promise<EvalValue> {
  const instant = ctx.instant ?? (ctx.grid.steps === 1 && ctx.grid.stepNs === 0n);
  return evaluate(expr, ctx, instant);
}

async function evaluate(expr: SampleExpr, ctx: EvalContext, instant: boolean): Promise<EvalValue> {
  switch (expr.kind) {
    case 'literal':
      return scalar(expr.value);
    case 'vector':
      return constantVector(ctx.grid, expr.value);
    case 'range_agg':
      return ctx.rangeAggregation(expr);
    case 'vector_agg': {
      const input = toMatrix(await evaluate(expr.expr, ctx, instant), ctx.grid);
      return aggregateVector(expr, input, instant);
    }
    case 'label_replace':
      return labelReplace(toMatrix(await evaluate(expr.expr, ctx, instant), ctx.grid), expr);
    case 'binary': {
      // Both legs of a binary operation are independent: read them concurrently.
      const [lhs, rhs] = await Promise.all([evaluate(expr.lhs, ctx, instant), evaluate(expr.rhs, ctx, instant)]);
      if (isScalar(lhs) && isScalar(rhs)) return scalar(scalarBinary(expr.op, lhs.value, rhs.value));
      if (isScalar(lhs)) return vectorScalarBinary(expr.op, expr.returnBool, rhs as StepMatrix, lhs.value, true);
      if (isScalar(rhs)) return vectorScalarBinary(expr.op, expr.returnBool, lhs, rhs.value, false);
      return vectorBinary(expr, lhs, rhs);
    }
  }
}

function scalar(value: number): ScalarValue {
  return { kind: 'scalar', value };
}

/** `vector(x)`: one label-less series valued x at every step. */
export function constantVector(grid: StepGrid, value: number): StepMatrix {
  return {
    grid,
    series: [
      {
        labels: [],
        values: new Float64Array(grid.steps).fill(value),
        present: new Uint8Array(grid.steps).fill(1),
      },
    ],
  };
}

/**
 * Operators that need a vector never receive a bare scalar from a valid
 * query (the parser rejects `sum(1)`); treat one as `vector(x)` defensively.
 */
function toMatrix(v: EvalValue, grid: StepGrid): StepMatrix {
  return isScalar(v) ? constantVector(grid, v.value) : v;
}
