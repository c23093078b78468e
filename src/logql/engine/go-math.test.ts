import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationSeconds, frexp, goMod, goPow, ldexp } from './go-math.js';

test('goPow follows Go special cases where Math.pow differs', () => {
  assert.equal(goPow(1, Number.NaN), 1);
  assert.equal(goPow(-1, Number.POSITIVE_INFINITY), 1);
  assert.equal(goPow(-1, Number.NEGATIVE_INFINITY), 1);
  assert.equal(goPow(1, Number.POSITIVE_INFINITY), 1);
  assert.equal(goPow(Number.NaN, 0), 1);
});

test('goPow special cases for zeros, infinities and negative bases', () => {
  assert.equal(goPow(0, -2), Number.POSITIVE_INFINITY);
  assert.equal(goPow(-0, -3), Number.NEGATIVE_INFINITY);
  assert.ok(Object.is(goPow(-0, 3), -0));
  assert.ok(Object.is(goPow(-0, 2), 0));
  assert.equal(goPow(Number.POSITIVE_INFINITY, -1), 0);
  assert.equal(goPow(Number.NEGATIVE_INFINITY, 3), Number.NEGATIVE_INFINITY);
  assert.equal(goPow(Number.NEGATIVE_INFINITY, 2), Number.POSITIVE_INFINITY);
  assert.equal(goPow(0.5, Number.POSITIVE_INFINITY), 0);
  assert.equal(goPow(2, Number.NEGATIVE_INFINITY), 0);
  assert.ok(Number.isNaN(goPow(-8, 1 / 3)));
  assert.equal(goPow(-2, 3), -8);
  assert.equal(goPow(2, 0.5), Math.SQRT2);
  assert.equal(goPow(4, -0.5), 0.5);
});

test('goPow builds integer powers by repeated squaring, as Go rounds them', () => {
  // V8 gives 0.000009999999999999999; Go's algorithm is exact here.
  assert.equal(goPow(10, -5), 0.00001);
  assert.equal(goPow(3, 3), 27);
  assert.equal(goPow(2, 10), 1024);
  assert.equal(goPow(2, 1024), Number.POSITIVE_INFINITY);
  assert.equal(goPow(2, -1074), 5e-324);
  assert.equal(goPow(10, 400), Number.POSITIVE_INFINITY);
  assert.equal(goPow(10, -400), 0);
});

test('frexp and ldexp split and rebuild floats, subnormals included', () => {
  assert.deepEqual(frexp(8), [0.5, 4]);
  assert.deepEqual(frexp(-3), [-0.75, 2]);
  assert.deepEqual(frexp(5e-324), [0.5, -1073]);
  assert.deepEqual(frexp(0), [0, 0]);
  assert.equal(ldexp(0.5, -1073), 5e-324);
  assert.equal(ldexp(0.75, 2), 3);
  assert.equal(ldexp(1, 1024), Number.POSITIVE_INFINITY);
  assert.ok(Object.is(ldexp(-1, -1080), -0));
});

test('goMod keeps the sign of the dividend and is NaN for a zero divisor', () => {
  assert.equal(goMod(7, 3), 1);
  assert.equal(goMod(-7, 3), -1);
  assert.equal(goMod(7, -3), 1);
  assert.ok(Number.isNaN(goMod(1, 0)));
  assert.equal(goMod(5, Number.POSITIVE_INFINITY), 5);
});

test('durationSeconds matches time.Duration.Seconds', () => {
  assert.equal(durationSeconds(60_000_000_000n), 60);
  assert.equal(durationSeconds(500_000_000n), 0.5);
  assert.equal(durationSeconds(1_500n), 0.0000015);
  assert.equal(durationSeconds(90_000_000_001n), 90.000000001);
});
