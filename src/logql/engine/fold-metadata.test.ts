import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldMetadata } from './fold-metadata.js';

const l = (name: string, value: string) => ({ name, value });

describe('foldMetadata', () => {
  it('adds structured metadata to the stream labels, sorted', () => {
    assert.deepEqual(foldMetadata([l('app', 'api'), l('zone', 'b')], [l('trace_id', 'abc')]), [
      l('app', 'api'),
      l('trace_id', 'abc'),
      l('zone', 'b'),
    ]);
  });

  it('keeps a stream label and adds clashing metadata as <name>_extracted, as Loki', () => {
    assert.deepEqual(foldMetadata([l('app', 'api'), l('level', 'info')], [l('level', 'error')]), [
      l('app', 'api'),
      l('level', 'info'),
      l('level_extracted', 'error'),
    ]);
  });

  it('returns the stream labels alone when there is no metadata', () => {
    assert.deepEqual(foldMetadata([l('app', 'api')], []), [l('app', 'api')]);
  });
});
