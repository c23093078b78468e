import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJSONPath } from '../logql/log/json-expr.js';
import { compileJsonPath, JsonLevelFinder, jsonGet, unescapeKey } from './field-detection-json.js';

function levelField(json: string, fields: string[], maxDepth = 0): string {
  const f = new JsonLevelFinder(fields, maxDepth);
  const buf = Buffer.from(json);
  return f.find(buf) ? buf.toString('utf8', f.valueStart, f.valueEnd) : '';
}

describe('finding the level field of a JSON line', () => {
  const cases: Array<{ name: string; json: string; fields: string[]; maxDepth?: number; want: string }> = [
    { name: 'a top-level field', json: '{"level": "error"}', fields: ['level'], want: 'error' },
    { name: 'a field one level down', json: '{"a": {"level": "info"}}', fields: ['level'], want: 'info' },
    { name: 'a deeply nested field', json: '{"a": {"b": {"c": {"level": "warn"}}}}', fields: ['level'], want: 'warn' },
    {
      name: 'the first of several fields in document order',
      json: '{"severity": "error", "level": "info"}',
      fields: ['level', 'severity'],
      want: 'error',
    },
    {
      name: 'the first of several nested fields',
      json: '{"a": {"level": "error"}, "b": {"level": "info"}}',
      fields: ['level'],
      want: 'error',
    },
    {
      name: 'a nested field that comes before a top-level one',
      json: '{"a": {"level": "debug"}, "level": "info"}',
      fields: ['level'],
      want: 'debug',
    },
    {
      name: 'not inside arrays',
      json: '{"arr": [{"level": "debug"}], "level": "info"}',
      fields: ['level'],
      want: 'info',
    },
    {
      name: 'only string values',
      json: '{"level": 123, "severity": "warn"}',
      fields: ['level', 'severity'],
      want: 'warn',
    },
    { name: 'nothing when no field matches', json: '{"foo": "bar"}', fields: ['level'], want: '' },
    { name: 'nothing from an unterminated object', json: '{"foo": "bar"', fields: ['level'], want: '' },
    {
      name: 'custom field names',
      json: '{"custom_level": "error", "log_severity": "warn"}',
      fields: ['custom_level', 'log_severity'],
      want: 'error',
    },
    {
      name: 'only the top level at depth 1',
      json: '{"a": {"level": "debug"}, "level": "info"}',
      fields: ['level'],
      maxDepth: 1,
      want: 'info',
    },
    { name: 'nothing nested at depth 1', json: '{"a": {"level": "debug"}}', fields: ['level'], maxDepth: 1, want: '' },
    {
      name: 'one level down at depth 2 (the default), not two',
      json: '{"a": {"b": {"level": "debug"}}, "c": {"level": "warn"}}',
      fields: ['level'],
      maxDepth: 2,
      want: 'warn',
    },
    { name: 'exact key case', json: '{"LEVEL": "error"}', fields: ['level'], want: '' },
    {
      name: 'the raw value, escapes as written',
      json: '{"level": "in\\"fo"}',
      fields: ['level'],
      want: 'in\\"fo',
    },
    { name: 'an escaped key, decoded', json: '{"\\u006cevel": "warn"}', fields: ['level'], want: 'warn' },
    {
      name: 'nothing after an invalid escape in a key',
      json: '{"\\x": 1, "level": "warn"}',
      fields: ['level'],
      want: '',
    },
    {
      name: 'fields before a malformation',
      json: '{"level": "warn", "x": tru}',
      fields: ['level'],
      want: 'warn',
    },
    { name: 'nothing after an unknown bare word', json: '{"x": tru, "level": "warn"}', fields: ['level'], want: '' },
    {
      name: 'nothing when a nested object is malformed',
      json: '{"a": {"x" 1}, "level": "warn"}',
      fields: ['level'],
      want: '',
    },
    { name: 'a trailing comma is tolerated', json: '{"a": 1, "level": "warn",}', fields: ['level'], want: 'warn' },
    { name: 'text after the object is ignored', json: '{"level": "warn"} trailing', fields: ['level'], want: 'warn' },
    { name: 'leading JSON blanks', json: ' \t\n{"level": "warn"}', fields: ['level'], want: 'warn' },
    { name: 'an empty object', json: '{}', fields: ['level'], want: '' },
    {
      name: 'brackets inside strings do not end a nested block',
      json: '{"a": {"s": "}{]["}, "level": "fatal"}',
      fields: ['level'],
      want: 'fatal',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(levelField(c.json, c.fields, c.maxDepth), c.want));
});

function get(json: string, expr: string): string | null {
  const buf = Buffer.from(json);
  const v = jsonGet(buf, compileJsonPath(parseJSONPath(expr)));
  return v === null ? null : buf.toString('utf8', v.start, v.end);
}

describe('reading a JSON path', () => {
  const cases: Array<[string, string, string, string | null]> = [
    ['a top-level string', '{"trace_id": "8c5f", "org_id": "fake"}', 'org_id', 'fake'],
    ['a nested field', '{"product": {"details": "product details", "id": "P2024/01"}}', 'product.id', 'P2024/01'],
    ['a bracketed key', '{"a b": {"c": 1}}', '["a b"].c', '1'],
    ['a number as written', '{"n": -12.5e3}', 'n', '-12.5e3'],
    ['an object as written', '{"o": {"x": [1, 2]}}', 'o', '{"x": [1, 2]}'],
    ['null as written', '{"n": null}', 'n', 'null'],
    ['an array element', '{"list": ["a", "b", "c"]}', 'list[1]', 'b'],
    ['a field of an array element', '{"list": [{"id": 1}, {"id": 2}]}', 'list[1].id', '2'],
    ['not past the indexed element', '{"list": [{"x": 1}, {"id": 2}]}', 'list[0].id', null],
    ['an index past the end', '{"list": [1]}', 'list[3]', null],
    ['a missing key', '{"a": 1}', 'b', null],
    ['not a key of a sibling object', '{"a": {"id": 1}, "b": 2}', 'id', null],
    ['the first of duplicate keys', '{"a": 1, "a": 2}', 'a', '1'],
    ['a raw string with escapes', '{"a": "x\\ny"}', 'a', 'x\\ny'],
    ['an escaped key', '{"\\u0061": "yes"}', 'a', 'yes'],
    ['nothing from a malformed value', '{"a": tru}', 'a', null],
  ];
  for (const [name, json, expr, want] of cases) it(name, () => assert.equal(get(json, expr), want));
});

describe('decoding escaped keys', () => {
  const cases: Array<[string, string | null]> = [
    ['a\\"b', 'a"b'],
    ['\\\\\\/\\b\\f\\n\\r\\t', '\\/\b\f\n\r\t'],
    ['\\u00e9', 'é'],
    ['\\ud83d\\ude00', '😀'],
    ['\\ud83d', '\ufffd'],
    ['\\ude00', '\ufffd'],
    ['\\ud83dx', '\ufffdx'],
    ['\\ud83d\\u00zz', null],
    ['\\x', null],
    ['\\u12', null],
    ['trailing\\', null],
  ];
  for (const [raw, want] of cases)
    it(`${raw} -> ${want === null ? 'invalid' : JSON.stringify(want)}`, () => {
      const buf = Buffer.from(raw);
      const out = unescapeKey(buf, 0, buf.length);
      assert.equal(out === null ? null : out.toString('utf8'), want);
    });
});
