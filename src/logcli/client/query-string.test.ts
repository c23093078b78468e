import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryString, queryEscape } from './query-string.js';

describe('query strings', () => {
  it("escape as Go's url.QueryEscape", () => {
    assert.equal(queryEscape('{job="apache"} |= `x`'), '%7Bjob%3D%22apache%22%7D+%7C%3D+%60x%60');
    assert.equal(queryEscape('a~b*c-d_e.f'), 'a~b%2Ac-d_e.f');
    assert.equal(queryEscape('é'), '%C3%A9');
  });

  it('sort keys, keep repeated values in order and let set replace', () => {
    const qs = new QueryString().set('query', 'q').set('limit', 30).add('match', 'b').add('match', 'a').set('end', 2n);
    qs.set('limit', 5);
    assert.equal(qs.encode(), 'end=2&limit=5&match=b&match=a&query=q');
  });
});
