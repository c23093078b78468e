// Metric results are printed as logcli prints them: the result re-encoded by
// Prometheus' model types with json.MarshalIndent (two spaces) and no newline
// at the end. Timestamps are seconds with up to three decimals, values strings
// in Go's shortest 'f' form ("NaN", "+Inf", "0.5", "100000").
import { formatGoFloatF } from '../../logql/syntax/gostrconv.js';
import type { QueryResult, SamplePoint } from '../client/response.js';
import { JsonNumber, type JsonValue, marshalIndent } from '../format/go-json.js';
import { labelSetJson } from '../labels.js';

function pointJson(p: SamplePoint): JsonValue {
  return [new JsonNumber(formatGoFloatF(p.timeMs / 1000)), formatGoFloatF(p.value)];
}

/** The JSON logcli prints for a vector, matrix or scalar result; null for streams. */
export function metricResultJson(result: QueryResult): string | null {
  switch (result.type) {
    case 'vector':
      return marshalIndent(
        result.samples.map(
          (s): JsonValue =>
            new Map<string, JsonValue>([
              ['metric', labelSetJson(s.metric)],
              ['value', pointJson(s.point)],
            ]),
        ),
      );
    case 'matrix':
      return marshalIndent(
        result.series.map(
          (s): JsonValue =>
            new Map<string, JsonValue>([
              ['metric', labelSetJson(s.metric)],
              ['values', s.values.map(pointJson)],
            ]),
        ),
      );
    case 'scalar':
      return marshalIndent(pointJson(result.point));
    case 'streams':
      return null;
  }
}
