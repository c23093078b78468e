import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patternLevel } from './levels.js';

describe('pattern levels', () => {
  it('keeps known levels, lower-cased', () => {
    assert.equal(patternLevel('info'), 'info');
    assert.equal(patternLevel('ERROR'), 'error');
    assert.equal(patternLevel('Critical'), 'critical');
  });

  it('files missing and unexpected levels under unknown', () => {
    assert.equal(patternLevel(undefined), 'unknown');
    assert.equal(patternLevel(''), 'unknown');
    assert.equal(patternLevel('warning'), 'unknown');
    assert.equal(patternLevel('notice'), 'unknown');
  });
});
