import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeDeleteRequests,
  decodeDetectedFields,
  decodeIndexStats,
  decodeLabelResponse,
  decodeQueryResponse,
  decodeSeriesResponse,
  ResponseFormatError,
} from './response.js';

describe('decoding answers', () => {
  it('reads streams with nanosecond timestamps and ignores structured metadata', () => {
    const r = decodeQueryResponse({
      status: 'success',
      data: {
        resultType: 'streams',
        result: [{ stream: { app: 'api' }, values: [['1705276800000000001', 'line', { trace_id: 'x' }]] }],
        stats: { summary: {} },
      },
    });
    assert.equal(r.result.type, 'streams');
    if (r.result.type !== 'streams') return;
    assert.deepEqual(r.result.streams[0].entries, [{ tsNs: 1705276800000000001n, line: 'line' }]);
    assert.equal(r.result.streams[0].labels.get('app'), 'api');
    assert.deepEqual(r.warnings, []);
  });

  it('reads vectors, matrices and scalars', () => {
    const v = decodeQueryResponse({ data: { resultType: 'vector', result: [{ metric: {}, value: [1.5, '2'] }] } });
    assert.deepEqual(v.result, { type: 'vector', samples: [{ metric: new Map(), point: { timeMs: 1500, value: 2 } }] });
    const s = decodeQueryResponse({ data: { resultType: 'scalar', result: [10, 'NaN'] } });
    assert.ok(s.result.type === 'scalar' && Number.isNaN(s.result.point.value));
  });

  it('rejects unknown result types and malformed entries', () => {
    assert.throws(() => decodeQueryResponse({ data: { resultType: 'nope', result: [] } }), /unknown type: nope/);
    assert.throws(() => decodeQueryResponse({ data: { result: [] } }), ResponseFormatError);
    assert.throws(
      () => decodeQueryResponse({ data: { resultType: 'streams', result: [{ stream: {}, values: [[1, 'x']] }] } }),
      ResponseFormatError,
    );
    assert.throws(
      () => decodeQueryResponse({ data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] } }),
      /sample value must be a quoted string/,
    );
  });

  it('reads labels (data left out when empty) and series', () => {
    assert.deepEqual(decodeLabelResponse({ status: 'success', data: ['a', 'b'] }), ['a', 'b']);
    assert.deepEqual(decodeLabelResponse({ status: 'success' }), []);
    const series = decodeSeriesResponse({ status: 'success', data: [{ a: '1' }] });
    assert.equal(series[0].get('a'), '1');
  });

  it('reads index stats, detected fields and delete requests', () => {
    assert.deepEqual(decodeIndexStats({ streams: 1, chunks: 2, bytes: 3, entries: 4 }), {
      streams: 1,
      chunks: 2,
      bytes: 3,
      entries: 4,
    });
    assert.deepEqual(
      decodeDetectedFields({ fields: [{ label: 'status', type: 'int', cardinality: 5, parsers: null }], limit: 1000 }),
      { fields: [{ label: 'status', type: 'int', cardinality: 5, parsers: [] }], values: [] },
    );
    assert.deepEqual(decodeDeleteRequests([{ start_time: 10, end_time: 20.5, query: '{a="b"}', status: 'received' }]), [
      { startTime: 10, endTime: 20, query: '{a="b"}', status: 'received' },
    ]);
    assert.equal(decodeDeleteRequests(null), null);
  });
});
