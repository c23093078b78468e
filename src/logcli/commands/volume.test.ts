import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeQueryResponse } from '../client/response.js';
import { volumeText } from './volume.js';

describe('volume output', () => {
  it('prints an index/volume answer as its vector', () => {
    const resp = decodeQueryResponse({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { service_name: 'api' }, value: [1705284000, '123456'] },
          { metric: { service_name: 'worker' }, value: [1705284000, '789'] },
        ],
        stats: {},
      },
    });
    assert.equal(
      volumeText(resp),
      '[\n  {\n    "metric": {\n      "service_name": "api"\n    },\n    "value": [\n      1705284000,\n      "123456"\n    ]\n  },\n' +
        '  {\n    "metric": {\n      "service_name": "worker"\n    },\n    "value": [\n      1705284000,\n      "789"\n    ]\n  }\n]',
    );
  });

  it('prints an index/volume_range answer as its matrix, and labels-only metrics', () => {
    const resp = decodeQueryResponse({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { app: '' },
            values: [
              [1705280400, '10'],
              [1705284000, '20'],
            ],
          },
        ],
      },
    });
    assert.equal(
      volumeText(resp),
      '[\n  {\n    "metric": {\n      "app": ""\n    },\n    "values": [\n      [\n        1705280400,\n        "10"\n      ],\n' +
        '      [\n        1705284000,\n        "20"\n      ]\n    ]\n  }\n]',
    );
  });
});
