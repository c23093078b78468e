import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromByteString, toByteString } from './byte-string.js';
import { TokenBuffer } from './line-tokenizer.js';
import { PunctuationTokenizer } from './punctuation-tokenizer.js';

const tokenizer = new PunctuationTokenizer(3000);

function tokens(line: string, t = tokenizer): string[] | null {
  const buf = new TokenBuffer();
  return t.tokenize(toByteString(line), buf) ? buf.tokenList().map(fromByteString) : null;
}

function roundTrip(line: string): string {
  const buf = new TokenBuffer();
  assert.ok(tokenizer.tokenize(toByteString(line), buf));
  return fromByteString(tokenizer.join(buf.tokenList(), buf.spaceList()));
}

describe('punctuation tokenizer', () => {
  it('splits at spaces and makes `=` a token of its own', () => {
    assert.deepEqual(tokens('user=alice action=login'), ['user', '=', 'alice', 'action', '=', 'login']);
  });

  it('keeps colons, dots, dashes, slashes and underscores inside tokens', () => {
    assert.deepEqual(tokens('GET /api/v1/users_list 10.0.0.1:8080 2024-05-01T10:00:00Z'), [
      'GET',
      '/api/v1/users_list',
      '10.0.0.1:8080',
      '2024-05-01T10:00:00Z',
    ]);
  });

  it('makes every other punctuation mark a token, but leaves symbols such as $ < | in their token', () => {
    assert.deepEqual(tokens('{"id":7,"ok":true}'), ['{', '"', 'id', '"', ':7', ',', '"', 'ok', '"', ':true', '}']);
    assert.deepEqual(tokens('cost=$5 <a|b> (x)!'), ['cost', '=', '$5', '<a|b>', '(', 'x', ')', '!']);
  });

  it('splits a quoted logfmt message into its words and quotes', () => {
    assert.deepEqual(tokens('level=warn msg="disk almost full"'), [
      'level',
      '=',
      'warn',
      'msg',
      '=',
      '"',
      'disk',
      'almost',
      'full',
      '"',
    ]);
  });

  it('does not split at tabs', () => {
    assert.deepEqual(tokens('a\tb c'), ['a\tb', 'c']);
  });

  it('stops splitting after 127 tokens and keeps the rest of the line as the last token', () => {
    const head = Array.from({ length: 126 }, (_, i) => `w${i}`);
    assert.deepEqual(tokens(`${head.join(' ')} x y`), [...head, 'x', 'y']);
    assert.deepEqual(tokens(`${head.join(' ')} x y z`), [...head, 'x', 'y z']);
  });

  it('skips lines longer than the limit, counted in UTF-8 bytes', () => {
    const small = new PunctuationTokenizer(20);
    assert.notEqual(tokens('a'.repeat(20), small), null);
    assert.equal(tokens('a'.repeat(21), small), null);
    assert.equal(tokens('é'.repeat(11), small), null, '11 characters but 22 bytes');
  });

  it('splits a multi-byte punctuation mark after its first byte, and joins it back whole', () => {
    const buf = new TokenBuffer();
    tokenizer.tokenize(toByteString('wait—done'), buf);
    assert.deepEqual(buf.tokenList(), ['wait', '\xe2', '\x80\x94done']);
    assert.equal(roundTrip('wait—done'), 'wait—done');
  });

  it('joins tokens back into the line with its spacing', () => {
    for (const line of [
      'key1=value1 key2:value2',
      'ts=2024-05-30T12:50:36Z level=warn msg="error contacting scheduler" err="rpc error: code = Unavailable"',
      'two  spaces and a trailing one ',
      '!@#%&*()',
    ]) {
      assert.equal(roundTrip(line), line);
    }
  });

  it('loses every space of a line that starts with one, as Loki does', () => {
    assert.equal(roundTrip(' starts with a space'), 'startswithaspace');
  });
});
