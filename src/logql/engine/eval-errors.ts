// Errors raised while evaluating a metric query, worded as Loki words them
// (clients and alerting rules match on the text).
import { type Labels, labelsToString } from '../../util/labels.js';

/** A query that parsed but cannot be evaluated (Loki answers 400 Bad Request). */
export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

/** The result would hold more series than `max_query_series` allows. */
export class SeriesLimitError extends Error {
  override name = 'SeriesLimitError';

  constructor(readonly limit: number) {
    super(
      `maximum number of series (${limit}) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()`,
    );
  }
}

/** A series carries `__error__` and the query did not filter it out. */
export class PipelineError extends Error {
  override name = 'PipelineError';

  constructor(
    readonly errorType: string,
    readonly series: Labels,
  ) {
    super(
      `pipeline error: '${errorType}' for series: '${labelsToString(series)}'.\n` +
        `Use a label filter to intentionally skip this error. (e.g | __error__!="${errorType}").\n` +
        'To skip all potential errors you can match empty errors.(e.g __error__="")\n' +
        'The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n',
    );
  }
}

export const errManyToManyRight =
  'found duplicate series on the right hand-side;many-to-many matching not allowed: matching labels must be unique on one side';
export const errManyToManyLeft =
  'found duplicate series on the left hand-side;many-to-many matching not allowed: matching labels must be unique on one side';
export const errManyToOneImplicit =
  'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)';
export const errGroupingNotUnique = 'multiple matches for labels: grouping labels must ensure unique matches';
export const errCountMinSketchInstantOnly = 'count min sketches are only supported on instant queries';

/**
 * The error Loki raises for a range aggregation whose output still carries
 * `__error__` (unless `__preserve_error__="true"`): the first such series at
 * the earliest step where it has a sample. Null when there is none.
 */
export function findPipelineError(
  series: ReadonlyArray<{ labels: Labels; present: Uint8Array }>,
): PipelineError | null {
  let best: PipelineError | null = null;
  let bestStep = Number.POSITIVE_INFINITY;
  for (const s of series) {
    let errorType: string | undefined;
    let preserve = false;
    for (const l of s.labels) {
      if (l.name === '__error__') errorType = l.value;
      else if (l.name === '__preserve_error__') preserve = l.value === 'true';
    }
    if (errorType === undefined || preserve) continue;
    const step = s.present.indexOf(1);
    if (step >= 0 && step < bestStep) {
      bestStep = step;
      best = new PipelineError(errorType, s.labels);
    }
  }
  return best;
}
