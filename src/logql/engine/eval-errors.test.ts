import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPipelineError } from './eval-errors.js';

test('a series with __error__ fails the query at its first sample', () => {
  const err = findPipelineError([
    { labels: [{ name: 'app', value: 'a' }], present: Uint8Array.of(1, 1) },
    {
      labels: [
        { name: '__error__', value: 'JSONParserErr' },
        { name: 'app', value: 'b' },
      ],
      present: Uint8Array.of(0, 1),
    },
  ]);
  assert.ok(err);
  assert.equal(
    err.message,
    'pipeline error: \'JSONParserErr\' for series: \'{__error__="JSONParserErr", app="b"}\'.\n' +
      'Use a label filter to intentionally skip this error. (e.g | __error__!="JSONParserErr").\n' +
      'To skip all potential errors you can match empty errors.(e.g __error__="")\n' +
      'The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n',
  );
});

test('errors are kept when asked for, and series without samples do not count', () => {
  assert.equal(
    findPipelineError([
      {
        labels: [
          { name: '__error__', value: 'x' },
          { name: '__preserve_error__', value: 'true' },
        ],
        present: Uint8Array.of(1),
      },
      { labels: [{ name: '__error__', value: 'y' }], present: Uint8Array.of(0) },
    ]),
    null,
  );
});
