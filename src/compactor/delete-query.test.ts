import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord } from '../util/labels.js';
import { DeleteMatcher, hasFilter, InvalidDeleteQueryError, parseDeleteQuery } from './delete-query.js';

const S = 1_000_000_000n;
const labels = labelsFromRecord({ app: 'web', env: 'prod' });

describe('delete queries', () => {
  it('accept any log selector and refuse everything else as an invalid query expression', () => {
    assert.ok(parseDeleteQuery('{app=~".*"}'), 'no selector checks, as Loki parses without validation');
    for (const q of ['not a query', 'sum(rate({a="b"}[1m]))', '{a="b"'])
      assert.throws(
        () => parseDeleteQuery(q),
        (e: unknown) => e instanceof InvalidDeleteQueryError && e.message === 'invalid query expression',
      );
  });

  it('count a stage as a filter only when it can drop lines', () => {
    assert.equal(hasFilter(parseDeleteQuery('{a="b"}')), false);
    assert.equal(hasFilter(parseDeleteQuery('{a="b"} |= ""')), false);
    assert.equal(hasFilter(parseDeleteQuery('{a="b"} | json')), false);
    assert.equal(hasFilter(parseDeleteQuery('{a="b"} |= "x"')), true);
    assert.equal(hasFilter(parseDeleteQuery('{a="b"} != ""')), true);
    assert.equal(hasFilter(parseDeleteQuery('{a="b"} | json | level="error"')), true);
  });

  it('drop a chunk it covers entirely, filter one it covers in part, ignore the rest', () => {
    const m = new DeleteMatcher('{app="web"}', 1000, 5000);
    assert.equal(m.verdict(labels, 1000, 5000).kind, 'all');
    assert.equal(m.verdict(labels, 500, 2000).kind, 'filter');
    assert.equal(m.verdict(labels, 5001, 6000).kind, 'keep');
    assert.equal(m.verdict(labelsFromRecord({ app: 'api' }), 1000, 5000).kind, 'keep');
    assert.equal(new DeleteMatcher('{app="web"} |= "x"', 1000, 5000).verdict(labels, 1000, 5000).kind, 'filter');
  });

  it('delete the lines the pipeline keeps, within the time range (both ends included)', () => {
    let counted = 0;
    const m = new DeleteMatcher('{app="web"} | json | level="error"', 1000, 2000, () => counted++);
    const v = m.verdict(labels, 0, 3000);
    assert.equal(v.kind, 'filter');
    if (v.kind !== 'filter') return;
    const at = (ms: number) => Number(BigInt(ms) * 1_000_000n);
    assert.equal(v.filter(0n, at(1500), '{"level":"error"}', []), true);
    assert.equal(v.filter(0n, at(1500), '{"level":"info"}', []), false);
    assert.equal(v.filter(0n, at(1500), 'not json', []), false);
    assert.equal(v.filter(S, at(0), '{"level":"error"}', []), true, 'base plus offset is the time');
    assert.equal(v.filter(0n, at(2000), '{"level":"error"}', []), true);
    assert.equal(v.filter(0n, at(2000) + 1, '{"level":"error"}', []), false);
    assert.equal(v.filter(0n, at(1000) - 1, '{"level":"error"}', []), false);
    assert.equal(counted, 3);
  });

  it('see structured metadata in label filters', () => {
    const m = new DeleteMatcher('{app="web"} | trace_id="abc"', 0, 10_000);
    const v = m.verdict(labels, 0, 10_000);
    if (v.kind !== 'filter') assert.fail('expected a filter');
    assert.equal(v.filter(0n, 1, 'x', [{ name: 'trace_id', value: 'abc' }]), true);
    assert.equal(v.filter(0n, 1, 'x', [{ name: 'trace_id', value: 'def' }]), false);
  });
});
