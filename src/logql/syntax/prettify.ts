// Multi-line layout of a query, as Loki's `syntax.Prettify` produces it for
// `GET /loki/api/v1/format_query`.
//
// An expression whose one-line form fits in 100 bytes stays on one line,
// indented two spaces per nesting level. A longer one is split: pipeline
// stages go one per line under their selector, function arguments and
// binary operands one level deeper than their operator.
//
// Where Loki's layout would change a query's meaning we keep the meaning
// instead: Loki drops the `or` alternatives of a line filter it splits, prints
// `without ()` as a bare `without`, drops a range aggregation's explicit
// `by ()`, and omits an empty `on ()`/`ignoring ()` together with its
// `group_left`/`group_right`.
import type { BinaryExpr, Expr, Grouping, LineFilterStage, LogRangeExpr, LogSelectorExpr, Unwrap } from './ast.js';
import {
  formatExpr,
  formatLabelFilter,
  formatLineFilter,
  formatLogSelector,
  formatMatchers,
  formatStage,
} from './format.js';
import { formatGoFloatV, goQuote } from './gostrconv.js';
import { formatPromDuration } from './units.js';

/** Longest one-line form (in bytes) that is not split. */
export const maxCharsPerLine = 100;

function indent(level: number): string {
  return '  '.repeat(level);
}

/** Loki's `syntax.Prettify`; `maxLineBytes` exists for tests (Loki's own tests use 20). */
export function prettifyExpr(e: Expr, maxLineBytes = maxCharsPerLine): string {
  return new Prettifier(maxLineBytes).expr(e, 0);
}

class Prettifier {
  constructor(private readonly maxLineBytes: number) {}

  private fits(oneLine: string): boolean {
    return oneLine.length <= this.maxLineBytes && Buffer.byteLength(oneLine) <= this.maxLineBytes;
  }

  expr(e: Expr, level: number): string {
    if (e.kind === 'log_selector') return this.logSelector(e, level);
    const oneLine = formatExpr(e);
    if (this.fits(oneLine)) return indent(level) + oneLine;
    switch (e.kind) {
      case 'range_agg': {
        let s = `${indent(level)}${e.op}(\n`;
        if (e.param !== undefined) s += `${indent(level + 1)}${formatGoFloatV(e.param)},\n`;
        s += this.logRange(e.range, level + 1);
        s += `\n${indent(level)})`;
        // For a range aggregation an explicit `by ()` differs from none, so it stays.
        if (e.grouping) s += e.grouping.labels.length === 0 && !e.grouping.without ? ' by ()' : grouping(e.grouping);
        return s;
      }
      case 'vector_agg': {
        const args = [this.expr(e.expr, level + 1)];
        if (e.param !== undefined) args.unshift(`${indent(level + 1)}${e.param}`);
        return `${indent(level)}${e.op}${grouping(e.grouping)}(\n${args.join(',\n')}\n${indent(level)})`;
      }
      case 'binary':
        return `${this.expr(e.lhs, level + 1)}\n${indent(level)}${binaryOperator(e)}\n${this.expr(e.rhs, level + 1)}`;
      case 'label_replace': {
        const inner = indent(level + 1);
        const args = [
          this.expr(e.expr, level + 1),
          inner + goQuote(e.dst),
          inner + goQuote(e.replacement),
          inner + goQuote(e.src),
          inner + goQuote(e.regex),
        ];
        return `${indent(level)}label_replace(\n${args.join(',\n')}\n${indent(level)})`;
      }
      case 'literal':
      case 'vector':
        return indent(level) + oneLine;
    }
  }

  private logSelector(e: LogSelectorExpr, level: number): string {
    const oneLine = formatLogSelector(e);
    if (e.stages.length === 0 || this.fits(oneLine)) return indent(level) + oneLine;
    const lines = [indent(level) + formatMatchers(e.matchers)];
    // Consecutive line filters form one stage in Loki and share a line when they fit.
    const stages = e.stages;
    for (let i = 0; i < stages.length; ) {
      const run: LineFilterStage[] = [];
      for (let s = stages[i]; s?.kind === 'line_filter'; s = stages[++i]) run.push(s);
      if (run.length > 0) {
        lines.push(this.lineFilters(run, level + 1));
        continue;
      }
      const stage = stages[i++];
      // Loki prints decolorize without indentation.
      lines.push(stage.kind === 'decolorize' ? formatStage(stage) : indent(level + 1) + formatStage(stage));
    }
    return lines.join('\n');
  }

  private lineFilters(run: LineFilterStage[], level: number): string {
    const oneLine = run.map(formatLineFilter).join(' ');
    if (this.fits(oneLine)) return indent(level) + oneLine;
    const last = indent(level) + formatLineFilter(run[run.length - 1]);
    if (run.length === 1) return last;
    return `${this.lineFilters(run.slice(0, -1), level)}\n${last}`;
  }

  private logRange(r: LogRangeExpr, level: number): string {
    let s = this.logSelector(r.selector, level);
    if (r.unwrap) s += `\n${unwrap(r.unwrap, level + 1)}`;
    s += ` [${formatPromDuration(r.rangeNs)}]`;
    if (r.offsetNs !== 0n) s += ` offset ${formatPromDuration(r.offsetNs)}`;
    return s;
  }
}

function unwrap(u: Unwrap, level: number): string {
  let s = indent(level) + (u.conversion ? `| unwrap ${u.conversion}(${u.label})` : `| unwrap ${u.label}`);
  for (const f of u.postFilters) s += `\n${indent(level)}| ${formatLabelFilter(f)}`;
  return s;
}

function grouping(g: Grouping): string {
  if (g.without) return g.labels.length > 0 ? ` without (${g.labels.join(', ')})` : ' without ()';
  return g.labels.length > 0 ? ` by (${g.labels.join(', ')})` : '';
}

function binaryOperator(e: BinaryExpr): string {
  let op: string = e.op;
  if (e.returnBool) op += ' bool';
  const m = e.matching;
  let group = m.card === 'many-to-one' ? 'group_left' : m.card === 'one-to-many' ? 'group_right' : '';
  if (m.include.length > 0) group += ` (${m.include.join(', ')})`;
  if (m.on || m.labels.length > 0 || m.card !== 'one-to-one') {
    op += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')}) ${group}`;
  }
  return op;
}
