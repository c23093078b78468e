import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonTokenizer } from './json-tokenizer.js';
import { LogfmtTokenizer } from './logfmt-tokenizer.js';
import { PunctuationTokenizer } from './punctuation-tokenizer.js';
import { tokenizerFor } from './tokenizers.js';

describe('tokenizer choice', () => {
  it('follows the format of the stream first line', () => {
    assert.ok(tokenizerFor('json', 3000, ['msg']) instanceof JsonTokenizer);
    assert.ok(tokenizerFor('logfmt', 3000, ['msg']) instanceof LogfmtTokenizer);
    assert.ok(tokenizerFor('unknown', 3000, ['msg']) instanceof PunctuationTokenizer);
  });
});
