import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Labels } from '../util/labels.js';
import type { QueryFunc, Sample } from './evaluator.js';
import type { RuleDesc } from './rule-group.js';
import { AlertingRule, RESOLVED_RETENTION_MS, RecordingRule } from './rules.js';

const T0 = 1_700_000_000_000;
const SEC = 1000;

function desc(over: Partial<RuleDesc>): RuleDesc {
  return {
    expr: 'sum by (app) (count_over_time({job="x"}[1m])) > 0',
    record: '',
    alert: '',
    forMs: 0,
    keepFiringForMs: 0,
    labels: [],
    annotations: [],
    ...over,
  };
}

const app = (name: string): Labels => [{ name: 'app', value: name }];

/** A query whose answer the test changes between evaluations. */
function fakeQuery(initial: Sample[] = []): { fn: QueryFunc; set(v: Sample[]): void; seen: number[] } {
  let current = initial;
  const seen: number[] = [];
  return {
    fn: async (_q, ts) => {
      seen.push(ts);
      return current;
    },
    set(v) {
      current = v;
    },
    seen,
  };
}

function alertingRule(over: Partial<RuleDesc> = {}): AlertingRule {
  return new AlertingRule(desc({ alert: 'HighErrors', ...over }), { externalLabels: [], externalURL: '' });
}

test('an alert is pending until the condition has held for `for`, then firing', async () => {
  const rule = alertingRule({ forMs: 60 * SEC });
  const q = fakeQuery([{ labels: app('web'), value: 3 }]);
  assert.equal(rule.state(), 'unknown');

  await rule.eval(T0, q.fn, 0);
  rule.evaluationTimestampMs = T0;
  assert.equal(rule.state(), 'pending');
  assert.equal(rule.activeAlerts()[0]!.activeAtMs, T0);
  assert.deepEqual(rule.alertsToSend(T0, 60 * SEC, 10 * SEC), [], 'pending alerts are not sent');

  await rule.eval(T0 + 59 * SEC, q.fn, 0);
  assert.equal(rule.state(), 'pending');

  const out = await rule.eval(T0 + 60 * SEC, q.fn, 0);
  const [alert] = rule.activeAlerts();
  assert.equal(alert!.state, 'firing');
  assert.equal(alert!.firedAtMs, T0 + 60 * SEC);
  assert.equal(alert!.activeAtMs, T0, 'activeAt stays at the first evaluation');
  assert.deepEqual(
    out.map((s) => [s.labels.map((l) => `${l.name}=${l.value}`).join(','), s.value]),
    [
      ['__name__=ALERTS,alertname=HighErrors,alertstate=firing,app=web', 1],
      ['__name__=ALERTS_FOR_STATE,alertname=HighErrors,app=web', T0 / 1000],
    ],
  );
});

test('a firing alert that stops matching is resolved, sent once more, and forgotten after the retention', async () => {
  const rule = alertingRule();
  const q = fakeQuery([{ labels: app('web'), value: 1 }]);
  await rule.eval(T0, q.fn, 0);
  assert.equal(rule.alertsToSend(T0, 60 * SEC, 10 * SEC).length, 1, 'fired with for: 0');

  q.set([]);
  await rule.eval(T0 + 10 * SEC, q.fn, 0);
  assert.deepEqual(rule.activeAlerts(), [], 'resolved alerts are not active');
  rule.evaluationTimestampMs = T0 + 10 * SEC;
  assert.equal(rule.state(), 'inactive');
  const resolved = rule.alertsToSend(T0 + 10 * SEC, 60 * SEC, 10 * SEC);
  assert.equal(resolved.length, 1, 'the resolution is sent without waiting for the resend delay');
  assert.equal(resolved[0]!.resolvedAtMs, T0 + 10 * SEC);
  assert.equal(rule.active.size, 1, 'kept for the resolved retention');

  await rule.eval(T0 + 10 * SEC + RESOLVED_RETENTION_MS + 1, q.fn, 0);
  assert.equal(rule.active.size, 0);
});

test('a pending alert that stops matching is dropped without a resolution', async () => {
  const rule = alertingRule({ forMs: 60 * SEC });
  const q = fakeQuery([{ labels: app('web'), value: 1 }]);
  await rule.eval(T0, q.fn, 0);
  q.set([]);
  await rule.eval(T0 + 10 * SEC, q.fn, 0);
  assert.equal(rule.active.size, 0);
  assert.deepEqual(rule.alertsToSend(T0 + 10 * SEC, 0, 10 * SEC), []);
});

test('keep_firing_for keeps a firing alert firing after the condition clears', async () => {
  const rule = alertingRule({ keepFiringForMs: 30 * SEC });
  const q = fakeQuery([{ labels: app('web'), value: 1 }]);
  await rule.eval(T0, q.fn, 0);
  q.set([]);
  await rule.eval(T0 + 10 * SEC, q.fn, 0);
  assert.equal(rule.activeAlerts()[0]?.state, 'firing', 'still firing 10s after the last match');
  assert.equal(rule.active.get([...rule.active.keys()][0]!)!.keepFiringSinceMs, T0 + 10 * SEC);
  await rule.eval(T0 + 39 * SEC, q.fn, 0);
  assert.equal(rule.activeAlerts()[0]?.state, 'firing');
  await rule.eval(T0 + 40 * SEC, q.fn, 0);
  assert.deepEqual(rule.activeAlerts(), [], 'resolved once keep_firing_for has passed');

  q.set([{ labels: app('web'), value: 1 }]);
  const again = alertingRule({ keepFiringForMs: 30 * SEC });
  await again.eval(T0, q.fn, 0);
  q.set([]);
  await again.eval(T0 + 10 * SEC, q.fn, 0);
  q.set([{ labels: app('web'), value: 1 }]);
  await again.eval(T0 + 20 * SEC, q.fn, 0);
  assert.equal([...again.active.values()][0]!.keepFiringSinceMs, 0, 'matching again resets keep_firing_for');
});

test('firing alerts are re-sent after resend_delay and stay valid for four periods', async () => {
  const rule = alertingRule();
  const q = fakeQuery([{ labels: app('web'), value: 1 }]);
  await rule.eval(T0, q.fn, 0);
  const [first] = rule.alertsToSend(T0, 60 * SEC, 10 * SEC);
  assert.equal(first!.validUntilMs, T0 + 4 * 60 * SEC);
  await rule.eval(T0 + 30 * SEC, q.fn, 0);
  assert.deepEqual(rule.alertsToSend(T0 + 30 * SEC, 60 * SEC, 10 * SEC), []);
  await rule.eval(T0 + 61 * SEC, q.fn, 0);
  assert.equal(rule.alertsToSend(T0 + 61 * SEC, 60 * SEC, 10 * SEC).length, 1);
});

test('labels and annotations are templated per alert; the alert keeps the series labels without __name__', async () => {
  const rule = alertingRule({
    labels: [
      { name: 'severity', value: '{{ if gt $value 10.0 }}page{{ else }}ticket{{ end }}' },
      { name: 'dropped', value: '' },
    ],
    annotations: [{ name: 'summary', value: '{{ $labels.app }} at {{ $value | humanize }}' }],
  });
  const q = fakeQuery([
    { labels: [{ name: '__name__', value: 'x' }, ...app('web')], value: 12345 },
    { labels: app('db'), value: 2 },
  ]);
  await rule.eval(T0, q.fn, 0);
  const alerts = rule.activeAlerts().sort((a, b) => (a.labels[1]!.value < b.labels[1]!.value ? -1 : 1));
  assert.deepEqual(
    alerts.map((a) => [a.labels, a.annotations]),
    [
      [
        [
          { name: 'alertname', value: 'HighErrors' },
          { name: 'app', value: 'db' },
          { name: 'severity', value: 'ticket' },
        ],
        [{ name: 'summary', value: 'db at 2' }],
      ],
      [
        [
          { name: 'alertname', value: 'HighErrors' },
          { name: 'app', value: 'web' },
          { name: 'severity', value: 'page' },
        ],
        [{ name: 'summary', value: 'web at 12.35k' }],
      ],
    ],
  );
});

test('a broken template shows the error in the annotation instead of failing the rule', async () => {
  const rule = alertingRule({ annotations: [{ name: 'summary', value: '{{ humanize "x" }}' }] });
  await rule.eval(T0, fakeQuery([{ labels: app('web'), value: 1 }]).fn, 0);
  assert.match(
    rule.activeAlerts()[0]!.annotations[0]!.value,
    /^<error expanding template: error executing template __alert_HighErrors: /,
  );
});

test('two samples that become the same alert, or too many alerts, fail the evaluation', async () => {
  const rule = alertingRule({ labels: [{ name: 'app', value: 'same' }] });
  await assert.rejects(
    rule.eval(
      T0,
      fakeQuery([
        { labels: app('a'), value: 1 },
        { labels: app('b'), value: 1 },
      ]).fn,
      0,
    ),
    /vector contains metrics with the same labelset after applying alert labels/,
  );
  const limited = alertingRule();
  await assert.rejects(
    limited.eval(
      T0,
      fakeQuery([
        { labels: app('a'), value: 1 },
        { labels: app('b'), value: 1 },
      ]).fn,
      1,
    ),
    /exceeded limit of 1 with 2 alerts/,
  );
  assert.equal(limited.active.size, 0);
});

test('a recording rule renames the result and applies its labels', async () => {
  const rule = new RecordingRule(
    desc({
      record: 'app:lines:rate1m',
      expr: 'sum by (app) (rate({job="x"}[1m]))',
      labels: [{ name: 'src', value: 'loki' }],
    }),
  );
  const out = await rule.eval(T0, fakeQuery([{ labels: app('web'), value: 0.5 }]).fn, 0);
  assert.deepEqual(out, [
    {
      labels: [
        { name: '__name__', value: 'app:lines:rate1m' },
        { name: 'app', value: 'web' },
        { name: 'src', value: 'loki' },
      ],
      value: 0.5,
      timestampMs: T0,
    },
  ]);
  assert.equal(rule.query, 'sum by (app)(rate({job="x"}[1m]))', 'the query is the canonical LogQL');
  const clash = new RecordingRule(desc({ record: 'r', labels: [{ name: 'app', value: 'x' }] }));
  await assert.rejects(
    clash.eval(
      T0,
      fakeQuery([
        { labels: app('a'), value: 1 },
        { labels: app('b'), value: 1 },
      ]).fn,
      0,
    ),
    /vector contains metrics with the same labelset after applying rule labels/,
  );
  await assert.rejects(
    new RecordingRule(desc({ record: 'r' })).eval(
      T0,
      fakeQuery([
        { labels: app('a'), value: 1 },
        { labels: app('b'), value: 1 },
      ]).fn,
      1,
    ),
    /exceeded limit of 1 with 2 series/,
  );
});
