import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BinaryExpr,
  type LabelFilterStage,
  type LineFilterStage,
  type LogSelectorExpr,
  type Node,
  ParseError,
  parseExpr,
  parseLogSelector,
  parseMatchers,
  parseSampleExpr,
  QueryKindError,
  type RangeAggregationExpr,
  selectorsOf,
  type VectorAggregationExpr,
  walk,
} from './index.js';

function throwsWith(fn: () => unknown, type: new (...args: never[]) => Error, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.equal(err.message, message);
    return true;
  });
}

describe('LogQL parser', () => {
  it('builds a log query with source positions', () => {
    const q = '{app="api", env!="dev"} |= "error" | json';
    const e = parseExpr(q) as LogSelectorExpr;
    assert.equal(e.kind, 'log_selector');
    assert.deepEqual(
      e.matchers.map(({ name, op, value }) => ({ name, op, value })),
      [
        { name: 'app', op: '=', value: 'api' },
        { name: 'env', op: '!=', value: 'dev' },
      ],
    );
    assert.deepEqual(e.pos, { start: 0, end: q.length });
    assert.equal(q.slice(e.matchers[1].pos.start, e.matchers[1].pos.end), 'env!="dev"');
    assert.equal(q.slice(e.stages[0].pos.start, e.stages[0].pos.end), '|= "error"');
    assert.deepEqual(e.stages[1], {
      kind: 'parser',
      parser: 'json',
      params: [],
      strict: false,
      keepEmpty: false,
      pos: { start: 35, end: 41 },
    });
  });

  it('keeps a positive or chain as one stage and splits a negative one', () => {
    const e = parseExpr('{a="b"} |= "x" or ip("1.1.1.1") != "y" or "z"') as LogSelectorExpr;
    const filters = e.stages as LineFilterStage[];
    assert.deepEqual(
      filters.map((f) => [f.op, f.values]),
      [
        [
          '|=',
          [
            { type: 'string', value: 'x' },
            { type: 'ip', value: '1.1.1.1' },
          ],
        ],
        ['!=', [{ type: 'string', value: 'y' }]],
        ['!=', [{ type: 'string', value: 'z' }]],
      ],
    );
  });

  it('types label filters by their value', () => {
    const e = parseExpr(
      '{a="b"} | logfmt | d > 1.5s or s <= 1KiB and n == 5, addr = ip("10.0.0.0/8")',
    ) as LogSelectorExpr;
    const f = (e.stages[1] as LabelFilterStage).filter;
    assert.equal(f.type, 'or');
    if (f.type !== 'or') return;
    assert.deepEqual(f.left, { type: 'duration', name: 'd', op: '>', ns: 1_500_000_000n, pos: f.left.pos });
    assert.equal(f.right.type, 'and');
    if (f.right.type !== 'and') return;
    assert.deepEqual(f.right.left, { type: 'bytes', name: 's', op: '<=', bytes: 1024, pos: f.right.left.pos });
    assert.equal(f.right.right.type, 'and');
  });

  it('reads log ranges with offset and unwrap', () => {
    const e = parseExpr(
      'quantile_over_time(0.9, {a="b"} | json | unwrap duration(took) | __error__="" [5m] offset -1h)',
    ) as RangeAggregationExpr;
    assert.equal(e.op, 'quantile_over_time');
    assert.equal(e.param, 0.9);
    assert.equal(e.grouping, undefined);
    assert.equal(e.range.rangeNs, 300_000_000_000n);
    assert.equal(e.range.offsetNs, -3_600_000_000_000n);
    assert.equal(e.range.unwrap?.label, 'took');
    assert.equal(e.range.unwrap?.conversion, 'duration');
    assert.equal(e.range.unwrap?.postFilters[0].type, 'string');
    assert.equal(e.range.selector.stages.length, 1);
  });

  it('keeps an explicit empty grouping on range aggregations only', () => {
    const r = parseExpr('max_over_time({a="b"} | unwrap x [1m]) by ()') as RangeAggregationExpr;
    assert.deepEqual(r.grouping, { without: false, labels: [] });
    const v = parseExpr('sum(rate({a="b"}[1m]))') as VectorAggregationExpr;
    assert.deepEqual(v.grouping, { without: false, labels: [] });
    const w = parseExpr('topk(3, rate({a="b"}[1m])) without (pod)') as VectorAggregationExpr;
    assert.deepEqual(w.grouping, { without: true, labels: ['pod'] });
    assert.equal(w.param, 3);
  });

  it('reads vector matching', () => {
    const e = parseExpr('rate({a="b"}[1m]) > bool on (x, y) group_right (z) rate({a="b"}[1m])') as BinaryExpr;
    assert.equal(e.op, '>');
    assert.equal(e.returnBool, true);
    assert.deepEqual(e.matching, { card: 'one-to-many', on: true, labels: ['x', 'y'], include: ['z'] });
  });

  it('folds arithmetic between literals', () => {
    assert.deepEqual(parseExpr('(1 + 2) * 3 ^ 2'), { kind: 'literal', value: 27, pos: { start: 0, end: 15 } });
  });

  it('reports a syntax error before problems found after parsing', () => {
    throwsWith(
      () => parseExpr('sum_over_time({a="b"}[5m]) +'),
      ParseError,
      'parse error at line 1, col 29: syntax error: unexpected $end',
    );
  });

  it('exposes the position and reason of a parse error', () => {
    try {
      parseExpr('{a="b"} |~');
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof ParseError);
      assert.equal(err.line, 1);
      assert.equal(err.col, 11);
      assert.equal(err.reason, 'syntax error: unexpected $end, expecting STRING or ip');
    }
  });

  it('refuses queries of 128KiB or more', () => {
    throwsWith(
      () => parseExpr(`{a="${'x'.repeat(131072)}"}`),
      ParseError,
      'parse error : input size too long (131078 > 131072)',
    );
  });

  it('parseSampleExpr refuses log queries', () => {
    throwsWith(() => parseSampleExpr('{a="b"}'), QueryKindError, 'only sample expression supported');
    assert.equal(parseSampleExpr('vector(1)').kind, 'vector');
  });

  it('parseLogSelector refuses metric queries and can skip the selector rule', () => {
    throwsWith(() => parseLogSelector('rate({a="b"}[1m])'), QueryKindError, 'only log selector is supported');
    assert.equal(parseLogSelector('{a!="b"}', { validate: false }).matchers.length, 1);
    assert.throws(() => parseLogSelector('{a!="b"}'), ParseError);
  });

  it('parseMatchers accepts only a bare selector', () => {
    assert.deepEqual(
      parseMatchers('{a="b", c=~"d.*"}').map((m) => m.value),
      ['b', 'd.*'],
    );
    throwsWith(() => parseMatchers('{a="b"} | json'), QueryKindError, 'only label matchers are supported');
    assert.equal(parseMatchers('{a=""}', { validate: false }).length, 1);
  });

  it('lists the selectors a query reads, with their windows', () => {
    const uses = selectorsOf(parseExpr('sum(rate({a="1"}[5m] offset 1m)) / count_over_time({b="2"} |= "x" [1h])'));
    assert.deepEqual(
      uses.map((u) => [u.selector.matchers[0].name, u.rangeNs, u.offsetNs]),
      [
        ['a', 300_000_000_000n, 60_000_000_000n],
        ['b', 3_600_000_000_000n, 0n],
      ],
    );
    assert.deepEqual(
      selectorsOf(parseExpr('{c="3"}')).map((u) => u.rangeNs),
      [undefined],
    );
  });

  it('walks parents before children, left to right, and can prune', () => {
    const kinds: string[] = [];
    walk(parseExpr('sum(rate({a="1"} | json [1m])) + vector(1)'), (n: Node) => {
      kinds.push(n.kind);
      return n.kind !== 'log_range';
    });
    assert.deepEqual(kinds, ['binary', 'vector_agg', 'range_agg', 'log_range', 'vector']);
  });
});
