import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMatrix, mergeMatrices, parseMatrix, sliceMatrix, withoutRange } from './matrix.js';

const engineJSON =
  '[{"metric":{"app":"a"},"values":[[1705276800,"1"],[1705276860.5,"2.5"],[1705276920,"NaN"]]},' +
  '{"metric":{"app":"b","level":"e\\"x"},"values":[[1705276860.5,"+Inf"]]}]';

describe('matrix pieces', () => {
  it('reads and writes the engine JSON byte for byte', () => {
    assert.equal(encodeMatrix(parseMatrix(engineJSON)), engineJSON);
  });

  it('slices points to a grid range and drops series left empty', () => {
    const m = parseMatrix(engineJSON);
    const s = sliceMatrix(m, { startMs: 1705276900_000, endMs: 1705276920_000 });
    assert.equal(encodeMatrix(s), '[{"metric":{"app":"a"},"values":[[1705276920,"NaN"]]}]');
  });

  it('merges pieces in time order and sorts series by labels', () => {
    const m = parseMatrix(engineJSON);
    const early = sliceMatrix(m, { startMs: 0, endMs: 1705276860_000 });
    const late = sliceMatrix(m, { startMs: 1705276860_001, endMs: 1705276920_000 });
    assert.equal(encodeMatrix(mergeMatrices([late.reverse(), early])), engineJSON);
  });

  it('orders series as Prometheus compares labels, not as their JSON text sorts', () => {
    const m = parseMatrix(
      '[{"metric":{"a":"1","b":"2"},"values":[[1,"1"]]},{"metric":{"a":"1"},"values":[[1,"1"]]},{"metric":{"a_":"0"},"values":[[1,"1"]]}]',
    );
    assert.deepEqual(
      mergeMatrices([m]).map((s) => s.metric),
      ['{"a":"1"}', '{"a":"1","b":"2"}', '{"a_":"0"}'],
    );
  });

  it('removes a range from the middle of a series', () => {
    const m = parseMatrix(engineJSON);
    const cut = withoutRange(m, { startMs: 1705276860_500, endMs: 1705276860_500 });
    assert.equal(encodeMatrix(cut), '[{"metric":{"app":"a"},"values":[[1705276800,"1"],[1705276920,"NaN"]]}]');
  });
});
