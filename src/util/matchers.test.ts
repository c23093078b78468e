import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileMatcher } from './matchers.js';

describe('label matchers', () => {
  it('anchors regular expressions at both ends', () => {
    const m = compileMatcher({ name: 'job', op: '=~', value: 'api' });
    assert.equal(m.matches('api'), true);
    assert.equal(m.matches('xapi'), false);
    assert.equal(compileMatcher({ name: 'job', op: '=~', value: 'h.*' }).matches('hdfs'), true);
  });

  it('does not mistake a dot for a literal', () => {
    const m = compileMatcher({ name: 'job', op: '=~', value: 'a.c|x' });
    assert.equal(m.matches('abc'), true);
    assert.equal(m.matches('x'), true);
  });

  it('treats literal alternations as a set', () => {
    const m = compileMatcher({ name: 'job', op: '=~', value: 'apache|hdfs' });
    assert.equal(m.matches('hdfs'), true);
    assert.equal(m.matches('apache|hdfs'), false);
    assert.equal(m.matchesEmpty, false);
  });

  it('knows which matchers select series that lack the label', () => {
    assert.equal(compileMatcher({ name: 'a', op: '!=', value: 'x' }).matchesEmpty, true);
    assert.equal(compileMatcher({ name: 'a', op: '=~', value: '.*' }).matchesEmpty, true);
    assert.equal(compileMatcher({ name: 'a', op: '!~', value: '.+' }).matchesEmpty, true);
    assert.equal(compileMatcher({ name: 'a', op: '=', value: '' }).matchesEmpty, true);
    assert.equal(compileMatcher({ name: 'a', op: '=~', value: '.+' }).matchesEmpty, false);
  });

  it('uses Go regexp syntax', () => {
    assert.equal(compileMatcher({ name: 'a', op: '=~', value: '(?i)API' }).matches('api'), true);
    assert.equal(compileMatcher({ name: 'a', op: '!~', value: 'h.*|a.*' }).matches('zookeeper'), true);
  });
});
