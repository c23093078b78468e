import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Colorizer } from '../format/color.js';
import { formatIndexStats } from './index-stats.js';

describe('stats output', () => {
  it('prints the index statistics as logcli does, bytes humanised without a space', () => {
    assert.equal(
      formatIndexStats({ streams: 3, chunks: 12, bytes: 1_234_567, entries: 6000 }, new Colorizer(false)),
      '{\n  bytes: 1.2MB\n  chunks: 12\n  streams: 3\n  entries: 6000\n}\n',
    );
    assert.equal(
      formatIndexStats({ streams: 0, chunks: 0, bytes: 0, entries: 0 }, new Colorizer(false)),
      '{\n  bytes: 0B\n  chunks: 0\n  streams: 0\n  entries: 0\n}\n',
    );
  });

  it('colours the keys blue on a terminal', () => {
    const text = formatIndexStats({ streams: 1, chunks: 1, bytes: 1, entries: 1 }, new Colorizer(true));
    assert.ok(text.includes('\x1b[34mbytes\x1b[0m: 1B\n'));
  });
});
