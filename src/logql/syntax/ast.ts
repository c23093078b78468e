// The LogQL abstract syntax tree.
//
// Every node is a plain object with a `kind` (expressions and stages) or
// `type` (label filters) discriminant and a `pos`: the [start, end) offsets of
// its text in the query string, in UTF-16 code units as JavaScript indexes
// strings. Parentheses leave no node behind.
//
// Shape, top down:
//
//   Expr = LogSelectorExpr                 `{app="api"} |= "error" | json`
//        | SampleExpr
//   SampleExpr = RangeAggregationExpr       `rate({...}[5m])`
//              | VectorAggregationExpr      `sum by (app) (...)`
//              | BinaryExpr                 `a / b`, `a > bool 5`, `a and on (x) b`
//              | LiteralExpr                `5`  (literal arithmetic is folded: `1+1` is 2)
//              | VectorExpr                 `vector(1)`
//              | LabelReplaceExpr           `label_replace(...)`
//
// Durations are nanoseconds as `bigint`, like Go's time.Duration: ranges and
// offsets can be as fine as Loki allows (offset `1.5us`) without rounding.
//
// The tree mirrors what Loki builds, so evaluation can follow Loki's rules:
// - a line filter `or` chain (`|= "a" or "b"`) is one stage with several
//   values; negative filters (`!= "a" or "b"`) mean "neither", so they are
//   split into one stage per value, as Loki does;
// - `json a, b="x"` keeps the bare name as its own expression (`a="a"`);
// - numeric label filters normalise `=` to `==`;
// - a vector aggregation always has a grouping (absent means `by ()`), while a
//   range aggregation's grouping is absent unless written.

/** [start, end) offsets of a node's text in the query. */
export interface Pos {
  start: number;
  end: number;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A label matcher: `name op "value"`. */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  pos: Pos;
}

// ---------------------------------------------------------------------------
// Log queries

/** A stream selector and the pipeline applied to its lines. */
export interface LogSelectorExpr {
  kind: 'log_selector';
  matchers: Matcher[];
  stages: Stage[];
  pos: Pos;
}

export type Stage =
  | LineFilterStage
  | ParserStage
  | LabelFilterStage
  | LineFormatStage
  | LabelFormatStage
  | DecolorizeStage
  | DropLabelsStage
  | KeepLabelsStage;

export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** One operand of a line filter: a string (or regexp, or pattern) or an `ip("...")` matcher. */
export interface LineFilterValue {
  type: 'string' | 'ip';
  value: string;
}

/** `|= "a"`, `!~ "re"`, `|> "<_> pattern"`; several values are an `or` chain (positive ops only). */
export interface LineFilterStage {
  kind: 'line_filter';
  op: LineFilterOp;
  values: LineFilterValue[];
  pos: Pos;
}

export type ParserName = 'json' | 'logfmt' | 'regexp' | 'pattern' | 'unpack';

/** `json a="x.y", b`: extract label `label` with `expr` (for a bare name, the name itself). */
export interface LabelExtraction {
  label: string;
  expr: string;
}

/** `| json`, `| logfmt --strict a, b="c"`, `| regexp "..."`, `| pattern "..."`, `| unpack`. */
export interface ParserStage {
  kind: 'parser';
  parser: ParserName;
  /** The expression of `regexp` and `pattern`. */
  pattern?: string;
  /** Extraction parameters of `json` and `logfmt`; empty means "extract everything". */
  params: LabelExtraction[];
  /** logfmt `--strict`. */
  strict: boolean;
  /** logfmt `--keep-empty`. */
  keepEmpty: boolean;
  pos: Pos;
}

/** `| level="error" or status >= 500`. */
export interface LabelFilterStage {
  kind: 'label_filter';
  filter: LabelFilterExpr;
  pos: Pos;
}

/** `| line_format "{{.msg}}"`. */
export interface LineFormatStage {
  kind: 'line_format';
  template: string;
  pos: Pos;
}

/** One `label_format` assignment: a rename (`dst=src`) or a template (`dst="{{...}}"`). */
export interface LabelFormatOp {
  dst: string;
  /** Set for a rename: the label whose value moves to `dst`. */
  src?: string;
  /** Set for a template. */
  template?: string;
}

/** `| label_format a=b, c="{{.d}}"`. */
export interface LabelFormatStage {
  kind: 'label_format';
  ops: LabelFormatOp[];
  pos: Pos;
}

/** `| decolorize`. */
export interface DecolorizeStage {
  kind: 'decolorize';
  pos: Pos;
}

/** A `drop`/`keep` operand: a bare name, or a matcher restricting which values qualify. */
export interface NamedLabelMatcher {
  name: string;
  matcher?: Matcher;
}

/** `| drop a, b="v", c=~"re"`. */
export interface DropLabelsStage {
  kind: 'drop';
  labels: NamedLabelMatcher[];
  pos: Pos;
}

/** `| keep a, b="v"`. */
export interface KeepLabelsStage {
  kind: 'keep';
  labels: NamedLabelMatcher[];
  pos: Pos;
}

export type CmpOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

/** A label filter expression; `,` and juxtaposition are `and`. */
export type LabelFilterExpr =
  | { type: 'and' | 'or'; left: LabelFilterExpr; right: LabelFilterExpr; pos: Pos }
  | { type: 'string'; matcher: Matcher; pos: Pos }
  | { type: 'number'; name: string; op: CmpOp; value: number; pos: Pos }
  | { type: 'duration'; name: string; op: CmpOp; ns: bigint; pos: Pos }
  | { type: 'bytes'; name: string; op: CmpOp; bytes: number; pos: Pos }
  | { type: 'ip'; name: string; op: '=' | '!='; value: string; pos: Pos };

// ---------------------------------------------------------------------------
// Metric queries

export type UnwrapConversion = '' | 'bytes' | 'duration' | 'duration_seconds';

/** `| unwrap duration(latency) | __error__=""`. */
export interface Unwrap {
  label: string;
  conversion: UnwrapConversion;
  /** Label filters applied after the value is extracted. */
  postFilters: LabelFilterExpr[];
  pos: Pos;
}

/** A log query over a sliding window: `{...} | ... [5m] offset 1h`. Not an expression on its own. */
export interface LogRangeExpr {
  kind: 'log_range';
  selector: LogSelectorExpr;
  rangeNs: bigint;
  /** 0n when absent. May be negative. */
  offsetNs: bigint;
  unwrap?: Unwrap;
  pos: Pos;
}

export type RangeOp =
  | 'count_over_time'
  | 'rate'
  | 'rate_counter'
  | 'bytes_over_time'
  | 'bytes_rate'
  | 'avg_over_time'
  | 'sum_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'stdvar_over_time'
  | 'stddev_over_time'
  | 'quantile_over_time'
  | 'first_over_time'
  | 'last_over_time'
  | 'absent_over_time';

export type VectorOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'stddev'
  | 'stdvar'
  | 'bottomk'
  | 'topk'
  | 'sort'
  | 'sort_desc'
  | 'approx_topk';

/** `by (a, b)` / `without (a)`; `by ()` has no labels. */
export interface Grouping {
  without: boolean;
  labels: string[];
}

export interface RangeAggregationExpr {
  kind: 'range_agg';
  op: RangeOp;
  range: LogRangeExpr;
  /** φ of quantile_over_time. */
  param?: number;
  /** Absent unless written (only some operations allow it). */
  grouping?: Grouping;
  pos: Pos;
}

export interface VectorAggregationExpr {
  kind: 'vector_agg';
  op: VectorOp;
  expr: SampleExpr;
  /** k of topk, bottomk and approx_topk. */
  param?: number;
  /** Always present: `sum(x)` groups `by ()`. */
  grouping: Grouping;
  pos: Pos;
}

export type BinaryOp =
  | 'or'
  | 'and'
  | 'unless'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | '=='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<=';

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many';

/** How the two sides of a binary operation pair up (`on`/`ignoring`, `group_left`/`group_right`). */
export interface VectorMatching {
  card: VectorMatchCardinality;
  /** `on (...)` rather than `ignoring (...)`. */
  on: boolean;
  /** The `on`/`ignoring` labels. */
  labels: string[];
  /** The `group_left`/`group_right` labels. */
  include: string[];
}

export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  lhs: SampleExpr;
  rhs: SampleExpr;
  /** `bool` modifier. */
  returnBool: boolean;
  matching: VectorMatching;
  pos: Pos;
}

export interface LiteralExpr {
  kind: 'literal';
  value: number;
  pos: Pos;
}

/** `vector(1)`: one sample with no labels at every step. */
export interface VectorExpr {
  kind: 'vector';
  value: number;
  pos: Pos;
}

export interface LabelReplaceExpr {
  kind: 'label_replace';
  expr: SampleExpr;
  dst: string;
  replacement: string;
  src: string;
  /** As written; it is matched anchored, as `^(?:regex)$`. */
  regex: string;
  pos: Pos;
}

export type SampleExpr =
  | RangeAggregationExpr
  | VectorAggregationExpr
  | BinaryExpr
  | LiteralExpr
  | VectorExpr
  | LabelReplaceExpr;

export type Expr = LogSelectorExpr | SampleExpr;

/** Every node kind reachable from an Expr, for `walk`. */
export type Node = Expr | LogRangeExpr | Stage;

// ---------------------------------------------------------------------------
// Helpers

export function isLogExpr(e: Expr): e is LogSelectorExpr {
  return e.kind === 'log_selector';
}

export function isSampleExpr(e: Expr): e is SampleExpr {
  return e.kind !== 'log_selector';
}

/**
 * Visits `e` and its sub-expressions depth first, parents before children,
 * left before right. Returning false from `visit` skips a node's children.
 */
export function walk(e: Node, visit: (node: Node) => boolean | undefined): void {
  if (visit(e) === false) return;
  switch (e.kind) {
    case 'log_selector':
      for (const s of e.stages) walk(s, visit);
      return;
    case 'log_range':
      walk(e.selector, visit);
      return;
    case 'range_agg':
      walk(e.range, visit);
      return;
    case 'vector_agg':
      walk(e.expr, visit);
      return;
    case 'label_replace':
      walk(e.expr, visit);
      return;
    case 'binary':
      walk(e.lhs, visit);
      walk(e.rhs, visit);
      return;
    default:
      return;
  }
}

/** A selector the engine must fetch, with the window it reads (absent for log queries). */
export interface SelectorUse {
  selector: LogSelectorExpr;
  rangeNs?: bigint;
  offsetNs?: bigint;
  unwrap?: Unwrap;
}

/** Every stream selector of a query, in query order, with its range and offset. */
export function selectorsOf(e: Expr): SelectorUse[] {
  const out: SelectorUse[] = [];
  walk(e, (node) => {
    if (node.kind === 'log_range') {
      out.push({ selector: node.selector, rangeNs: node.rangeNs, offsetNs: node.offsetNs, unwrap: node.unwrap });
      return false;
    }
    if (node.kind === 'log_selector') {
      out.push({ selector: node });
      return false;
    }
    return true;
  });
  return out;
}
