import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileJmespath, JmespathSyntaxError } from './index.js';

// Expected results were produced by the JMESPath reference implementation.
const fixture = JSON.parse(readFileSync(new URL('../../testdata/jmespath-cases.json', import.meta.url), 'utf8')) as {
  data: unknown;
  cases: Array<{ expression: string; result: unknown }>;
};

describe('JMESPath', () => {
  for (const c of fixture.cases) {
    it(`evaluates ${c.expression}`, () => {
      assert.deepEqual(compileJmespath(c.expression).search(fixture.data), c.result);
    });
  }

  it('rejects malformed expressions with a syntax error', () => {
    assert.throws(() => compileJmespath('a.'), JmespathSyntaxError);
    assert.throws(() => compileJmespath('a[?'), JmespathSyntaxError);
    assert.throws(() => compileJmespath('#'), /Unknown char/);
    assert.throws(() => compileJmespath('"a"(b)'), /Quoted identifier not allowed/);
  });

  it('reports unknown functions when evaluated', () => {
    assert.throws(() => compileJmespath('nope(a)').search({}), /unknown function: nope/);
  });
});
