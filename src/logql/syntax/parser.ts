// The LogQL parser: recursive descent for the query structure, precedence
// climbing for binary operators.
//
// It accepts exactly Loki's grammar (pkg/logql/syntax/syntax.y) and fails the
// way Loki's generated parser fails. Loki reports "syntax error: unexpected X,
// expecting A or B" naming the tokens its LALR automaton could have shifted
// in the state where it gave up; that state has already closed every optional
// construct it could close, so the list holds only what was required there
// (and no list at all when more than four tokens would do). Each call to
// `unexpected` below names that list for its position in the grammar.
//
// Problems Loki finds while building nodes come in two timings, both kept:
// - immediate (Loki panics mid-parse): invalid matcher regexps, invalid
//   `regexp`/`pattern` parser expressions, bad numbers in label filters;
// - deferred (Loki stores them on the node and reports them after a
//   successful parse, in tree order): misplaced log queries in arithmetic,
//   aggregation parameter and grouping rules, unwrap rules, label_replace
//   regexps, bad literals. A later syntax error therefore wins over them.
import type {
  BinaryExpr,
  BinaryOp,
  CmpOp,
  Expr,
  Grouping,
  LabelExtraction,
  LabelFilterExpr,
  LabelFormatOp,
  LineFilterOp,
  LineFilterValue,
  LiteralExpr,
  LogRangeExpr,
  LogSelectorExpr,
  Matcher,
  MatchOp,
  NamedLabelMatcher,
  ParserName,
  RangeAggregationExpr,
  RangeOp,
  SampleExpr,
  Stage,
  Unwrap,
  UnwrapConversion,
  VectorMatching,
  VectorOp,
} from './ast.js';
import { ParseError } from './errors.js';
import { formatGoFloatFixed6, parseGoFloat, parseGoInt } from './gostrconv.js';
import { errorAt, Lexer, type Token } from './lexer.js';
import { matcherRegexpError } from './matchers.js';
import { patternParserError, regexpParserError } from './parser-checks.js';
import { Tok, type TokenKind, tokenDisplayName } from './tokens.js';

/** Errors Loki attaches to nodes and reports after parsing, keyed by node. */
export type DeferredErrors = Map<object, string>;

export interface ParseResult {
  expr: Expr;
  deferred: DeferredErrors;
}

interface BinaryOpInfo {
  op: BinaryOp;
  prec: number;
  rightAssoc: boolean;
}

// Prometheus precedence, lowest first; `^` is right-associative.
const binaryOps = new Map<TokenKind, BinaryOpInfo>([
  [Tok.OR, { op: 'or', prec: 1, rightAssoc: false }],
  [Tok.AND, { op: 'and', prec: 2, rightAssoc: false }],
  [Tok.UNLESS, { op: 'unless', prec: 2, rightAssoc: false }],
  [Tok.CMP_EQ, { op: '==', prec: 3, rightAssoc: false }],
  [Tok.NEQ, { op: '!=', prec: 3, rightAssoc: false }],
  [Tok.LT, { op: '<', prec: 3, rightAssoc: false }],
  [Tok.LTE, { op: '<=', prec: 3, rightAssoc: false }],
  [Tok.GT, { op: '>', prec: 3, rightAssoc: false }],
  [Tok.GTE, { op: '>=', prec: 3, rightAssoc: false }],
  [Tok.ADD, { op: '+', prec: 4, rightAssoc: false }],
  [Tok.SUB, { op: '-', prec: 4, rightAssoc: false }],
  [Tok.MUL, { op: '*', prec: 5, rightAssoc: false }],
  [Tok.DIV, { op: '/', prec: 5, rightAssoc: false }],
  [Tok.MOD, { op: '%', prec: 5, rightAssoc: false }],
  [Tok.POW, { op: '^', prec: 6, rightAssoc: true }],
]);

const rangeOps = new Map<TokenKind, RangeOp>([
  [Tok.COUNT_OVER_TIME, 'count_over_time'],
  [Tok.RATE, 'rate'],
  [Tok.RATE_COUNTER, 'rate_counter'],
  [Tok.BYTES_OVER_TIME, 'bytes_over_time'],
  [Tok.BYTES_RATE, 'bytes_rate'],
  [Tok.AVG_OVER_TIME, 'avg_over_time'],
  [Tok.SUM_OVER_TIME, 'sum_over_time'],
  [Tok.MIN_OVER_TIME, 'min_over_time'],
  [Tok.MAX_OVER_TIME, 'max_over_time'],
  [Tok.STDVAR_OVER_TIME, 'stdvar_over_time'],
  [Tok.STDDEV_OVER_TIME, 'stddev_over_time'],
  [Tok.QUANTILE_OVER_TIME, 'quantile_over_time'],
  [Tok.FIRST_OVER_TIME, 'first_over_time'],
  [Tok.LAST_OVER_TIME, 'last_over_time'],
  [Tok.ABSENT_OVER_TIME, 'absent_over_time'],
]);

const vectorOps = new Map<TokenKind, VectorOp>([
  [Tok.SUM, 'sum'],
  [Tok.AVG, 'avg'],
  [Tok.COUNT, 'count'],
  [Tok.MAX, 'max'],
  [Tok.MIN, 'min'],
  [Tok.STDDEV, 'stddev'],
  [Tok.STDVAR, 'stdvar'],
  [Tok.BOTTOMK, 'bottomk'],
  [Tok.TOPK, 'topk'],
  [Tok.SORT, 'sort'],
  [Tok.SORT_DESC, 'sort_desc'],
  [Tok.APPROX_TOPK, 'approx_topk'],
]);

const lineFilterOps = new Map<TokenKind, LineFilterOp>([
  [Tok.PIPE_EXACT, '|='],
  [Tok.NEQ, '!='],
  [Tok.PIPE_MATCH, '|~'],
  [Tok.NRE, '!~'],
  [Tok.PIPE_PATTERN, '|>'],
  [Tok.NPA, '!>'],
]);

const matchOps = new Map<TokenKind, MatchOp>([
  [Tok.EQ, '='],
  [Tok.NEQ, '!='],
  [Tok.RE, '=~'],
  [Tok.NRE, '!~'],
]);

const cmpOps = new Map<TokenKind, CmpOp>([
  [Tok.EQ, '=='],
  [Tok.CMP_EQ, '=='],
  [Tok.NEQ, '!='],
  [Tok.GT, '>'],
  [Tok.GTE, '>='],
  [Tok.LT, '<'],
  [Tok.LTE, '<='],
]);

const conversions = new Map<TokenKind, UnwrapConversion>([
  [Tok.BYTES_CONV, 'bytes'],
  [Tok.DURATION_CONV, 'duration'],
  [Tok.DURATION_SECONDS_CONV, 'duration_seconds'],
]);

// Range aggregations that accept `by`/`without`, need `| unwrap`, or work on raw lines.
const rangeOpsWithGrouping = new Set<RangeOp>([
  'avg_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'max_over_time',
  'min_over_time',
  'first_over_time',
  'last_over_time',
]);
const rangeOpsWithUnwrap = new Set<RangeOp>([
  'avg_over_time',
  'sum_over_time',
  'max_over_time',
  'min_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'quantile_over_time',
  'rate',
  'rate_counter',
  'absent_over_time',
  'first_over_time',
  'last_over_time',
]);
const rangeOpsWithoutUnwrap = new Set<RangeOp>([
  'bytes_over_time',
  'bytes_rate',
  'count_over_time',
  'rate',
  'absent_over_time',
]);

const logicalOps = new Set<BinaryOp>(['or', 'and', 'unless']);

/** Loki's Go type name of a log query in "unexpected type" messages. */
function goTypeName(e: LogSelectorExpr): string {
  return e.stages.length === 0 ? '*syntax.MatchersExpr' : '*syntax.PipelineExpr';
}

/** Go's math.Pow where it differs from `**`. */
function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

/** Loki folds arithmetic between two literals while parsing (`1 + 1` is `2`). */
function foldLiterals(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return r === 0 ? Number.NaN : l / r;
    case '%':
      return r === 0 ? Number.NaN : l % r;
    case '^':
      return goPow(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      // Logical operators never reach here: literals are rejected for them.
      return Number.NaN;
  }
}

export class Parser {
  private readonly lexer: Lexer;
  private current: Token | null = null;
  private ahead: Token | null = null;
  /** End offset of the last consumed token. */
  private lastEnd = 0;
  readonly deferred: DeferredErrors = new Map();

  constructor(private readonly src: string) {
    this.lexer = new Lexer(src);
  }

  /** Parses a whole query. */
  parseQuery(): Expr {
    const e = this.parseExpr(0);
    if (this.peek().kind !== Tok.EOF) this.unexpected(null);
    return e;
  }

  // -------------------------------------------------------------------------
  // Token plumbing. Tokens are read lazily, as Loki's parser reads them, so
  // that errors found while building a node precede errors in later tokens.

  private peek(): Token {
    this.current ??= this.lexer.next();
    return this.current;
  }

  private peekSecond(): Token {
    this.peek();
    this.ahead ??= this.lexer.next();
    return this.ahead;
  }

  private next(): Token {
    const t = this.peek();
    this.current = this.ahead;
    this.ahead = null;
    this.lastEnd = t.end;
    return t;
  }

  /** Consumes a token of the given kind or fails naming `expected`. */
  private expect(kind: TokenKind, expected: readonly TokenKind[] | null = [kind]): Token {
    if (this.peek().kind !== kind) this.unexpected(expected);
    return this.next();
  }

  /** Fails at the current token; `expected` as Loki lists it (null: no list). */
  private unexpected(expected: readonly TokenKind[] | null): never {
    const t = this.peek();
    let msg = `syntax error: unexpected ${tokenDisplayName(t.kind)}`;
    if (expected && expected.length > 0) msg += `, expecting ${expected.map(tokenDisplayName).join(' or ')}`;
    throw errorAt(this.src, t.start, t.lineKnown, msg);
  }

  private pos(start: number): { start: number; end: number } {
    return { start, end: this.lastEnd };
  }

  private defer(node: object, message: string): void {
    this.deferred.set(node, message);
  }

  // -------------------------------------------------------------------------
  // Expressions

  private parseExpr(minPrec: number): Expr {
    const start = this.peek().start;
    let lhs = this.parseOperand();
    for (;;) {
      const info = binaryOps.get(this.peek().kind);
      if (!info || info.prec < minPrec) return lhs;
      this.next();
      const { returnBool, matching } = this.parseBinaryModifiers();
      const rhs = this.parseExpr(info.rightAssoc ? info.prec : info.prec + 1);
      lhs = this.makeBinary(info.op, returnBool, matching, lhs, rhs, start);
    }
  }

  private parseOperand(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case Tok.OPEN_BRACE:
        return this.parseLogQuery();
      case Tok.OPEN_PARENTHESIS: {
        this.next();
        const inner = this.parseExpr(0);
        this.expect(Tok.CLOSE_PARENTHESIS, null);
        return inner;
      }
      case Tok.NUMBER:
      case Tok.ADD:
      case Tok.SUB:
        return this.parseLiteral();
      case Tok.VECTOR:
        return this.parseVector();
      case Tok.LABEL_REPLACE:
        return this.parseLabelReplace();
    }
    if (rangeOps.has(t.kind)) return this.parseRangeAggregation();
    if (vectorOps.has(t.kind)) return this.parseVectorAggregation();
    return this.unexpected(null);
  }

  /** NUMBER, +NUMBER or -NUMBER; a bad number is reported after parsing. */
  private parseLiteral(): LiteralExpr {
    const start = this.peek().start;
    const { value, error } = this.readSignedNumber();
    const node: LiteralExpr = { kind: 'literal', value, pos: this.pos(start) };
    if (error) this.defer(node, `unable to parse literal as a float: ${error}`);
    return node;
  }

  private readSignedNumber(): { value: number; error?: string } {
    let negative = false;
    const sign = this.peek().kind;
    if (sign === Tok.ADD || sign === Tok.SUB) {
      this.next();
      negative = sign === Tok.SUB;
    }
    const text = this.expect(Tok.NUMBER).text;
    const r = parseGoFloat(text);
    if (!r.ok) {
      // ParseFloat yields ±Inf with its range error, 0 with a syntax error.
      const value = r.error.endsWith('value out of range') ? Number.POSITIVE_INFINITY : 0;
      return { value: negative ? -value : value, error: r.error };
    }
    return { value: negative ? -r.value : r.value };
  }

  private parseBinaryModifiers(): { returnBool: boolean; matching: VectorMatching } {
    const matching: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };
    let returnBool = false;
    if (this.peek().kind === Tok.BOOL) {
      this.next();
      returnBool = true;
    }
    const kind = this.peek().kind;
    if (kind === Tok.ON || kind === Tok.IGNORING) {
      this.next();
      matching.on = kind === Tok.ON;
      matching.labels = this.parseLabelList();
      const group = this.peek().kind;
      if (group === Tok.GROUP_LEFT || group === Tok.GROUP_RIGHT) {
        this.next();
        matching.card = group === Tok.GROUP_LEFT ? 'many-to-one' : 'one-to-many';
        if (this.peek().kind === Tok.OPEN_PARENTHESIS) matching.include = this.parseLabelList();
      }
    }
    return { returnBool, matching };
  }

  /** `( a, b )` or `()`. */
  private parseLabelList(): string[] {
    this.expect(Tok.OPEN_PARENTHESIS);
    const labels: string[] = [];
    if (this.peek().kind === Tok.CLOSE_PARENTHESIS) {
      this.next();
      return labels;
    }
    labels.push(this.expect(Tok.IDENTIFIER, [Tok.IDENTIFIER, Tok.CLOSE_PARENTHESIS]).text);
    for (;;) {
      const k = this.peek().kind;
      if (k === Tok.CLOSE_PARENTHESIS) {
        this.next();
        return labels;
      }
      if (k !== Tok.COMMA) this.unexpected([Tok.COMMA, Tok.CLOSE_PARENTHESIS]);
      this.next();
      labels.push(this.expect(Tok.IDENTIFIER).text);
    }
  }

  private parseGrouping(): Grouping {
    const without = this.next().kind === Tok.WITHOUT;
    return { without, labels: this.parseLabelList() };
  }

  private makeBinary(
    op: BinaryOp,
    returnBool: boolean,
    matching: VectorMatching,
    lhs: Expr,
    rhs: Expr,
    start: number,
  ): SampleExpr {
    const pos = this.pos(start);
    // A log query leg is only legal until validation reports it, so the node
    // is typed as the valid shape it will have once accepted.
    const node = { kind: 'binary', op, lhs, rhs, returnBool, matching, pos } as BinaryExpr;
    if (lhs.kind === 'log_selector') {
      this.defer(node, `unexpected type for left leg of binary operation (${op}): ${goTypeName(lhs)}`);
      return node;
    }
    if (rhs.kind === 'log_selector') {
      this.defer(node, `unexpected type for right leg of binary operation (${op}): ${goTypeName(rhs)}`);
      return node;
    }
    const leftLit = lhs.kind === 'literal' ? lhs : null;
    const rightLit = rhs.kind === 'literal' ? rhs : null;
    const literalError = (leftLit && this.deferred.get(leftLit)) || (rightLit && this.deferred.get(rightLit));
    if (literalError) {
      this.defer(node, literalError);
      return node;
    }
    if (logicalOps.has(op)) {
      if (leftLit) {
        this.defer(
          node,
          `unexpected literal for left leg of logical/set binary operation (${op}): ${formatGoFloatFixed6(leftLit.value)}`,
        );
        return node;
      }
      if (rightLit) {
        this.defer(
          node,
          `unexpected literal for right leg of logical/set binary operation (${op}): ${formatGoFloatFixed6(rightLit.value)}`,
        );
        return node;
      }
    }
    if (leftLit && rightLit) return { kind: 'literal', value: foldLiterals(op, leftLit.value, rightLit.value), pos };
    return node;
  }

  private parseVector(): SampleExpr {
    const start = this.next().start;
    this.expect(Tok.OPEN_PARENTHESIS);
    const text = this.expect(Tok.NUMBER).text;
    this.expect(Tok.CLOSE_PARENTHESIS);
    const r = parseGoFloat(text);
    const node: SampleExpr = { kind: 'vector', value: r.ok ? r.value : 0, pos: this.pos(start) };
    if (!r.ok) this.defer(node, `unable to parse vectorExpr as a float: ${r.error}`);
    return node;
  }

  private parseLabelReplace(): SampleExpr {
    const start = this.next().start;
    this.expect(Tok.OPEN_PARENTHESIS);
    const inner = this.parseExpr(0);
    if (inner.kind === 'log_selector') this.unexpected(null);
    this.expect(Tok.COMMA, null);
    const dst = this.expect(Tok.STRING).text;
    this.expect(Tok.COMMA);
    const replacement = this.expect(Tok.STRING).text;
    this.expect(Tok.COMMA);
    const src = this.expect(Tok.STRING).text;
    this.expect(Tok.COMMA);
    const regex = this.expect(Tok.STRING).text;
    this.expect(Tok.CLOSE_PARENTHESIS);
    const node: SampleExpr = {
      kind: 'label_replace',
      expr: inner,
      dst,
      replacement,
      src,
      regex,
      pos: this.pos(start),
    };
    const err = matcherRegexpError(`^(?:${regex})$`);
    if (err) this.defer(node, `invalid regex in label_replace: ${err}`);
    return node;
  }

  private parseVectorAggregation(): SampleExpr {
    const opTok = this.next();
    const op = vectorOps.get(opTok.kind)!;
    let grouping: Grouping | undefined;
    const k = this.peek().kind;
    if (k === Tok.BY || k === Tok.WITHOUT) {
      grouping = this.parseGrouping();
      this.expect(Tok.OPEN_PARENTHESIS);
    } else {
      this.expect(Tok.OPEN_PARENTHESIS, [Tok.OPEN_PARENTHESIS, Tok.BY, Tok.WITHOUT]);
    }
    let param: string | undefined;
    if (this.peek().kind === Tok.NUMBER && this.peekSecond().kind === Tok.COMMA) {
      param = this.next().text;
      this.next();
    }
    const inner = this.parseExpr(0);
    // The argument must be a metric query; a log query can only be followed
    // by a binary operator here.
    if (inner.kind === 'log_selector') this.unexpected(null);
    this.expect(Tok.CLOSE_PARENTHESIS, null);
    if (!grouping) {
      const g = this.peek().kind;
      if (g === Tok.BY || g === Tok.WITHOUT) grouping = this.parseGrouping();
    }
    const node: SampleExpr = {
      kind: 'vector_agg',
      op,
      expr: inner,
      grouping: grouping ?? { without: false, labels: [] },
      pos: this.pos(opTok.start),
    };
    const err = this.vectorAggregationError(op, param, grouping !== undefined);
    if (typeof err === 'string') this.defer(node, err);
    else if (err !== undefined) node.param = err;
    return node;
  }

  /** Loki's checks of a vector aggregation's parameter: the error, or the parsed k. */
  private vectorAggregationError(
    op: VectorOp,
    param: string | undefined,
    grouped: boolean,
  ): string | number | undefined {
    if (op === 'topk' || op === 'bottomk' || op === 'approx_topk') {
      if (param === undefined) return `parameter required for operation ${op}`;
      const k = parseGoInt(param);
      if (k === null) return `invalid parameter ${op}(${param},`;
      if (k <= 0) return `invalid parameter (must be greater than 0) ${op}(${param}`;
      if (op === 'approx_topk' && grouped) return `grouping not allowed for ${op} aggregation`;
      return k;
    }
    if (param !== undefined) return `unsupported parameter for operation ${op}(${param},`;
    return undefined;
  }

  private parseRangeAggregation(): SampleExpr {
    const opTok = this.next();
    const op = rangeOps.get(opTok.kind)!;
    this.expect(Tok.OPEN_PARENTHESIS);
    let param: string | undefined;
    const k = this.peek().kind;
    if (k === Tok.NUMBER) {
      param = this.next().text;
      this.expect(Tok.COMMA);
      const s = this.peek().kind;
      if (s !== Tok.OPEN_BRACE && s !== Tok.OPEN_PARENTHESIS) this.unexpected([Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
    } else if (k !== Tok.OPEN_BRACE && k !== Tok.OPEN_PARENTHESIS) {
      this.unexpected([Tok.NUMBER, Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
    }
    const range = this.parseLogRange();
    this.expect(Tok.CLOSE_PARENTHESIS);
    let grouping: Grouping | undefined;
    const g = this.peek().kind;
    if (g === Tok.BY || g === Tok.WITHOUT) grouping = this.parseGrouping();
    const node: RangeAggregationExpr = { kind: 'range_agg', op, range, pos: this.pos(opTok.start) };
    if (grouping) node.grouping = grouping;
    const err = this.rangeAggregationError(op, param, node);
    if (err) this.defer(node, err);
    return node;
  }

  /** Loki's checks of a range aggregation, in Loki's order. Sets the parsed parameter. */
  private rangeAggregationError(
    op: RangeOp,
    param: string | undefined,
    node: RangeAggregationExpr,
  ): string | undefined {
    if (param !== undefined) {
      if (op !== 'quantile_over_time') return `parameter ${param} not supported for operation ${op}`;
      const r = parseGoFloat(param);
      if (!r.ok) return `invalid parameter for operation ${op}: ${r.error}`;
      node.param = r.value;
    } else if (op === 'quantile_over_time') {
      return `parameter required for operation ${op}`;
    }
    if (node.grouping && !rangeOpsWithGrouping.has(op)) return `grouping not allowed for ${op} aggregation`;
    if (node.range.unwrap) {
      return rangeOpsWithUnwrap.has(op) ? undefined : `invalid aggregation ${op} with unwrap`;
    }
    return rangeOpsWithoutUnwrap.has(op) ? undefined : `invalid aggregation ${op} without unwrap`;
  }

  // -------------------------------------------------------------------------
  // Log ranges: every placement of `[range]`, `offset` and `| unwrap` that
  // Loki's grammar allows.
  //
  //   {..} [pipeline] [unwrap] [r] [offset]            (nothing after [r] if pipeline/unwrap came first)
  //   {..} [r] [offset] [pipeline] [unwrap]
  //   ( {..} [pipeline] [unwrap] ) [r] [offset]
  //   ( {..} ) [r] [offset] [unwrap]
  //   ( <log range> )

  private parseLogRange(): LogRangeExpr {
    const start = this.peek().start;
    if (this.peek().kind === Tok.OPEN_BRACE) {
      const selector = this.parseSelector();
      this.parsePipeline(selector, true);
      const unwrap = this.parseOptionalUnwrap();
      return this.parseRangeTail(selector, unwrap, start, false);
    }
    this.expect(Tok.OPEN_PARENTHESIS, [Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
    if (this.peek().kind === Tok.OPEN_PARENTHESIS) {
      const inner = this.parseLogRange();
      this.expect(Tok.CLOSE_PARENTHESIS);
      return inner;
    }
    if (this.peek().kind !== Tok.OPEN_BRACE) this.unexpected([Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
    const selector = this.parseSelector();
    this.parsePipeline(selector, true);
    const unwrap = this.parseOptionalUnwrap();
    if (this.peek().kind === Tok.RANGE) {
      // `( <log range> )`
      const inner = this.parseRangeTail(selector, unwrap, this.peek().start, false);
      inner.pos.start = selector.pos.start;
      this.expect(Tok.CLOSE_PARENTHESIS);
      return inner;
    }
    this.expect(Tok.CLOSE_PARENTHESIS, unwrap ? [Tok.RANGE, Tok.CLOSE_PARENTHESIS, Tok.PIPE] : null);
    return this.parseRangeTail(selector, unwrap, start, true);
  }

  /** The `[r]` of a log range and what may follow it. */
  private parseRangeTail(
    selector: LogSelectorExpr,
    unwrap: Unwrap | undefined,
    start: number,
    parenthesized: boolean,
  ): LogRangeExpr {
    if (this.peek().kind !== Tok.RANGE) {
      if (parenthesized) this.unexpected([Tok.RANGE]);
      this.unexpected(unwrap ? [Tok.RANGE, Tok.PIPE] : null);
    }
    const rangeNs = this.next().ns;
    let offsetNs = 0n;
    if (this.peek().kind === Tok.OFFSET) {
      this.next();
      offsetNs = this.expect(Tok.DURATION).ns;
    }
    const bare = selector.stages.length === 0 && !unwrap;
    if (bare && !parenthesized) {
      this.parsePipeline(selector, true);
      unwrap = this.parseOptionalUnwrap();
    } else if (bare && parenthesized) {
      unwrap = this.parseOptionalUnwrap();
    }
    const node: LogRangeExpr = { kind: 'log_range', selector, rangeNs, offsetNs, pos: this.pos(start) };
    if (unwrap) node.unwrap = unwrap;
    return node;
  }

  private parseOptionalUnwrap(): Unwrap | undefined {
    if (this.peek().kind !== Tok.PIPE || this.peekSecond().kind !== Tok.UNWRAP) return undefined;
    const start = this.next().start;
    this.next();
    let conversion: UnwrapConversion = '';
    let label: string;
    const t = this.peek();
    const conv = conversions.get(t.kind);
    if (conv !== undefined) {
      this.next();
      conversion = conv;
      this.expect(Tok.OPEN_PARENTHESIS);
      label = this.expect(Tok.IDENTIFIER).text;
      this.expect(Tok.CLOSE_PARENTHESIS);
    } else {
      label = this.expect(Tok.IDENTIFIER, [
        Tok.IDENTIFIER,
        Tok.BYTES_CONV,
        Tok.DURATION_CONV,
        Tok.DURATION_SECONDS_CONV,
      ]).text;
    }
    const postFilters: LabelFilterExpr[] = [];
    while (this.peek().kind === Tok.PIPE) {
      this.next();
      postFilters.push(this.parseLabelFilterStart());
    }
    return { label, conversion, postFilters, pos: this.pos(start) };
  }

  // -------------------------------------------------------------------------
  // Log queries

  private parseLogQuery(): LogSelectorExpr {
    const selector = this.parseSelector();
    this.parsePipeline(selector, false);
    return selector;
  }

  private parseSelector(): LogSelectorExpr {
    const start = this.expect(Tok.OPEN_BRACE).start;
    const matchers: Matcher[] = [];
    if (this.peek().kind === Tok.CLOSE_BRACE) {
      this.next();
    } else {
      if (this.peek().kind !== Tok.IDENTIFIER) this.unexpected([Tok.IDENTIFIER, Tok.CLOSE_BRACE]);
      for (;;) {
        matchers.push(this.parseMatcher());
        const k = this.peek().kind;
        if (k === Tok.CLOSE_BRACE) {
          this.next();
          break;
        }
        if (k !== Tok.COMMA) this.unexpected([Tok.CLOSE_BRACE, Tok.COMMA]);
        this.next();
        if (this.peek().kind !== Tok.IDENTIFIER) this.unexpected([Tok.IDENTIFIER]);
      }
    }
    return { kind: 'log_selector', matchers, stages: [], pos: this.pos(start) };
  }

  /** `name op "value"`, after its IDENTIFIER has been checked. */
  private parseMatcher(): Matcher {
    const nameTok = this.next();
    const op = matchOps.get(this.peek().kind);
    if (op === undefined) this.unexpected([Tok.EQ, Tok.RE, Tok.NRE, Tok.NEQ]);
    this.next();
    return this.finishMatcher(nameTok, op);
  }

  private finishMatcher(nameTok: Token, op: MatchOp): Matcher {
    const value = this.expect(Tok.STRING).text;
    if (op === '=~' || op === '!~') {
      const err = matcherRegexpError(value);
      if (err) throw new ParseError(err);
    }
    return { name: nameTok.text, op, value, pos: this.pos(nameTok.start) };
  }

  /** Appends pipeline stages to `selector`. In a log range, stops before `| unwrap`. */
  private parsePipeline(selector: LogSelectorExpr, inRange: boolean): void {
    const stages = selector.stages;
    for (;;) {
      const t = this.peek();
      const filterOp = lineFilterOps.get(t.kind);
      if (filterOp !== undefined) {
        this.parseLineFilter(filterOp, stages);
      } else if (t.kind === Tok.PIPE) {
        if (inRange && this.peekSecond().kind === Tok.UNWRAP) break;
        stages.push(this.parseStage());
      } else {
        break;
      }
    }
    if (stages.length > 0) selector.pos = { start: selector.pos.start, end: this.lastEnd };
  }

  private parseLineFilter(op: LineFilterOp, stages: Stage[]): void {
    const start = this.next().start;
    const values = [this.parseLineFilterValue()];
    while (this.peek().kind === Tok.OR) {
      this.next();
      values.push(this.parseLineFilterValue());
    }
    if (values.length === 1 || op === '|=' || op === '|~' || op === '|>') {
      stages.push({ kind: 'line_filter', op, values, pos: this.pos(start) });
      return;
    }
    // A negative `or` chain excludes every value: Loki rewrites it as one
    // filter per value, and so do we.
    for (const v of values) stages.push({ kind: 'line_filter', op, values: [v], pos: this.pos(start) });
  }

  private parseLineFilterValue(): LineFilterValue {
    const t = this.peek();
    if (t.kind === Tok.STRING) {
      this.next();
      return { type: 'string', value: t.text };
    }
    if (t.kind !== Tok.IP) this.unexpected([Tok.STRING, Tok.IP]);
    this.next();
    this.expect(Tok.OPEN_PARENTHESIS);
    const value = this.expect(Tok.STRING).text;
    this.expect(Tok.CLOSE_PARENTHESIS);
    return { type: 'ip', value };
  }

  /** A `| ...` stage. */
  private parseStage(): Stage {
    const start = this.next().start;
    const t = this.peek();
    switch (t.kind) {
      case Tok.JSON:
      case Tok.LOGFMT:
        return this.parseJsonOrLogfmt(start);
      case Tok.REGEXP:
      case Tok.PATTERN: {
        this.next();
        const pattern = this.expect(Tok.STRING).text;
        const parser: ParserName = t.kind === Tok.REGEXP ? 'regexp' : 'pattern';
        const err = parser === 'regexp' ? regexpParserError(pattern) : patternParserError(pattern);
        if (err) throw new ParseError(`invalid ${parser} parser: ${err}`);
        return { kind: 'parser', parser, pattern, params: [], strict: false, keepEmpty: false, pos: this.pos(start) };
      }
      case Tok.UNPACK:
        this.next();
        return { kind: 'parser', parser: 'unpack', params: [], strict: false, keepEmpty: false, pos: this.pos(start) };
      case Tok.LINE_FMT: {
        this.next();
        const template = this.expect(Tok.STRING).text;
        return { kind: 'line_format', template, pos: this.pos(start) };
      }
      case Tok.LABEL_FMT:
        this.next();
        return { kind: 'label_format', ops: this.parseLabelFormatOps(), pos: this.pos(start) };
      case Tok.DECOLORIZE:
        this.next();
        return { kind: 'decolorize', pos: this.pos(start) };
      case Tok.DROP:
      case Tok.KEEP: {
        this.next();
        const labels = this.parseNamedMatchers();
        return { kind: t.kind === Tok.DROP ? 'drop' : 'keep', labels, pos: this.pos(start) };
      }
      case Tok.IDENTIFIER:
      case Tok.OPEN_PARENTHESIS:
        return { kind: 'label_filter', filter: this.parseLabelFilter(), pos: this.pos(start) };
    }
    return this.unexpected(null);
  }

  private parseJsonOrLogfmt(start: number): Stage {
    const parser: ParserName = this.next().kind === Tok.JSON ? 'json' : 'logfmt';
    let strict = false;
    let keepEmpty = false;
    if (parser === 'logfmt') {
      while (this.peek().kind === Tok.FUNCTION_FLAG) {
        if (this.next().text === '--strict') strict = true;
        else keepEmpty = true;
      }
    }
    const params: LabelExtraction[] = [];
    if (this.peek().kind === Tok.IDENTIFIER) {
      for (;;) {
        const label = this.next().text;
        let expr = label;
        if (this.peek().kind === Tok.EQ) {
          this.next();
          expr = this.expect(Tok.STRING).text;
        }
        params.push({ label, expr });
        if (this.peek().kind !== Tok.COMMA) break;
        this.next();
        if (this.peek().kind !== Tok.IDENTIFIER) this.unexpected([Tok.IDENTIFIER]);
      }
    }
    return { kind: 'parser', parser, params, strict, keepEmpty, pos: this.pos(start) };
  }

  private parseLabelFormatOps(): LabelFormatOp[] {
    const ops: LabelFormatOp[] = [];
    for (;;) {
      const dst = this.expect(Tok.IDENTIFIER).text;
      this.expect(Tok.EQ);
      const v = this.peek();
      if (v.kind === Tok.IDENTIFIER) ops.push({ dst, src: this.next().text });
      else if (v.kind === Tok.STRING) ops.push({ dst, template: this.next().text });
      else this.unexpected([Tok.IDENTIFIER, Tok.STRING]);
      if (this.peek().kind !== Tok.COMMA) return ops;
      this.next();
    }
  }

  private parseNamedMatchers(): NamedLabelMatcher[] {
    const out: NamedLabelMatcher[] = [];
    for (;;) {
      const nameTok = this.expect(Tok.IDENTIFIER);
      const op = matchOps.get(this.peek().kind);
      if (op === undefined) {
        out.push({ name: nameTok.text });
      } else {
        this.next();
        out.push({ name: nameTok.text, matcher: this.finishMatcher(nameTok, op) });
      }
      if (this.peek().kind !== Tok.COMMA) return out;
      this.next();
    }
  }

  // -------------------------------------------------------------------------
  // Label filters. Loki's grammar resolves `a, b or c` and `a b or c` as
  // a and (b or c): a comma or juxtaposition takes everything after it as its
  // right side, while `and` binds tighter than `or` and both associate left.

  /** A label filter where only a filter may start (after `and`, `or`, `,`, `(` or an unwrap `|`). */
  private parseLabelFilterStart(): LabelFilterExpr {
    const k = this.peek().kind;
    if (k !== Tok.IDENTIFIER && k !== Tok.OPEN_PARENTHESIS) this.unexpected([Tok.IDENTIFIER, Tok.OPEN_PARENTHESIS]);
    return this.parseLabelFilter();
  }

  private parseLabelFilter(): LabelFilterExpr {
    const start = this.peek().start;
    let left = this.parseLabelFilterAnd();
    while (this.peek().kind === Tok.OR) {
      this.next();
      const right = this.parseLabelFilterAnd();
      left = { type: 'or', left, right, pos: this.pos(start) };
    }
    return left;
  }

  private parseLabelFilterAnd(): LabelFilterExpr {
    const start = this.peek().start;
    let left = this.parseLabelFilterSequence();
    while (this.peek().kind === Tok.AND) {
      this.next();
      const right = this.parseLabelFilterSequence();
      left = { type: 'and', left, right, pos: this.pos(start) };
    }
    return left;
  }

  private parseLabelFilterSequence(): LabelFilterExpr {
    const k = this.peek().kind;
    if (k !== Tok.IDENTIFIER && k !== Tok.OPEN_PARENTHESIS) this.unexpected([Tok.IDENTIFIER, Tok.OPEN_PARENTHESIS]);
    const start = this.peek().start;
    const first = this.parseLabelFilterPrimary();
    const next = this.peek().kind;
    if (next === Tok.COMMA) {
      this.next();
      const rest = this.parseLabelFilterStart();
      return { type: 'and', left: first, right: rest, pos: this.pos(start) };
    }
    if (next === Tok.IDENTIFIER || next === Tok.OPEN_PARENTHESIS) {
      const rest = this.parseLabelFilter();
      return { type: 'and', left: first, right: rest, pos: this.pos(start) };
    }
    return first;
  }

  private parseLabelFilterPrimary(): LabelFilterExpr {
    const t = this.next();
    if (t.kind === Tok.OPEN_PARENTHESIS) {
      const inner = this.parseLabelFilter();
      this.expect(Tok.CLOSE_PARENTHESIS, null);
      return inner;
    }
    const name = t.text;
    const opTok = this.peek();
    const start = t.start;
    switch (opTok.kind) {
      case Tok.RE:
      case Tok.NRE: {
        this.next();
        const matcher = this.finishMatcher(t, opTok.kind === Tok.RE ? '=~' : '!~');
        return { type: 'string', matcher, pos: this.pos(start) };
      }
      case Tok.EQ:
      case Tok.NEQ: {
        this.next();
        const v = this.peek();
        if (v.kind === Tok.STRING) {
          const matcher = this.finishMatcher(t, opTok.kind === Tok.EQ ? '=' : '!=');
          return { type: 'string', matcher, pos: this.pos(start) };
        }
        if (v.kind === Tok.IP) {
          this.next();
          this.expect(Tok.OPEN_PARENTHESIS);
          const value = this.expect(Tok.STRING).text;
          this.expect(Tok.CLOSE_PARENTHESIS);
          return { type: 'ip', name, op: opTok.kind === Tok.EQ ? '=' : '!=', value, pos: this.pos(start) };
        }
        return this.finishComparison(name, cmpOps.get(opTok.kind)!, start);
      }
      case Tok.CMP_EQ:
      case Tok.GT:
      case Tok.GTE:
      case Tok.LT:
      case Tok.LTE:
        this.next();
        return this.finishComparison(name, cmpOps.get(opTok.kind)!, start);
    }
    return this.unexpected(null);
  }

  /** The duration, byte size or number a comparison filter compares against. */
  private finishComparison(name: string, op: CmpOp, start: number): LabelFilterExpr {
    const v = this.peek();
    switch (v.kind) {
      case Tok.DURATION:
        this.next();
        return { type: 'duration', name, op, ns: v.ns, pos: this.pos(start) };
      case Tok.BYTES:
        this.next();
        return { type: 'bytes', name, op, bytes: v.bytes, pos: this.pos(start) };
      case Tok.NUMBER:
      case Tok.ADD:
      case Tok.SUB: {
        const { value, error } = this.readSignedNumber();
        if (error) throw new ParseError(`unable to parse literal as a float: ${error}`);
        return { type: 'number', name, op, value, pos: this.pos(start) };
      }
    }
    return this.unexpected(null);
  }
}

/** Parses `query`; syntax errors and immediate semantic errors throw, deferred ones are returned. */
export function parseWithDeferredErrors(query: string): ParseResult {
  const p = new Parser(query);
  const expr = p.parseQuery();
  return { expr, deferred: p.deferred };
}
