import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSet } from '../labels.js';
import { analyzeLabels } from './series.js';

const ls = (record: Record<string, string>): LabelSet => new Map(Object.entries(record));

describe('series --analyze-labels', () => {
  it('counts values and streams per label, most values first, in a space-aligned table', () => {
    const text = analyzeLabels([
      ls({ app: 'api', pod: 'api-0', namespace: 'shop' }),
      ls({ app: 'api', pod: 'api-1', namespace: 'shop' }),
      ls({ app: 'worker', pod: 'worker-0' }),
    ]);
    assert.equal(
      text,
      [
        'Total Streams:  3',
        'Unique Labels:  3',
        '',
        'Label Name  Unique Values  Found In Streams',
        'pod         3              3',
        'app         2              3',
        'namespace   1              2',
        '',
      ].join('\n'),
    );
  });

  it('prints an empty table for no streams', () => {
    assert.equal(
      analyzeLabels([]),
      'Total Streams:  0\nUnique Labels:  0\n\nLabel Name  Unique Values  Found In Streams\n',
    );
  });
});
