import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goQuote } from './go-quote.js';

describe('goQuote', () => {
  it('quotes like Go strconv.Quote', () => {
    assert.equal(goQuote('foo'), '"foo"');
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\n\t\r\x07\x08\x0c\x0b'), '"\\n\\t\\r\\a\\b\\f\\v"');
    assert.equal(goQuote('\x00\x1f\x7f'), '"\\x00\\x1f\\x7f"');
    assert.equal(goQuote('café 日本 😀'), '"café 日本 😀"');
    assert.equal(goQuote('\u00a0\u00ad\u200b\u2028'), '"\\u00a0\\u00ad\\u200b\\u2028"');
    assert.equal(goQuote('\u{e0001}'), '"\\U000e0001"');
  });
});
