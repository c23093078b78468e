// The canonical one-line form of a query, as Loki's `Expr.String()` prints it.
//
// Loki uses this text in results-cache keys, query statistics and logs, and
// it is what `format_query` builds on, so spacing and quoting follow Loki
// exactly: binary operations are parenthesised, strings use Go quoting,
// ranges print as Prometheus durations and offsets as Go durations
// (`offset 1h0m0s`), literals with Go's `%v` (`1e+06`).
//
// One deliberate difference: Loki drops `group_left`/`group_right` after an
// empty `ignoring ()`, which changes the query's meaning; we keep it.
import type {
  BinaryExpr,
  Expr,
  Grouping,
  LabelFilterExpr,
  LineFilterStage,
  LineFilterValue,
  LogRangeExpr,
  LogSelectorExpr,
  Matcher,
  RangeAggregationExpr,
  Stage,
  Unwrap,
  VectorAggregationExpr,
} from './ast.js';
import { formatGoFloatF, formatGoFloatFixed6, formatGoFloatV, goQuote } from './gostrconv.js';
import { formatMatcher } from './matchers.js';
import { isSimplifiableLabelRegexp } from './regexp-simplify.js';
import { formatBytes, formatGoDuration, formatPromDuration } from './units.js';

export function formatExpr(e: Expr): string {
  switch (e.kind) {
    case 'log_selector':
      return formatLogSelector(e);
    case 'range_agg':
      return formatRangeAggregation(e);
    case 'vector_agg':
      return formatVectorAggregation(e);
    case 'binary':
      return `(${formatExpr(e.lhs)} ${formatBinaryOperator(e)} ${formatExpr(e.rhs)})`;
    case 'literal':
      return formatGoFloatV(e.value);
    case 'vector':
      return `vector(${formatGoFloatFixed6(e.value)})`;
    case 'label_replace':
      return `label_replace(${formatExpr(e.expr)},${goQuote(e.dst)},${goQuote(e.replacement)},${goQuote(e.src)},${goQuote(e.regex)})`;
  }
}

/** `{a="b", c=~"d"}`. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map(formatMatcher).join(', ')}}`;
}

export function formatLogSelector(e: LogSelectorExpr): string {
  const selector = formatMatchers(e.matchers);
  if (e.stages.length === 0) return selector;
  return `${selector} ${e.stages.map(formatStage).join(' ')}`;
}

function formatLineFilterValue(v: LineFilterValue): string {
  return v.type === 'ip' ? `ip(${goQuote(v.value)})` : goQuote(v.value);
}

/** `|= "a" or "b"`. */
export function formatLineFilter(s: LineFilterStage): string {
  let out = `${s.op} ${formatLineFilterValue(s.values[0])}`;
  for (let i = 1; i < s.values.length; i++) out += ` or ${formatLineFilterValue(s.values[i])}`;
  return out;
}

export function formatStage(s: Stage): string {
  switch (s.kind) {
    case 'line_filter':
      return formatLineFilter(s);
    case 'parser': {
      if (s.parser === 'regexp' || s.parser === 'pattern') return `| ${s.parser} ${goQuote(s.pattern ?? '')}`;
      if (s.params.length === 0) {
        let out = `| ${s.parser}`;
        if (s.strict) out += ' --strict';
        if (s.keepEmpty) out += ' --keep-empty';
        return out;
      }
      let out = `| ${s.parser} `;
      if (s.strict) out += '--strict ';
      if (s.keepEmpty) out += '--keep-empty ';
      return out + s.params.map((p) => `${p.label}=${goQuote(p.expr)}`).join(',');
    }
    case 'label_filter':
      return `| ${formatLabelFilter(s.filter)}`;
    case 'line_format':
      return `| line_format ${goQuote(s.template)}`;
    case 'label_format':
      return `| label_format ${s.ops
        .map((op) => `${op.dst}=${op.src !== undefined ? op.src : goQuote(op.template ?? '')}`)
        .join(',')}`;
    case 'decolorize':
      return '| decolorize';
    case 'drop':
    case 'keep':
      return `| ${s.kind} ${s.labels.map((l) => (l.matcher ? formatMatcher(l.matcher) : l.name)).join(',')}`;
  }
}

export function formatLabelFilter(f: LabelFilterExpr): string {
  switch (f.type) {
    case 'and':
      return `( ${formatLabelFilter(f.left)} , ${formatLabelFilter(f.right)} )`;
    case 'or':
      return `( ${formatLabelFilter(f.left)} or ${formatLabelFilter(f.right)} )`;
    case 'string': {
      const m = f.matcher;
      // Loki prints a regexp it cannot reduce to plain string matching as a
      // raw string, the way its regexp filter stores it.
      if (m.op === '=~' && !isSimplifiableLabelRegexp(m.value)) {
        const re = m.value.includes('`') ? goQuote(m.value) : `\`${m.value}\``;
        return `${m.name}=~${re}`;
      }
      return formatMatcher(m);
    }
    case 'number':
      return `${f.name}${f.op}${formatGoFloatF(f.value)}`;
    case 'duration':
      return `${f.name}${f.op}${formatGoDuration(f.ns)}`;
    case 'bytes':
      return `${f.name}${f.op}${formatBytes(f.bytes)}`;
    case 'ip':
      return `${f.name}${f.op}ip(${goQuote(f.value)})`;
  }
}

export function formatUnwrap(u: Unwrap): string {
  let out = u.conversion ? ` | unwrap ${u.conversion}(${u.label})` : ` | unwrap ${u.label}`;
  for (const f of u.postFilters) out += ` | ${formatLabelFilter(f)}`;
  return out;
}

export function formatLogRange(r: LogRangeExpr): string {
  let out = formatLogSelector(r.selector);
  if (r.unwrap) out += formatUnwrap(r.unwrap);
  out += `[${formatPromDuration(r.rangeNs)}]`;
  if (r.offsetNs !== 0n) out += ` offset ${formatGoDuration(r.offsetNs)}`;
  return out;
}

export function formatGrouping(g: Grouping): string {
  return `${g.without ? ' without ' : ' by '}(${g.labels.join(',')})`;
}

function formatRangeAggregation(e: RangeAggregationExpr): string {
  const param = e.param !== undefined ? `${formatGoFloatF(e.param)},` : '';
  return `${e.op}(${param}${formatLogRange(e.range)})${e.grouping ? formatGrouping(e.grouping) : ''}`;
}

/** Whether a vector aggregation's grouping is printed (`by ()` is the default and is not). */
export function groupingIsShown(g: Grouping): boolean {
  return g.without || g.labels.length > 0;
}

function formatVectorAggregation(e: VectorAggregationExpr): string {
  const arg = e.param !== undefined ? `${e.param},${formatExpr(e.expr)}` : formatExpr(e.expr);
  return `${e.op}${groupingIsShown(e.grouping) ? formatGrouping(e.grouping) : ''}(${arg})`;
}

function formatBinaryOperator(e: BinaryExpr): string {
  let op: string = e.op;
  if (e.returnBool) op += ' bool';
  const m = e.matching;
  let group = m.card === 'many-to-one' ? 'group_left' : m.card === 'one-to-many' ? 'group_right' : '';
  if (m.include.length > 0) group += ` (${m.include.join(',')})`;
  if (m.on || m.labels.length > 0 || m.card !== 'one-to-one') {
    op += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(',')}) ${group}`;
  }
  return op;
}
