import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topLevelStringField } from './json-field.js';

describe('JSON message field', () => {
  it('finds a top-level string field and returns it with its escapes left in', () => {
    assert.equal(topLevelStringField('{"level":"info","msg":"said \\"hi\\""}', 'msg'), 'said \\"hi\\"');
    assert.equal(topLevelStringField('{ "msg" : "spaced" }', 'msg'), 'spaced');
  });

  it('does not look inside nested objects or arrays', () => {
    assert.equal(topLevelStringField('{"ctx":{"msg":"inner"},"list":[{"msg":"x"}]}', 'msg'), null);
    assert.equal(topLevelStringField('{"ctx":{"msg":"inner"},"msg":"outer"}', 'msg'), 'outer');
  });

  it('ignores fields that are not strings', () => {
    assert.equal(topLevelStringField('{"msg":{"a":1}}', 'msg'), null);
    assert.equal(topLevelStringField('{"msg":42}', 'msg'), null);
  });

  it('tolerates a line that breaks down after the field', () => {
    assert.equal(topLevelStringField('{"msg":"fine","rest":broken"', 'msg'), 'fine');
    assert.equal(topLevelStringField('{"rest":broken","msg":"late"}', 'msg'), null);
  });

  it('compares keys after resolving their escapes', () => {
    assert.equal(topLevelStringField('{"m\\u0073g":"escaped key"}', 'msg'), 'escaped key');
  });
});
