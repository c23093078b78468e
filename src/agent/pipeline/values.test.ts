import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabelSet } from '../labels/label-set.js';
import { goJsonMarshal } from './go-json.js';
import { decodeLogfmt, LogfmtSyntaxError } from './logfmt.js';
import { formatFloat, toFloatValue, toStringValue } from './values.js';

describe('extracted value conversions', () => {
  it('prints numbers in plain decimal notation as Go does', () => {
    assert.equal(formatFloat(125), '125');
    assert.equal(formatFloat(0.5), '0.5');
    assert.equal(formatFloat(1e21), '1000000000000000000000');
    assert.equal(formatFloat(1.5e-7), '0.00000015');
    assert.equal(toStringValue(true), 'true');
    assert.throws(() => toStringValue(null), /can't convert <nil> to string/);
  });

  it('reads numbers, durations and booleans as floats', () => {
    assert.equal(toFloatValue('2.5'), 2.5);
    assert.equal(toFloatValue('1m30s'), 90);
    assert.equal(toFloatValue(false), 0);
    assert.throws(() => toFloatValue('abc'), /invalid duration/);
  });
});

describe('Go JSON encoding', () => {
  it('sorts keys and escapes like encoding/json', () => {
    assert.equal(
      goJsonMarshal({ b: [1, 'x'], a: '<&>\u2028\b' }),
      '{"a":"\\u003c\\u0026\\u003e\\u2028\\u0008","b":[1,"x"]}',
    );
  });
});

describe('logfmt decoding', () => {
  function pairs(text: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    decodeLogfmt(text, (k, v) => out.push([k, v]));
    return out;
  }

  it('reads bare keys, empty values and quoted values with escapes', () => {
    assert.deepEqual(pairs('a=1 b c= d="x \\"y\\"" e=é'), [
      ['a', '1'],
      ['b', ''],
      ['c', ''],
      ['d', 'x "y"'],
      ['e', 'é'],
    ]);
  });

  it('stops at a stray quote or equals sign', () => {
    assert.throws(() => pairs('a=1 b"c=2'), LogfmtSyntaxError);
    assert.throws(() => pairs('a=b=c'), /unexpected '='/);
    assert.throws(() => pairs('a="open'), /unterminated quoted value/);
  });
});

describe('label sets', () => {
  it('prints sorted Go-quoted labels and keeps the tenant out of the stream key', () => {
    const ls = LabelSet.fromRecord({ job: 'x', __tenant_id__: 't', a: 'say "hi"\n' });
    assert.equal(ls.toString(), '{__tenant_id__="t", a="say \\"hi\\"\\n", job="x"}');
    assert.equal(ls.streamKey(), '{a="say \\"hi\\"\\n", job="x"}');
  });

  it('is copied on change and lets the later set win a merge', () => {
    const base = LabelSet.fromRecord({ a: '1', b: '2' });
    const changed = base.with('c', '3').without('a');
    assert.deepEqual(base.toRecord(), { a: '1', b: '2' });
    assert.deepEqual(changed.toRecord(), { b: '2', c: '3' });
    assert.deepEqual(base.merge(LabelSet.fromRecord({ b: 'x' })).toRecord(), { a: '1', b: 'x' });
    assert.equal(base.withCached('s', 'stdout'), base.withCached('s', 'stdout'));
  });
});
