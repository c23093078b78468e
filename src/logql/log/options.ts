// The options a query compiles into: one plain object per LogQL construct, so
// the engine can map the syntax tree onto them one to one. Stages are given
// in query order; the pipeline reorders line filters the way Loki does.
import type { MatchOp } from '../../util/matchers.js';
import type { LineMatcher } from './stage.js';

export type { LineMatcher, MatchOp };

/** `==` and `=` are the same comparison, as in LogQL. */
export type ComparisonOp = '==' | '=' | '!=' | '>' | '>=' | '<' | '<=';

/**
 * A label filter expression (`| status >= 500 and method="GET"`). `and`
 * binds tighter than `or`; the query parser builds the tree accordingly.
 */
export type LabelFilterExpr =
  | { readonly kind: 'and'; readonly left: LabelFilterExpr; readonly right: LabelFilterExpr }
  | { readonly kind: 'or'; readonly left: LabelFilterExpr; readonly right: LabelFilterExpr }
  /** A string matcher; a missing label compares as "". The only kind that can test `__error__`. */
  | { readonly kind: 'string'; readonly name: string; readonly op: MatchOp; readonly value: string }
  /** The label value is parsed as a Go float. */
  | { readonly kind: 'number'; readonly name: string; readonly op: ComparisonOp; readonly value: number }
  /** The label value is parsed as a Go duration; `value` is in nanoseconds. */
  | { readonly kind: 'duration'; readonly name: string; readonly op: ComparisonOp; readonly value: number | bigint }
  /** The label value is parsed as a humanized byte size ("42MB"); `value` is in bytes. */
  | { readonly kind: 'bytes'; readonly name: string; readonly op: ComparisonOp; readonly value: number }
  /** `| addr = ip("10.0.0.0/8")`. */
  | { readonly kind: 'ip'; readonly name: string; readonly op: '=' | '!='; readonly pattern: string };

/** One `name="expression"` parameter of `| json` or `| logfmt`. */
export interface ExtractionParam {
  /** The label to create. */
  readonly label: string;
  /** The path (json) or key (logfmt) to read; `| json status` has label = expression = "status". */
  readonly expression: string;
}

/** A `label_format` operation: `dst=src` renames, `dst="{{...}}"` renders a template. */
export type LabelFormatOp =
  | { readonly kind: 'rename'; readonly dst: string; readonly src: string }
  | { readonly kind: 'template'; readonly dst: string; readonly template: string };

/** An item of `| drop` / `| keep`: a bare name, or a matcher on the label's value. */
export type NamedLabelMatcher =
  | { readonly name: string; readonly op?: undefined }
  | { readonly name: string; readonly op: MatchOp; readonly value: string };

export type StageOptions =
  /** `|= "x"`, `!~ "y"`, ... built by the line filter compiler. */
  | { readonly kind: 'lineFilter'; readonly matcher: LineMatcher }
  /** `| json`, or `| json a="b.c", ...` when params are given. */
  | { readonly kind: 'json'; readonly params?: readonly ExtractionParam[] }
  /** `| logfmt [--strict] [--keep-empty] [params]`. */
  | {
      readonly kind: 'logfmt';
      readonly strict?: boolean;
      readonly keepEmpty?: boolean;
      readonly params?: readonly ExtractionParam[];
    }
  | { readonly kind: 'regexp'; readonly pattern: string }
  | { readonly kind: 'pattern'; readonly pattern: string }
  | { readonly kind: 'unpack' }
  | { readonly kind: 'labelFilter'; readonly filter: LabelFilterExpr }
  | { readonly kind: 'lineFormat'; readonly template: string }
  | { readonly kind: 'labelFormat'; readonly ops: readonly LabelFormatOp[] }
  | { readonly kind: 'drop'; readonly labels: readonly NamedLabelMatcher[] }
  | { readonly kind: 'keep'; readonly labels: readonly NamedLabelMatcher[] }
  | { readonly kind: 'decolorize' };

/** What a metric query extracts from each line that passes the pipeline. */
export type SampleOptions =
  /** `count_over_time`, `rate`, `absent_over_time`: 1 per line. */
  | { readonly kind: 'count' }
  /** `bytes_over_time`, `bytes_rate`: the UTF-8 size of the line after the pipeline. */
  | { readonly kind: 'bytes' }
  /** `| unwrap [conversion(]label[)]` with the label filters that follow it. */
  | {
      readonly kind: 'unwrap';
      readonly label: string;
      /** Absent or "float": Go ParseFloat; duration and duration_seconds give seconds. */
      readonly conversion?: 'float' | 'duration' | 'duration_seconds' | 'bytes';
      readonly postFilters?: readonly LabelFilterExpr[];
    };

/** The grouping the aggregation applies to samples (pushed down into extraction, as in Loki). */
export interface GroupingOptions {
  /** `by (...)` or `without (...)` labels. */
  readonly labels: readonly string[];
  readonly without: boolean;
  /** The aggregation keeps no labels at all, e.g. `sum(...)` or `by ()`. */
  readonly noLabels?: boolean;
}
