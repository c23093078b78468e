import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogfmtDecoder } from './logfmt-decoder.js';
import type { StageOptions } from './options.js';
import { compilePipeline } from './pipeline.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('LogfmtDecoder', () => {
  it('reports keys, values and the absence of a value', () => {
    const dec = new LogfmtDecoder();
    dec.reset('a=1 b c="x y" d=');
    const seen: Array<[string, string, boolean]> = [];
    while (!dec.eol()) {
      if (dec.scanKeyval()) seen.push([dec.key(), dec.value(), dec.valueStart >= 0 || dec.unquoted !== null]);
    }
    assert.deepEqual(seen, [
      ['a', '1', true],
      ['b', '', false],
      ['c', 'x y', true],
      ['d', '', false],
    ]);
    assert.equal(dec.error(), null);
  });

  it('counts error positions in bytes, as Go does', () => {
    const dec = new LogfmtDecoder();
    dec.reset('é="x" =y');
    while (!dec.eol()) dec.scanKeyval();
    assert.equal(dec.error(), "logfmt syntax error at pos 8 : unexpected '='");
  });

  it('decodes escapes in quoted values, including surrogate pairs', () => {
    const dec = new LogfmtDecoder();
    dec.reset('a="\\u00e9\\ud83d\\ude00\\ud800x\\\'\\/"');
    assert.ok(dec.scanKeyval());
    assert.equal(dec.value(), "é😀\ufffdx'/");
  });
});

describe('LogfmtParserStage', () => {
  it('gives every line the labels a fresh parser gives it, whatever came before', () => {
    const r = rng(7);
    const keys = ['a', 'b', 'ab', 'a.b', '1x', 'é', 'app', 'level'];
    const values = ['1', 'x', '"q r"', '', '"e\\"s"', '=', '"unterminated'];
    for (const strict of [false, true]) {
      const stages: StageOptions[] = [{ kind: 'logfmt', strict, keepEmpty: r() < 0.5 }];
      const shared = compilePipeline(stages).forStream([{ name: 'app', value: 'x' }]);
      for (let i = 0; i < 2000; i++) {
        const n = Math.floor(r() * 6);
        const pairs: string[] = [];
        for (let k = 0; k < n; k++) {
          const key = keys[Math.floor(r() * keys.length)]!;
          pairs.push(r() < 0.1 ? key : `${key}=${values[Math.floor(r() * values.length)]}`);
        }
        const line = pairs.join(r() < 0.8 ? ' ' : '\t');
        const fresh = compilePipeline(stages).forStream([{ name: 'app', value: 'x' }]);
        assert.equal(shared.process(line, 0n), fresh.process(line, 0n));
        assert.equal(shared.labels().key, fresh.labels().key, line);
      }
    }
  });
});
