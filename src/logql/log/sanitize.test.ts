import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendSanitizedPath, goTrimSpace, sanitizeLabelKey } from './sanitize.js';

describe('sanitizeLabelKey', () => {
  it('maps characters outside [A-Za-z0-9_] to underscores, one per code point', () => {
    assert.equal(sanitizeLabelKey('cou-nter'), 'cou_nter');
    assert.equal(sanitizeLabelKey('foo.bar'), 'foo_bar');
    assert.equal(sanitizeLabelKey('héllo👍'), 'h_llo_');
  });

  it('trims white space and prefixes names that start with a digit', () => {
    assert.equal(sanitizeLabelKey('  key  '), 'key');
    assert.equal(sanitizeLabelKey('1st'), '_1st');
    assert.equal(sanitizeLabelKey('   '), '');
  });
});

describe('appendSanitizedPath', () => {
  it('joins nested keys with underscores and skips blank ones', () => {
    assert.equal(appendSanitizedPath(appendSanitizedPath('', 'pod'), 'uuid'), 'pod_uuid');
    assert.equal(appendSanitizedPath(appendSanitizedPath('', ' '), 'foo'), 'foo');
    assert.equal(appendSanitizedPath('price', '_net_'), 'price__net_');
    assert.equal(appendSanitizedPath('a', '1b'), 'a_1b');
  });
});

describe('goTrimSpace', () => {
  it("trims Go's white space set (NEL yes, BOM no)", () => {
    assert.equal(goTrimSpace('\u0085x\u00a0'), 'x');
    assert.equal(goTrimSpace('\ufeffx'), '\ufeffx');
  });
});
