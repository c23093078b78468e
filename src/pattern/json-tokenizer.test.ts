import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromByteString, toByteString } from './byte-string.js';
import { DEFAULT_JSON_MESSAGE_FIELDS } from './config.js';
import { JsonTokenizer } from './json-tokenizer.js';
import { TokenBuffer } from './line-tokenizer.js';
import { collapsePlaceholderRuns } from './placeholders.js';

const tokenizer = new JsonTokenizer(3000, DEFAULT_JSON_MESSAGE_FIELDS);

function tokens(line: string, t = tokenizer): string[] | null {
  const buf = new TokenBuffer();
  return t.tokenize(toByteString(line), buf) ? buf.tokenList().map(fromByteString) : null;
}

function pattern(line: string): string {
  const buf = new TokenBuffer();
  assert.ok(tokenizer.tokenize(toByteString(line), buf));
  return collapsePlaceholderRuns(fromByteString(tokenizer.join(buf.tokenList(), buf.spaceList())));
}

describe('JSON tokenizer', () => {
  it('tokenizes only the message, taking the first configured field present', () => {
    assert.deepEqual(tokens('{"level":30,"msg":"payment accepted","message":"second"}'), ['second']);
    assert.deepEqual(tokens('{"level":30,"msg":"payment accepted"}'), ['payment', 'accepted']);
    assert.deepEqual(tokens('{"log":{"nested":true},"msg":"from msg"}'), ['from', 'msg']);
  });

  it('skips lines without a message field', () => {
    assert.equal(tokens('{"level":"info","event":"started"}'), null);
    assert.equal(tokens('not json at all'), null);
  });

  it('uses the fields the tenant configures', () => {
    const custom = new JsonTokenizer(3000, ['event']);
    assert.deepEqual(tokens('{"msg":"ignored","event":"user signed in"}', custom), ['user', 'signed', 'in']);
  });

  it('skips messages longer than the limit, whatever the length of the line', () => {
    const small = new JsonTokenizer(10, ['msg']);
    assert.deepEqual(tokens(`{"pad":"${'x'.repeat(50)}","msg":"short one"}`, small), ['short', 'one']);
    assert.equal(tokens('{"msg":"this message is too long"}', small), null);
  });

  it('renders the message pattern between placeholders for the rest of the object', () => {
    assert.equal(pattern('{"level":"info","msg":"cache warmed up"}'), '<_>cache warmed up<_>');
  });
});
