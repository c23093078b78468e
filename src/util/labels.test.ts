import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint, goQuote, labelsFromRecord, labelsToString } from './labels.js';

describe('labels', () => {
  it('prints the canonical Prometheus form, sorted by name', () => {
    assert.equal(labelsToString(labelsFromRecord({ job: 'api', app: 'x"y' })), '{app="x\\"y", job="api"}');
    assert.equal(labelsToString([]), '{}');
  });

  it("quotes values like Go's strconv.Quote", () => {
    assert.equal(goQuote('a\nb\tc\\'), '"a\\nb\\tc\\\\"');
    assert.equal(goQuote('\x01'), '"\\x01"');
    assert.equal(goQuote('héllo 世界'), '"héllo 世界"');
    assert.equal(goQuote('\u200b'), '"\\u200b"');
  });

  it('gives stable 16-hex-digit fingerprints', () => {
    const fp = fingerprint('{app="x"}');
    assert.match(fp, /^[0-9a-f]{16}$/);
    assert.equal(fp, fingerprint('{app="x"}'));
    assert.notEqual(fp, fingerprint('{app="y"}'));
  });
});
