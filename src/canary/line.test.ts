import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineFormatter, parseEntryTimestamp } from './line.js';

describe('canary lines', () => {
  it('pads lines with p so that, newline included, they are -size bytes', () => {
    const line = new LineFormatter(100).format(1557935669096040040n);
    assert.equal(line, `1557935669096040040 ${'p'.repeat(79)}\n`);
    assert.equal(Buffer.byteLength(line), 100);
  });

  it('keeps the timestamp and separator when -size is smaller than they are', () => {
    assert.equal(new LineFormatter(5).format(1557935669096040040n), '1557935669096040040 \n');
  });

  it('recomputes the padding when the timestamp length changes', () => {
    const lines = new LineFormatter(30);
    assert.equal(lines.format(123456789n).length, 30);
    assert.equal(lines.format(1557935669096040040n).length, 30);
  });

  it('reads the timestamp back from a line, with or without its newline', () => {
    assert.equal(parseEntryTimestamp('1557935669096040040 pppp\n'), 1557935669096040040n);
    assert.equal(parseEntryTimestamp('1557935669096040040 pppp'), 1557935669096040040n);
  });

  it("rejects other lines with loki-canary's messages", () => {
    assert.throws(() => parseEntryTimestamp('just some line'), { message: 'received invalid entry: just some line' });
    assert.throws(() => parseEntryTimestamp('12x34 ppp'), { message: 'failed to parse timestamp: 12x34' });
    assert.throws(() => parseEntryTimestamp('99999999999999999999 p'), {
      message: 'failed to parse timestamp: 99999999999999999999',
    });
  });
});
