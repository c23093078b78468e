import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goFixed, goTrimSpace, humanizeBytes } from './go-text.js';

describe('Go text helpers', () => {
  it("trims Go's white space, which is not JavaScript's", () => {
    assert.equal(goTrimSpace('  \t line \r\n'), 'line');
    assert.equal(goTrimSpace('\u0085x\u00a0'), 'x');
    assert.equal(goTrimSpace('\ufeffx'), '\ufeffx');
    assert.equal(goTrimSpace(''), '');
  });

  it('rounds exact ties to even as fmt does', () => {
    assert.equal(goFixed(10.5, 0), '10');
    assert.equal(goFixed(11.5, 0), '12');
    assert.equal(goFixed(2.25, 1), '2.2');
    assert.equal(goFixed(1.26, 1), '1.3');
  });

  it('humanises byte counts in SI units like go-humanize', () => {
    assert.equal(humanizeBytes(0), '0 B');
    assert.equal(humanizeBytes(9), '9 B');
    assert.equal(humanizeBytes(10), '10 B');
    assert.equal(humanizeBytes(999), '999 B');
    assert.equal(humanizeBytes(1000), '1.0 kB');
    assert.equal(humanizeBytes(1234), '1.2 kB');
    assert.equal(humanizeBytes(167_345), '167 kB');
    assert.equal(humanizeBytes(82_854_982), '83 MB');
    assert.equal(humanizeBytes(10_500), '10 kB');
  });
});
