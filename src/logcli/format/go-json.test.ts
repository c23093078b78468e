import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonNumber, type JsonValue, jsonString, marshal, marshalIndent, sortedStringMap } from './go-json.js';

describe("Go's JSON encoding", () => {
  it('escapes HTML characters, line separators and control characters as Go does', () => {
    assert.equal(jsonString('<a href="x">&</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    assert.equal(jsonString('tab\there\nnew\r\x01\x7f'), '"tab\\there\\nnew\\r\\u0001\x7f"');
    assert.equal(jsonString('\u2028\u2029'), '"\\u2028\\u2029"');
    assert.equal(jsonString('back\\slash'), '"back\\\\slash"');
  });

  it('keeps valid non-ASCII text and replaces lone surrogates', () => {
    assert.equal(jsonString('héllo 😀'), '"héllo 😀"');
    assert.equal(jsonString('a\ud800b'), '"a\ufffdb"');
  });

  it('writes maps with sorted keys and structs in field order', () => {
    assert.equal(marshal(sortedStringMap({ b: '2', a: '1', B: '0' })), '{"B":"0","a":"1","b":"2"}');
    const struct = new Map<string, JsonValue>([
      ['z', new JsonNumber('1')],
      ['a', null],
    ]);
    assert.equal(marshal(struct), '{"z":1,"a":null}');
  });

  it('indents like MarshalIndent, leaving empty arrays and objects on one line', () => {
    const v: JsonValue = [
      new Map<string, JsonValue>([
        ['metric', new Map()],
        ['values', [[new JsonNumber('1.5'), '2']]],
        ['e', []],
      ]),
    ];
    assert.equal(
      marshalIndent(v),
      '[\n  {\n    "metric": {},\n    "values": [\n      [\n        1.5,\n        "2"\n      ]\n    ],\n    "e": []\n  }\n]',
    );
    assert.equal(marshalIndent([]), '[]');
  });
});
