import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSimplifiableLabelRegexp } from './regexp-simplify.js';

describe('label regexp reduction', () => {
  // Loki's own table of regexps it reduces to string matching.
  const reducible = [
    'foo',
    '(foo|ba|ar)',
    '(foo|(ba|ar))',
    'foo.*',
    '.*foo.*',
    '(.*)(foo).*',
    '(foo.*|.*bar.*)',
    '(?:.*foo.*|bar)',
    '(?P<foo>.*foo.*|bar)',
    '.*foo.*|bar|buzz',
    'foo|bar|b|buzz|zz',
    'f|foo|foobar',
    'f.*|foobar.*|.*buzz',
    '((f.*)|foobar.*)|.*buzz',
    '.*',
    '.*||||',
    '',
    '(?i)foo',
    '(?i)界',
    '(?:)foo|fatal|exception',
    '(?i)f|foo|foobar',
    '(?i)f|fatal|e.*',
    '.+',
  ];
  // ... and of regexps it keeps as regexps.
  const kept = [
    '[a-z]+foo',
    '.+foo',
    '.*fo.*o',
    '\\d',
    '\\sfoo',
    'foo?',
    'foo{1,2}bar{2,3}',
    'foo|\\d*bar',
    'foo|fo{1,2}',
    '(\\w\\d+)',
    'f|f(?i)oo',
    '.foo+',
    'a|b',
    '5..',
  ];

  for (const re of reducible)
    it(`reduces ${JSON.stringify(re)}`, () => assert.equal(isSimplifiableLabelRegexp(re), true));
  for (const re of kept) it(`keeps ${JSON.stringify(re)}`, () => assert.equal(isSimplifiableLabelRegexp(re), false));
});
