import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goEscapeJSON, goJSON } from './go-json.js';

describe('JSON as Go encoding/json writes it', () => {
  it('escapes HTML characters and line separators inside strings', () => {
    assert.equal(goJSON({ a: '<&>\u2028\u2029' }), '{"a":"\\u003c\\u0026\\u003e\\u2028\\u2029"}');
  });

  it('leaves other text as JSON.stringify writes it', () => {
    assert.equal(goJSON({ a: 'é "q" \n', b: [1, null, true] }), JSON.stringify({ a: 'é "q" \n', b: [1, null, true] }));
    assert.equal(goEscapeJSON('{"k":"plain"}'), '{"k":"plain"}');
  });
});
