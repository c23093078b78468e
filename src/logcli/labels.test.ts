import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonLabels, formatLabelSet, type LabelSet, matchLabels, subtractLabels } from './labels.js';

const ls = (record: Record<string, string>): LabelSet => new Map(Object.entries(record));

describe('label sets', () => {
  it('print sorted, comma-space separated and Go-quoted', () => {
    assert.equal(formatLabelSet(ls({ job: 'api', app: 'x"y' })), '{app="x\\"y", job="api"}');
    assert.equal(formatLabelSet(ls({})), '{}');
    assert.equal(formatLabelSet(ls({ a: 'tab\tnew\nline' })), '{a="tab\\tnew\\nline"}');
  });

  it('share the pairs every set has with the same value', () => {
    assert.deepEqual(
      commonLabels([ls({ foo: 'bar', bar: 'foo' }), ls({ bar: 'foo', foo: 'foo', baz: 'baz' })]),
      ls({ bar: 'foo' }),
    );
    assert.deepEqual(commonLabels([ls({ foo: 'bar' }), ls({ fooo: 'bar' })]), ls({}));
    // One stream shares all of its labels with itself.
    assert.deepEqual(commonLabels([ls({ a: '1', b: '2' })]), ls({ a: '1', b: '2' }));
    assert.deepEqual(commonLabels([]), ls({}));
  });

  it('subtract only pairs with equal values', () => {
    assert.deepEqual(subtractLabels(ls({ a: '1', b: '2' }), ls({ a: '1', b: '3' })), ls({ b: '2' }));
  });

  it('keep or drop named labels', () => {
    const all = ls({ a: '1', b: '2', c: '3' });
    assert.deepEqual(matchLabels(true, all, ['a', 'c']), ls({ a: '1', c: '3' }));
    assert.deepEqual(matchLabels(false, all, ['a', 'c']), ls({ b: '2' }));
  });
});
