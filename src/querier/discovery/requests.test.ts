import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../server/http-error.js';
import {
  checkLineLimit,
  limitTimeRange,
  parseDetectedFieldsParams,
  parseDetectedLabelsParams,
  parseIndexStatsParams,
  parseLogQuery,
  parseSelector,
  parseVolumeInstantParams,
  parseVolumeRangeParams,
  toMsRange,
} from './requests.js';

const SEC = 1_000_000_000n;
const NOW = 1_700_000_000n * SEC;
const form = (o: Record<string, string>) => new URLSearchParams(o);

function rejects(fn: () => unknown, message: string, status = 400): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof HttpError, String(err));
    assert.equal(err.message, message);
    assert.equal(err.status, status);
    return true;
  });
}

describe('discovery request parameters', () => {
  it('reads index/stats like a range query, nanosecond bounds included', () => {
    const p = parseIndexStatsParams(
      form({ query: '{job="apache"}', start: String(NOW - 60n * SEC), end: String(NOW) }),
    );
    assert.deepEqual(p, { query: '{job="apache"}', startNs: NOW - 60n * SEC, endNs: NOW });
    rejects(
      () => parseIndexStatsParams(form({ query: '{a="b"}', start: '10', end: '5' })),
      'end timestamp must not be before or equal to start time',
    );
  });

  it('defaults the volume limit to 100, also for 0, and refuses negative ones', () => {
    assert.equal(parseVolumeInstantParams(form({ query: '{a="b"}' }), NOW).limit, 100);
    assert.equal(parseVolumeInstantParams(form({ query: '{a="b"}', limit: '0' }), NOW).limit, 100);
    assert.equal(parseVolumeRangeParams(form({ query: '{a="b"}', limit: '5000' }), NOW).limit, 5000);
    rejects(() => parseVolumeInstantParams(form({ limit: '-1' }), NOW), 'limit must be a positive value');
    rejects(() => parseVolumeInstantParams(form({ limit: 'x' }), NOW), 'strconv.Atoi: parsing "x": invalid syntax');
  });

  it('reads aggregateBy and targetLabels for volumes', () => {
    const p = parseVolumeRangeParams(
      form({
        query: '{a="b"}',
        aggregateBy: 'labels',
        targetLabels: 'app,,pod',
        start: '1700000000',
        end: '1700003600',
        step: '60',
      }),
      NOW,
    );
    assert.equal(p.aggregateBy, 'labels');
    assert.deepEqual(p.targetLabels, ['app', 'pod']);
    assert.equal(p.stepNs, 60n * SEC);
    assert.equal(parseVolumeInstantParams(form({ query: '{a="b"}' }), NOW).aggregateBy, 'series');
    assert.equal(parseVolumeInstantParams(form({ query: '{a="b"}' }), NOW).stepNs, 0n);
    rejects(() => parseVolumeInstantParams(form({ aggregateBy: 'pods' }), NOW), 'invalid aggregation option');
  });

  it('validates detected_fields limits, the field_limit alias and the step', () => {
    const p = parseDetectedFieldsParams(form({ query: '{a="b"}' }), NOW);
    assert.equal(p.lineLimit, 100);
    assert.equal(p.limit, 1000);
    assert.equal(parseDetectedFieldsParams(form({ field_limit: '20' }), NOW).limit, 20);
    assert.equal(parseDetectedFieldsParams(form({ limit: '30', field_limit: '20' }), NOW).limit, 30);
    rejects(() => parseDetectedFieldsParams(form({ line_limit: '0' }), NOW), 'limit must be a positive value');
    rejects(
      () => parseDetectedFieldsParams(form({ line_limit: '4294967296' }), NOW),
      'line_limit value 4294967296 is out of range [0, 4294967295]',
    );
    rejects(
      () => parseDetectedFieldsParams(form({ step: '0.0001' }), NOW),
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    rejects(
      () => parseDetectedFieldsParams(form({ start: '0', end: '1700000000', step: '1' }), NOW),
      'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter',
    );
  });

  it('checks detected_labels bounds', () => {
    const p = parseDetectedLabelsParams(
      form({ start: '2024-01-15T00:00:00.000Z', end: '2024-01-15T01:00:00.000Z' }),
      NOW,
    );
    assert.equal(p.endNs - p.startNs, 3600n * SEC);
    assert.equal(p.query, '');
    rejects(
      () => parseDetectedLabelsParams(form({ start: '20', end: '10' }), NOW),
      'end timestamp must not be before or equal to start time',
    );
  });

  it('answers bad selectors and queries with 400 parse errors', () => {
    assert.equal(parseSelector('{app="api"}').length, 1);
    assert.throws(
      () => parseSelector('{app="api"} |= "x"'),
      (e: unknown) => e instanceof HttpError && e.status === 400,
    );
    assert.throws(
      () => parseSelector(''),
      (e: unknown) => e instanceof HttpError && e.status === 400,
    );
    assert.equal(parseLogQuery('{app="api"} | json').stages.length, 1);
    assert.throws(
      () => parseLogQuery('sum(rate({app="api"}[1m]))'),
      (e: unknown) => e instanceof HttpError && e.status === 400,
    );
  });

  it('rounds a range to milliseconds, the end upwards', () => {
    assert.deepEqual(toMsRange({ startNs: 1_500_999n, endNs: 2_000_001n }), { fromMs: 1, throughMs: 3 });
  });

  it('applies max_query_lookback and max_query_length', () => {
    const limits = { max_query_lookback: 3_600_000, max_query_length: 7_200_000 };
    assert.deepEqual(limitTimeRange({ startNs: NOW - 5000n * SEC, endNs: NOW }, limits, NOW), {
      startNs: NOW - 3600n * SEC,
      endNs: NOW,
    });
    rejects(
      () => limitTimeRange({ startNs: NOW - 10_000n * SEC, endNs: NOW }, { ...limits, max_query_lookback: 0 }, NOW),
      'the query time range exceeds the limit (query length: 2h46m40s, limit: 2h)',
    );
    rejects(
      () => limitTimeRange({ startNs: NOW - 9000n * SEC, endNs: NOW - 8000n * SEC }, limits, NOW),
      'this data is no longer available, it is past now - max_query_lookback (1h)',
    );
  });

  it('caps line_limit by max_entries_limit_per_query', () => {
    checkLineLimit(100, { max_entries_limit_per_query: 5000 });
    rejects(
      () => checkLineLimit(6000, { max_entries_limit_per_query: 5000 }),
      'max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)',
    );
  });
});
