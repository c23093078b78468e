import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapsePlaceholderRuns } from './placeholders.js';

describe('placeholder runs', () => {
  it('reduces adjacent placeholders to one', () => {
    assert.equal(collapsePlaceholderRuns('<_><_>rest'), '<_>rest');
    assert.equal(collapsePlaceholderRuns('<_>'.repeat(50)), '<_>');
    assert.equal(collapsePlaceholderRuns(`${'x'.repeat(80)}<_><_>`), `${'x'.repeat(80)}<_>`);
    assert.equal(collapsePlaceholderRuns('<<<<_><_>>>>'), '<<<<_>>>>');
    assert.equal(collapsePlaceholderRuns(`${'<_>'.repeat(10)} `.repeat(10)), '<_> '.repeat(10));
  });

  it('keeps placeholders that something separates', () => {
    assert.equal(collapsePlaceholderRuns('<_> <_>'), '<_> <_>');
    assert.equal(collapsePlaceholderRuns('<_><<_>'), '<_><<_>');
    assert.equal(collapsePlaceholderRuns('<_><->'), '<_><->');
    assert.equal(collapsePlaceholderRuns('plain'), 'plain');
  });
});
