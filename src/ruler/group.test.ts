import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from '../util/log.js';
import type { OutputSample, QueryFunc, Sample } from './evaluator.js';
import { type Clock, Group, type GroupDeps } from './group.js';
import { newGroupCounters } from './metrics.js';
import type { RuleGroupDesc } from './rule-group.js';
import type { Alert } from './rules.js';

/** A clock whose time moves only when the test says so. */
class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 0;
  constructor(public time: number) {}

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return { cancel: () => (this.timers = this.timers.filter((t) => t.id !== id)) };
  }

  /** Moves time forward, running due timers and letting their async work settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.time = Math.max(this.time, next.at);
      next.fn();
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    }
    this.time = target;
  }
}

const T0 = 1_700_000_000_000;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function groupDesc(over: Partial<RuleGroupDesc> = {}): RuleGroupDesc {
  return {
    name: 'g',
    namespace: 'ns',
    intervalMs: 10_000,
    limit: 0,
    user: 'tenant',
    rules: [
      {
        alert: 'Errors',
        record: '',
        expr: 'sum by (app) (count_over_time({job="x"}[1m])) > 0',
        forMs: 0,
        keepFiringForMs: 0,
        labels: [],
        annotations: [],
      },
      {
        alert: '',
        record: 'app:lines:sum',
        expr: 'sum by (app) (count_over_time({job="x"}[1m]))',
        forMs: 0,
        keepFiringForMs: 0,
        labels: [],
        annotations: [],
      },
    ],
    ...over,
  };
}

function harness(clock: FakeClock, initial: Sample[]) {
  let result = initial;
  const queries: number[] = [];
  const notified: Array<{ expr: string; alerts: Alert[] }> = [];
  const appended: OutputSample[][] = [];
  const query: QueryFunc = async (_q, ts) => {
    queries.push(ts);
    return result;
  };
  const deps: GroupDeps = {
    user: 'tenant',
    query,
    notify: (expr, alerts) => notified.push({ expr, alerts }),
    append: (s) => appended.push(s),
    resendDelayMs: 60_000,
    externalLabels: [],
    externalURL: '',
    counters: newGroupCounters(),
    observeRuleDuration: () => {},
    observeGroupDuration: () => {},
    logger: quiet,
    clock,
  };
  return {
    deps,
    queries,
    notified,
    appended,
    set(v: Sample[]) {
      result = v;
    },
  };
}

const web = [{ labels: [{ name: 'app', value: 'web' }], value: 3 }];

test('a group evaluates at slotted times: first at the next slot, then every interval', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, web);
  const g = new Group(groupDesc(), '/rules/tenant/ns', 60_000, h.deps);
  const slot = g.evalTimestamp(T0);
  assert.ok(slot <= T0 && T0 - slot < 10_000);
  assert.equal(g.evalTimestamp(slot + 10_000), slot + 10_000, 'a slot maps to itself');
  g.start();
  await clock.advance(9_999 - (T0 - slot));
  assert.deepEqual(h.queries, [], 'nothing before the first slot');
  await clock.advance(1);
  await clock.advance(20_000);
  assert.deepEqual(h.queries, [
    slot + 10_000,
    slot + 10_000,
    slot + 20_000,
    slot + 20_000,
    slot + 30_000,
    slot + 30_000,
  ]);
  assert.equal(h.deps.counters.iterationsScheduled, 3);
  assert.equal(h.deps.counters.evaluations, 6);
  assert.equal(g.lastEvalTimestampMs, slot + 30_000);
  await g.stop(false);
  await clock.advance(60_000);
  assert.equal(h.queries.length, 6, 'no evaluation after stop');
});

test('the group interval falls back to evaluation_interval', () => {
  const clock = new FakeClock(T0);
  const g = new Group(groupDesc({ intervalMs: 0 }), '/rules/t/ns', 60_000, harness(clock, []).deps);
  assert.equal(g.intervalMs, 60_000);
  assert.equal(g.key, '/rules/t/ns;g');
});

test('an evaluation notifies firing alerts and appends alert and recording series', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, web);
  const g = new Group(groupDesc(), '/rules/tenant/ns', 60_000, h.deps);
  await g.iterate(T0);
  assert.equal(h.notified.length, 1);
  assert.equal(h.notified[0]!.expr, '(sum by (app)(count_over_time({job="x"}[1m])) > 0)');
  assert.equal(h.notified[0]!.alerts[0]!.state, 'firing');
  const names = h.appended.flat().map((s) => s.labels.find((l) => l.name === '__name__')!.value);
  assert.deepEqual(names, ['ALERTS', 'ALERTS_FOR_STATE', 'app:lines:sum']);
  assert.equal(g.lastSamples, 3);
  assert.equal(g.rules[0]!.health, 'ok');
  assert.equal(g.lastEvaluationMs, T0);
});

test('series that stop being produced get a staleness marker', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, web);
  const g = new Group(groupDesc(), '/rules/tenant/ns', 60_000, h.deps);
  await g.eval(T0);
  h.appended.length = 0;
  h.set([]);
  await g.eval(T0 + 10_000);
  const stale = h.appended.flat().filter((s) => s.stale);
  assert.deepEqual(stale.map((s) => s.labels.find((l) => l.name === '__name__')!.value).sort(), [
    'ALERTS',
    'ALERTS_FOR_STATE',
    'app:lines:sum',
  ]);
  assert.ok(stale.every((s) => s.timestampMs === T0 + 10_000 && Number.isNaN(s.value)));
});

test('a failing rule is marked unhealthy and counted, and the next rule still runs', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, web);
  let calls = 0;
  h.deps.query = async () => {
    calls++;
    if (calls === 1) throw new Error('rule evaluation failed: boom');
    return web;
  };
  const g = new Group(groupDesc(), '/rules/tenant/ns', 60_000, h.deps);
  await g.eval(T0);
  assert.equal(g.rules[0]!.health, 'err');
  assert.equal(g.rules[0]!.lastError, 'rule evaluation failed: boom');
  assert.equal(g.rules[1]!.health, 'ok');
  assert.equal(h.deps.counters.failures, 1);
});

test('a reloaded group keeps its alerts and series by rule name and labels', async () => {
  const clock = new FakeClock(T0);
  const h = harness(clock, web);
  const old = new Group(groupDesc({ rules: [{ ...groupDesc().rules[0]!, forMs: 60_000 }] }), '/r/t/ns', 60_000, h.deps);
  await old.eval(T0);
  const reloaded = new Group(
    groupDesc({ rules: [{ ...groupDesc().rules[0]!, forMs: 30_000 }] }),
    '/r/t/ns',
    60_000,
    h.deps,
  );
  assert.notEqual(reloaded.signature, old.signature);
  reloaded.copyState(old);
  await reloaded.eval(T0 + 30_000);
  const rule = reloaded.rules[0]!;
  assert.ok(rule.kind === 'alerting');
  assert.equal(rule.activeAlerts()[0]!.state, 'firing', 'held since T0, so 30s satisfies the new for');
  assert.equal(rule.activeAlerts()[0]!.activeAtMs, T0);
});
