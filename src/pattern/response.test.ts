import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePatternsResponse, jsonString } from './response.js';

describe('patterns response', () => {
  it('writes an empty result as Loki does', () => {
    assert.equal(encodePatternsResponse([]), '{"status":"success","data":[]}\n');
  });

  it('writes patterns with HTML characters escaped, levels and integer samples', () => {
    const body = encodePatternsResponse([
      {
        pattern: 'ts=<_> msg="a & b"',
        level: 'info',
        samples: [
          [1700000000, 12],
          [1700000010, 0],
        ],
      },
      { pattern: 'x', level: 'error', samples: [] },
    ]);
    assert.equal(
      body,
      '{"status":"success","data":[{"pattern":"ts=\\u003c_\\u003e msg=\\"a \\u0026 b\\"","level":"info","samples":[[1700000000,12],[1700000010,0]]},{"pattern":"x","level":"error","samples":[]}]}\n',
    );
    const parsed = JSON.parse(body) as { data: Array<{ pattern: string }> };
    assert.equal(parsed.data[0]!.pattern, 'ts=<_> msg="a & b"');
  });

  it('escapes control characters and line separators as Go JSON writers do', () => {
    assert.equal(jsonString('a\tb\n\u0001\u2028é', true), '"a\\tb\\n\\u0001\\u2028é"');
    assert.equal(jsonString('<b>\u2028', false), '"<b>\u2028"');
  });
});
