// Values the LogQL engine passes between its parts.
//
// Metric queries are evaluated over a fixed grid of steps: step i is at
// `startNs + i * stepNs` for i in [0, steps). A series holds one value per
// step; NaN marks a step where the series has no sample (Prometheus' "absent",
// distinct from a sample whose value is NaN, which is never produced by range
// aggregations over logs, so NaN is unambiguous here except in arithmetic:
// see `present`).
import type { Labels } from '../../util/labels.js';

/** The step grid of a metric query. An instant query is a grid of one step at its time. */
export interface StepGrid {
  readonly startNs: bigint;
  readonly stepNs: bigint;
  readonly steps: number;
}

export interface StepSeries {
  /** Sorted by name. */
  labels: Labels;
  /** One value per step. */
  values: Float64Array;
  /** 1 where the series has a sample at that step. */
  present: Uint8Array;
}

/** A set of series over a grid: what every sample expression evaluates to. */
export interface StepMatrix {
  grid: StepGrid;
  series: StepSeries[];
}

/** A scalar expression (literal arithmetic) evaluates to one value at every step. */
export interface ScalarValue {
  kind: 'scalar';
  value: number;
}

export type EvalValue = StepMatrix | ScalarValue;

export function isScalar(v: EvalValue): v is ScalarValue {
  return (v as ScalarValue).kind === 'scalar';
}

/** Timestamp of step i in ns. */
export function stepTimeNs(grid: StepGrid, i: number): bigint {
  return grid.startNs + BigInt(i) * grid.stepNs;
}
