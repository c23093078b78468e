import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileGoRegexp, RegexpSyntaxError } from './regexp.js';

describe('Go regular expressions', () => {
  it('accepts RE2-only syntax that JavaScript rejects', () => {
    assert.equal(compileGoRegexp('(?i)error').test('an ERROR here'), true);
    assert.equal(compileGoRegexp('(?P<user>\\w+)@').groupNames[1], 'user');
    assert.equal(compileGoRegexp('^[[:alpha:]]+$').test('abc'), true);
    assert.equal(compileGoRegexp('\\pL+').test('é'), true);
    assert.equal(compileGoRegexp('\\Qa.b\\E').test('axb'), false);
  });

  it('reports syntax errors in Go wording', () => {
    assert.throws(
      () => compileGoRegexp('(unclosed'),
      (err: unknown) => {
        assert.ok(err instanceof RegexpSyntaxError);
        assert.equal(err.message, 'error parsing regexp: missing closing ): `(unclosed`');
        return true;
      },
    );
  });

  it('gives submatch indices, -1 for unmatched groups', () => {
    const re = compileGoRegexp('(\\w+)@(x)?(\\w+)');
    assert.deepEqual(re.exec('mail bob@home'), [5, 13, 5, 8, -1, -1, 9, 13]);
    assert.deepEqual(re.exec('a@b c@d', 3), [4, 7, 4, 5, -1, -1, 6, 7]);
  });

  it('gives byte offsets on Buffers', () => {
    const re = compileGoRegexp('(\\w+)@(\\w+)');
    assert.deepEqual(re.execBytes(Buffer.from('é bob@home')), [3, 11, 3, 6, 7, 11]);
    assert.equal(re.testBytes(Buffer.from('nothing')), false);
  });

  it('treats \\w and \\d as ASCII, as Go does', () => {
    assert.deepEqual(compileGoRegexp('\\w+').exec('bób'), [0, 1]);
  });
});
