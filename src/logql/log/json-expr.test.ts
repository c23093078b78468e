import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJSONPath } from './json-expr.js';
import { parseLogfmtExpression } from './logfmt-expr.js';

describe('parseJSONPath', () => {
  it('reads fields, quoted keys and indexes in any combination', () => {
    const cases: Array<[string, string[]]> = [
      ['app', ['app']],
      ['["field with space"]', ['field with space']],
      ['["field with ÜFT8👌"]', ['field with ÜFT8👌']],
      ['[0]', ['[0]']],
      ['pod.uuid', ['pod', 'uuid']],
      ['pod["uuid"]', ['pod', 'uuid']],
      ['["pod"]["uuid"]', ['pod', 'uuid']],
      ['pod.deployment.params[0]', ['pod', 'deployment', 'params', '[0]']],
      ['pod.deployment.params[0].param', ['pod', 'deployment', 'params', '[0]', 'param']],
      ['pod.deployment.params[0]["param"]', ['pod', 'deployment', 'params', '[0]', 'param']],
      ['utf8', ['utf8']],
      ['list[007]', ['list', '[7]']],
    ];
    for (const [expr, want] of cases) assert.deepEqual(parseJSONPath(expr), want, expr);
  });

  it("reports syntax errors in the grammar's words", () => {
    const cases: Array<[string, string]> = [
      ['field with space', 'syntax error: unexpected FIELD'],
      ['"pod"]', 'syntax error: unexpected STRING, expecting LSB or FIELD'],
      ['["pod"', 'syntax error: unexpected $end, expecting RSB'],
      ['["pod""deployment"]', 'syntax error: unexpected STRING, expecting RSB'],
      ['pod..uuid', 'syntax error: unexpected DOT, expecting FIELD'],
      ['["key', 'syntax error: unexpected $end, expecting RSB'],
      ['', 'syntax error: unexpected $end, expecting LSB or FIELD'],
      ['a[]', 'syntax error: unexpected RSB, expecting STRING or INDEX'],
      ['a.b!', 'unexpected char !'],
      ['a 1.5', 'cannot use float as array index'],
    ];
    for (const [expr, want] of cases) assert.throws(() => parseJSONPath(expr), { message: want }, expr);
  });
});

describe('parseLogfmtExpression', () => {
  it('reads a key or a quoted string', () => {
    assert.deepEqual(parseLogfmtExpression('app'), ['app']);
    assert.deepEqual(parseLogfmtExpression('id8'), ['id8']);
    assert.deepEqual(parseLogfmtExpression('"a.b c"'), ['a.b c']);
  });

  it("reports errors in the grammar's words", () => {
    assert.throws(() => parseLogfmtExpression('field with spaces'), { message: 'syntax error: unexpected KEY' });
    assert.throws(() => parseLogfmtExpression('fieldwithÜFT8👌'), { message: 'unexpected char Ü' });
    assert.throws(() => parseLogfmtExpression(''), {
      message: 'syntax error: unexpected $end, expecting STRING or KEY',
    });
  });
});
