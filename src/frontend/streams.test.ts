import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeStreams, parseStreams } from './streams.js';

describe('log query pieces', () => {
  it('join the same stream across intervals in reading order and sort streams by labels', () => {
    const newest = parseStreams(
      '[{"stream":{"app":"b"},"values":[["40","d"]]},{"stream":{"app":"a"},"values":[["30","c"]]}]',
    );
    const older = parseStreams('[{"stream":{"app":"a"},"values":[["20","b"],["10","a"]]}]');
    assert.equal(newest.entries, 2);
    assert.equal(
      mergeStreams([newest, older]),
      '[{"stream":{"app":"a"},"values":[["30","c"],["20","b"],["10","a"]]},{"stream":{"app":"b"},"values":[["40","d"]]}]',
    );
  });

  it('writes lines with the escapes the engine uses', () => {
    const text = '[{"stream":{"a":"x\\"y"},"values":[["1","tab\\there \\u0001 ü"]]}]';
    assert.equal(mergeStreams([parseStreams(text)]), JSON.stringify(JSON.parse(text)));
  });

  it('carry the categorize-labels third element of each value through, and join on stream labels', () => {
    const newest = parseStreams(
      '[{"stream":{"app":"a"},"values":[["30","c",{"structuredMetadata":{"pod":"p2"},"parsed":{"x":"1"}}]]}]',
    );
    const older = parseStreams('[{"stream":{"app":"a"},"values":[["20","b",{}],["10","a",{"parsed":{"x":"\\""}}]]}]');
    assert.equal(newest.entries + older.entries, 3);
    assert.equal(
      mergeStreams([newest, older]),
      '[{"stream":{"app":"a"},"values":[["30","c",{"structuredMetadata":{"pod":"p2"},"parsed":{"x":"1"}}],["20","b",{}],["10","a",{"parsed":{"x":"\\""}}]]}]',
    );
  });
});
