import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { determineFieldType, isGoBool, isGoInt64 } from './field-types.js';

describe('detected field type inference', () => {
  it('tries int, float, boolean, duration, bytes, then string, in that order', () => {
    const cases: Array<[string, string]> = [
      ['200', 'int'],
      ['-17', 'int'],
      ['+5', 'int'],
      ['0', 'int'],
      ['1', 'int'],
      ['12.5', 'float'],
      ['1e3', 'float'],
      ['NaN', 'float'],
      ['inf', 'float'],
      ['0x1p-2', 'float'],
      ['true', 'boolean'],
      ['F', 'boolean'],
      ['True', 'boolean'],
      ['250ms', 'duration'],
      ['1h30m', 'duration'],
      ['-1.5s', 'duration'],
      ['12.3KB', 'bytes'],
      ['5 MiB', 'bytes'],
      ['1,024', 'bytes'],
      ['GET', 'string'],
      ['request served', 'string'],
      ['2024-01-15T00:00:00.000Z', 'string'],
      ['', 'string'],
      ['yes', 'string'],
    ];
    for (const [value, type] of cases) assert.equal(determineFieldType(value), type, value);
  });

  it('treats integers outside int64 as floats, as Go ParseInt refuses them', () => {
    assert.equal(determineFieldType('9223372036854775807'), 'int');
    assert.equal(determineFieldType('9223372036854775808'), 'float');
    assert.equal(determineFieldType('-9223372036854775808'), 'int');
    assert.equal(determineFieldType('-9223372036854775809'), 'float');
  });

  it('accepts only base-10 digits as integers', () => {
    assert.equal(isGoInt64('1_000'), false);
    assert.equal(isGoInt64('0x10'), false);
    assert.equal(isGoInt64(' 1'), false);
    assert.equal(isGoInt64('007'), true);
  });

  it('knows exactly the boolean spellings of Go ParseBool', () => {
    for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'])
      assert.equal(isGoBool(v), true, v);
    for (const v of ['tRUE', 'yes', 'on', 'y', '']) assert.equal(isGoBool(v), false, v);
  });
});
