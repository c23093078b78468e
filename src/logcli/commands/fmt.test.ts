import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FatalError } from '../io.js';
import { formatQuery, readAll } from './fmt.js';

describe('fmt', () => {
  it('prints a query in the multi-line form', async () => {
    const text = await readAll(
      (async function* () {
        yield 'sum by (app) (rate({app="api"} |= "error" | json [5m]))';
      })(),
    );
    const out = formatQuery(text);
    assert.ok(out.endsWith('\n'));
    assert.match(out, /^sum by \(app\)/);
    assert.match(out, /\{app="api"\}/);
  });

  it('fails on a query that does not parse', () => {
    assert.throws(
      () => formatQuery('{app='),
      (err: unknown) =>
        err instanceof FatalError &&
        /^unable to format logql: failed to parse the query: parse error/.test(err.message),
    );
  });
});
