import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeQueryResult } from '../client/response.js';
import { metricResultJson } from './metric-json.js';

describe('printing metric results', () => {
  it('prints a vector as indented JSON without a final newline', () => {
    const result = decodeQueryResult('vector', [
      { metric: { job: 'api', app: 'x' }, value: [1705280400.5, '2700'] },
      { metric: {}, value: [1705280400, '1e+06'] },
    ]);
    assert.equal(
      metricResultJson(result),
      [
        '[',
        '  {',
        '    "metric": {',
        '      "app": "x",',
        '      "job": "api"',
        '    },',
        '    "value": [',
        '      1705280400.5,',
        '      "2700"',
        '    ]',
        '  },',
        '  {',
        '    "metric": {},',
        '    "value": [',
        '      1705280400,',
        '      "1000000"',
        '    ]',
        '  }',
        ']',
      ].join('\n'),
    );
  });

  it('prints a matrix with its values in order and special floats spelled as Go does', () => {
    const result = decodeQueryResult('matrix', [
      {
        metric: { level: 'error' },
        values: [
          [1705278600, 'NaN'],
          [1705278600.123, '+Inf'],
          [1705278660, '0.000001'],
        ],
      },
    ]);
    assert.equal(
      metricResultJson(result),
      '[\n  {\n    "metric": {\n      "level": "error"\n    },\n    "values": [\n      [\n        1705278600,\n        "NaN"\n      ],\n' +
        '      [\n        1705278600.123,\n        "+Inf"\n      ],\n      [\n        1705278660,\n        "0.000001"\n      ]\n    ]\n  }\n]',
    );
  });

  it('prints a scalar and an empty result', () => {
    assert.equal(metricResultJson(decodeQueryResult('scalar', [4000000000, '2'])), '[\n  4000000000,\n  "2"\n]');
    assert.equal(metricResultJson(decodeQueryResult('vector', [])), '[]');
    assert.equal(metricResultJson(decodeQueryResult('streams', [])), null);
  });
});
