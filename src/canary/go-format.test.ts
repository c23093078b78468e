import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  goFixed6,
  goFloat,
  goQueryEscape,
  goRoundHalfEven,
  goSecondsRange,
  goTimeList,
  logfmtLine,
} from './go-format.js';

describe("Go's formatting", () => {
  it('prints floats as %v does: shortest digits, exponent from 1e6 and below 1e-4', () => {
    assert.equal(goFloat(80), '80');
    assert.equal(goFloat(0.5), '0.5');
    assert.equal(goFloat(123456), '123456');
    assert.equal(goFloat(1e6), '1e+06');
    assert.equal(goFloat(1234567.5), '1.2345675e+06');
    assert.equal(goFloat(0.0001), '0.0001');
    assert.equal(goFloat(0.00001234), '1.234e-05');
    assert.equal(goFloat(-2.25), '-2.25');
    assert.equal(goFloat(0), '0');
    assert.equal(goFloat(Number.NaN), 'NaN');
    assert.equal(goFloat(Number.POSITIVE_INFINITY), '+Inf');
  });

  it('rounds %.0f halves to even', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 2.4, 2.6].map(goRoundHalfEven), [0, 2, 2, 2, 3]);
    assert.equal(goSecondsRange(86_400_000), '86400s');
    assert.equal(goSecondsRange(12_500), '12s');
  });

  it('prints %f with six decimals', () => {
    assert.equal(goFixed6(60), '60.000000');
    assert.equal(goFixed6(0.25), '0.250000');
  });

  it('prints a list of times as a Go slice of time.Time', () => {
    assert.equal(goTimeList([0n, 1_500_000_000n]), '[1970-01-01 00:00:00 +0000 UTC 1970-01-01 00:00:01.5 +0000 UTC]');
  });

  it('escapes query values as url.QueryEscape', () => {
    assert.equal(
      goQueryEscape('{stream="stdout",name="loki-canary"} '),
      '%7Bstream%3D%22stdout%22%2Cname%3D%22loki-canary%22%7D+',
    );
    assert.equal(goQueryEscape("a!b'c(d)e*f~g_h.i-j"), 'a%21b%27c%28d%29e%2Af~g_h.i-j');
  });

  it('writes logfmt with quotes only where needed', () => {
    assert.equal(
      logfmtLine([
        ['level', 'warn'],
        ['msg', 'failed to send entry, retrying'],
        ['entry', 12n],
        ['status', -1],
        ['error', 'a "quoted" word'],
        ['empty', ''],
      ]),
      'level=warn msg="failed to send entry, retrying" entry=12 status=-1 error="a \\"quoted\\" word" empty=""\n',
    );
  });
});
