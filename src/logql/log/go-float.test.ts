import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoFloat } from './go-float.js';

describe('parseGoFloat', () => {
  it('parses the decimal forms Go accepts', () => {
    const cases: Array<[string, number]> = [
      ['0', 0],
      ['15.0', 15],
      ['-1.5', -1.5],
      ['+2', 2],
      ['.5', 0.5],
      ['1.', 1],
      ['1e3', 1000],
      ['1E-2', 0.01],
      ['1_000.5', 1000.5],
      ['0x1p-2', 0.25],
      ['0X1.8P1', 3],
      ['1e-400', 0],
    ];
    for (const [input, want] of cases) assert.equal(parseGoFloat(input), want, input);
  });

  it('accepts inf, infinity and nan in any case', () => {
    assert.equal(parseGoFloat('Inf'), Number.POSITIVE_INFINITY);
    assert.equal(parseGoFloat('-infinity'), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(parseGoFloat('NaN') as number));
  });

  it('rejects what JavaScript would accept but Go does not, with strconv wording', () => {
    for (const input of ['', ' 1', '1 ', '0b101', 'Infinity1', '+nan', '1_', '_1', '0x1', '1e', 'abc', '1..2', '.']) {
      assert.equal(parseGoFloat(input), `strconv.ParseFloat: parsing ${JSON.stringify(input)}: invalid syntax`, input);
    }
  });

  it('reports overflow as a range error', () => {
    assert.equal(parseGoFloat('1e400'), 'strconv.ParseFloat: parsing "1e400": value out of range');
  });
});
