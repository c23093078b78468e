import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_TARGETS, listTargetsText, targetDependencies, USER_TARGETS } from './targets.js';

test("Loki's deployment targets are all accepted", () => {
  for (const t of [
    'all',
    'read',
    'write',
    'backend',
    'distributor',
    'ingester',
    'querier',
    'query-frontend',
    'query-scheduler',
    'compactor',
    'ruler',
    'index-gateway',
    'pattern-ingester',
    'bloom-gateway',
  ]) {
    assert.ok(ALL_TARGETS.includes(t), t);
  }
  assert.ok(!USER_TARGETS.includes('server'), 'internal modules are not listed as targets');
});

test('a target brings its dependencies, transitively', () => {
  const write = targetDependencies('write');
  for (const m of ['ingester', 'distributor', 'pattern-ingester', 'ring', 'server', 'store'])
    assert.ok(write.includes(m), m);
  assert.deepEqual(targetDependencies('read').slice(0, 2), ['analytics', 'cache-generation-loader']);
});

test('-list-targets prints each target with its user-visible dependencies indented', () => {
  const text = listTargetsText();
  assert.match(text, /^all\n/);
  assert.match(text, /\nread\n {2}querier\n {2}query-frontend\n/);
});
