import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryStats } from '../../logql/engine/stats.js';
import {
  detectedFieldsJSON,
  detectedFieldValuesJSON,
  detectedLabelsJSON,
  indexStatsJSON,
  volumeResponseJSON,
} from './responses.js';

describe('discovery response bodies', () => {
  it('writes index stats bare, in Loki key order', () => {
    assert.equal(
      indexStatsJSON({ entries: 4, bytes: 3, chunks: 2, streams: 1 }),
      '{"streams":1,"chunks":2,"bytes":3,"entries":4}\n',
    );
  });

  it('writes empty detected answers as {}', () => {
    assert.equal(detectedLabelsJSON([]), '{}\n');
    assert.equal(detectedFieldsJSON([], 1000), '{}\n');
    assert.equal(detectedFieldValuesJSON([], 1000), '{}\n');
  });

  it('writes detected fields with null parsers for metadata and jsonPath only when known', () => {
    const body = JSON.parse(
      detectedFieldsJSON(
        [
          { label: 'trace_id', type: 'string', cardinality: 2, parsers: null },
          { label: 'user_id', type: 'int', cardinality: 5, parsers: ['json'], jsonPath: ['user', 'id'] },
        ],
        1000,
      ),
    );
    assert.deepEqual(body, {
      fields: [
        { label: 'trace_id', type: 'string', cardinality: 2, parsers: null },
        { label: 'user_id', type: 'int', cardinality: 5, parsers: ['json'], jsonPath: ['user', 'id'] },
      ],
      limit: 1000,
    });
    assert.deepEqual(JSON.parse(detectedFieldValuesJSON(['a', 'b'], 50)), { values: ['a', 'b'], limit: 50 });
    assert.deepEqual(JSON.parse(detectedLabelsJSON([{ label: 'app', cardinality: 3 }])), {
      detectedLabels: [{ label: 'app', cardinality: 3 }],
    });
  });

  it('writes volumes as a vector or a matrix in the query envelope with stats', () => {
    const metric = [{ name: 'app', value: 'a<b' }];
    const vector = volumeResponseJSON(
      {
        resultType: 'vector',
        buckets: 1,
        series: [{ name: '{app="a<b"}', metric, samples: [[1_700_000_000_500, 1024]] }],
      },
      new QueryStats(),
    );
    assert.ok(vector.includes('"metric":{"app":"a\\u003cb"},"value":[1700000000.5,"1024"]'), vector);
    const v = JSON.parse(vector);
    assert.equal(v.status, 'success');
    assert.equal(v.data.resultType, 'vector');
    assert.ok(v.data.stats.summary);
    const matrix = JSON.parse(
      volumeResponseJSON(
        {
          resultType: 'matrix',
          buckets: 2,
          series: [
            {
              name: 'app',
              metric: [{ name: 'app', value: '' }],
              samples: [
                [1000, 1],
                [2000, 2],
              ],
            },
          ],
        },
        new QueryStats(),
      ),
    );
    assert.deepEqual(matrix.data.result, [
      {
        metric: { app: '' },
        values: [
          [1, '1'],
          [2, '2'],
        ],
      },
    ]);
    const empty = JSON.parse(volumeResponseJSON({ resultType: 'vector', buckets: 0, series: [] }, new QueryStats()));
    assert.deepEqual(empty.data.result, []);
  });
});
