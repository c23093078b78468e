import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord } from '../util/labels.js';
import { type RetentionLimits, RetentionRules } from './retention-rules.js';

const DAY = 86_400_000;

function rules(l: RetentionLimits, bad: string[] = []): RetentionRules {
  return new RetentionRules(
    () => l,
    (s) => bad.push(s),
  );
}

describe('retention rules', () => {
  const r = rules({
    retention_period: 30 * DAY,
    retention_stream: [
      { selector: '{namespace="dev"}', priority: 1, period: 2 * DAY },
      { selector: '{namespace="dev", app="audit"}', priority: 2, period: 90 * DAY },
      { selector: '{app=~"nginx|envoy"}', priority: 1, period: 7 * DAY },
      { selector: '{app="nginx"}', priority: 1, period: 5 * DAY },
    ],
  });

  it('falls back to retention_period when no rule matches', () => {
    assert.equal(r.periodFor('t', labelsFromRecord({ app: 'api' })), 30 * DAY);
  });

  it('prefers the highest priority, then the shortest period', () => {
    assert.equal(r.periodFor('t', labelsFromRecord({ namespace: 'dev', app: 'api' })), 2 * DAY);
    assert.equal(r.periodFor('t', labelsFromRecord({ namespace: 'dev', app: 'audit' })), 90 * DAY);
    assert.equal(r.periodFor('t', labelsFromRecord({ app: 'envoy' })), 7 * DAY);
    assert.equal(r.periodFor('t', labelsFromRecord({ app: 'nginx' })), 5 * DAY);
  });

  it('knows the shortest and the longest period of a tenant', () => {
    assert.equal(r.shortestPeriod('t'), 2 * DAY);
    assert.equal(r.longestPeriod('t'), 90 * DAY);
    const forever = rules({
      retention_period: 0,
      retention_stream: [{ selector: '{a="b"}', priority: 1, period: DAY }],
    });
    assert.equal(forever.shortestPeriod('t'), DAY);
    assert.equal(forever.longestPeriod('t'), 0, 'streams without a rule are kept forever');
    assert.equal(rules({ retention_period: 0, retention_stream: [] }).shortestPeriod('t'), 0);
  });

  it('ignores a rule whose selector does not parse, and says so', () => {
    const bad: string[] = [];
    const x = rules(
      { retention_period: DAY, retention_stream: [{ selector: '{oops', priority: 9, period: 5 * DAY }] },
      bad,
    );
    assert.equal(x.periodFor('t', labelsFromRecord({ a: 'b' })), DAY);
    assert.deepEqual(bad, ['{oops']);
  });
});
