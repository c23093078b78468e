import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { Registry } from 'prom-client';
import { HttpServer } from '../server/server.js';
import { InMemoryObjectClient } from '../storage/objstore/memory.js';
import type { Logger } from '../util/log.js';
import { formatFloatE, isLocalPath, registerRulerRoutes } from './api.js';
import { Group } from './group.js';
import { newGroupCounters } from './metrics.js';
import { parseRuleGroup, toDesc } from './rule-group.js';
import { ObjectRuleStore } from './rule-store.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const GROUP = `name: errors
interval: 1m
rules:
  - alert: HighErrors
    expr: sum by (app) (count_over_time({app="web"} |= "error" [1m])) > 5
    for: 2m
    labels:
      severity: page
    annotations:
      summary: "{{ $labels.app }} is failing"
  - record: app:errors:count1m
    expr: sum by (app) (count_over_time({app="web"} |= "error" [1m]))
`;

describe('the ruler API', () => {
  const registry = new Registry();
  const server = new HttpServer({ address: '127.0.0.1', port: 0, registry, logger: quiet });
  const store = new ObjectRuleStore(new InMemoryObjectClient(), 'legacy');
  const groups = new Map<string, Group[]>();
  let base = '';

  before(async () => {
    registerRulerRoutes(server.router, {
      store,
      tenants: { authEnabled: true },
      groupsOf: (user) => groups.get(user) ?? [],
      limits: (user) => ({
        ruler_max_rules_per_rule_group: user === 'small' ? 1 : 0,
        ruler_max_rule_groups_per_tenant: user === 'small' ? 1 : 0,
      }),
    });
    base = `http://127.0.0.1:${await server.listen()}`;
  });
  after(() => server.close());

  const call = async (method: string, path: string, tenant: string | null = 'team-a', body?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
      ...(body !== undefined ? { body } : {}),
    });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  };

  it('needs a tenant when auth is enabled', async () => {
    assert.deepEqual(await call('GET', '/loki/api/v1/rules', null), {
      status: 401,
      text: 'no org id\n',
      type: 'text/plain; charset=utf-8',
    });
  });

  it('answers 404 when a tenant has no rule groups', async () => {
    assert.deepEqual(await call('GET', '/loki/api/v1/rules', 'nobody'), {
      status: 404,
      text: 'no rule groups found\n',
      type: 'text/plain; charset=utf-8',
    });
  });

  it('stores a posted group (202) and lists it as YAML by namespace', async () => {
    const created = await call('POST', '/loki/api/v1/rules/web%2Fprod', 'team-a', GROUP);
    assert.equal(created.status, 202);
    assert.equal(created.text, '{"status":"success","data":null,"errorType":"","error":""}');
    await call('POST', '/api/prom/rules/other', 'team-a', 'name: second\nrules: []\n');

    const one = await call('GET', '/loki/api/v1/rules/web%2Fprod/errors');
    assert.equal(one.status, 200);
    assert.equal(one.type, 'application/yaml');
    assert.ok(one.text.startsWith('name: errors\ninterval: 1m\nrules:\n    - alert: HighErrors\n'), one.text);

    const all = await call('GET', '/loki/api/v1/rules');
    assert.ok(
      all.text.startsWith('other:\n    - name: second\n      rules: []\nweb/prod:\n    - name: errors\n'),
      all.text,
    );
    const ns = await call('GET', '/api/prom/rules/other');
    assert.equal(ns.text, 'other:\n    - name: second\n      rules: []\n');
    const filtered = await call('GET', '/loki/api/v1/rules?labels=severity:page');
    assert.ok(filtered.text.startsWith('web/prod:\n'), 'only groups with a rule carrying the label');
    assert.ok(!filtered.text.includes('app:errors:count1m'), 'only the rules carrying it');

    assert.equal((await call('GET', '/loki/api/v1/rules', 'team-b')).status, 404, 'tenants are separate');
  });

  it('refuses undecodable, invalid and over-limit groups with Loki’s messages', async () => {
    assert.deepEqual(await call('POST', '/loki/api/v1/rules/ns', 'team-a', 'rules: {'), {
      status: 400,
      text: 'unable to decoded rule group\n',
      type: 'text/plain; charset=utf-8',
    });
    const invalid = await call(
      'POST',
      '/loki/api/v1/rules/ns',
      'team-a',
      'name: g\nrules:\n  - alert: A\n  - record: r\n',
    );
    assert.equal(invalid.status, 400);
    assert.equal(invalid.text, "field 'expr' must be set in rule, field 'expr' must be set in rule\n");
    const logQuery = await call(
      'POST',
      '/loki/api/v1/rules/ns',
      'team-a',
      'name: g\nrules:\n  - alert: A\n    expr: \'{app="x"}\'\n',
    );
    assert.equal(
      logQuery.text,
      "could not parse expression for alert 'A' in group 'g': only sample expression supported\n",
    );

    const tooManyRules = await call('POST', '/loki/api/v1/rules/ns', 'small', GROUP);
    assert.equal(tooManyRules.text, 'per-user rules per rule group limit (limit: 1 actual: 2) exceeded\n');
    const oneRule = 'name: g\nrules:\n  - record: r\n    expr: vector(1)\n';
    assert.equal((await call('POST', '/loki/api/v1/rules/ns', 'small', oneRule)).status, 202);
    const tooManyGroups = await call('POST', '/loki/api/v1/rules/ns', 'small', oneRule.replace('name: g', 'name: h'));
    assert.equal(tooManyGroups.text, 'per-user rule groups limit (limit: 1 actual: 2) exceeded\n');
  });

  it('answers missing groups and namespaces with 404, and deletes with 202', async () => {
    assert.deepEqual(await call('GET', '/loki/api/v1/rules/web%2Fprod/nope'), {
      status: 404,
      text: 'get rule group user="", namespace="", name="": group does not exist\n',
      type: 'text/plain; charset=utf-8',
    });
    assert.equal((await call('DELETE', '/loki/api/v1/rules/other/second')).status, 202);
    assert.deepEqual(await call('DELETE', '/loki/api/v1/rules/other'), {
      status: 404,
      text: 'group namespace does not exist\n',
      type: 'text/plain; charset=utf-8',
    });
    assert.equal((await call('DELETE', '/api/prom/rules/web%2Fprod')).status, 202);
    assert.equal((await call('GET', '/loki/api/v1/rules')).status, 404);
  });

  it('refuses namespaces that climb out of the tenant', async () => {
    const res = await call('GET', '/loki/api/v1/rules/..%2F..%2Fetc');
    assert.equal(res.status, 500);
    assert.equal(
      res.text,
      '{"status":"error","data":null,"errorType":"server_error","error":"invalid namespace: path traversal not allowed"}',
    );
    assert.ok(
      isLocalPath('a/b') &&
        isLocalPath('a/../b') &&
        !isLocalPath('a/../../b') &&
        !isLocalPath('/a') &&
        !isLocalPath(''),
    );
  });

  it('serves running rules and alerts in Prometheus’ JSON, per tenant', async () => {
    const g = new Group(toDesc('team-a', 'web/prod', parseRuleGroup(GROUP)), '/rules/team-a/web%2Fprod', 60_000, {
      user: 'team-a',
      query: async () => [{ labels: [{ name: 'app', value: 'web' }], value: 7 }],
      notify: () => {},
      append: () => {},
      resendDelayMs: 60_000,
      externalLabels: [],
      externalURL: '',
      counters: newGroupCounters(),
      observeRuleDuration: () => {},
      observeGroupDuration: () => {},
      logger: quiet,
    });
    await g.iterate(1_700_000_000_000);
    groups.set('team-a', [g]);

    const rules = await call('GET', '/prometheus/api/v1/rules');
    assert.equal(rules.status, 200);
    assert.equal(rules.type, 'application/json');
    const body = JSON.parse(rules.text);
    assert.equal(body.status, 'success');
    assert.equal(body.errorType, '');
    const [group] = body.data.groups;
    assert.deepEqual(Object.keys(group), [
      'name',
      'file',
      'rules',
      'interval',
      'limit',
      'lastEvaluation',
      'evaluationTime',
    ]);
    assert.equal(group.file, 'web/prod');
    assert.equal(group.interval, 60);
    const [alerting, recording] = group.rules;
    assert.deepEqual(Object.keys(alerting), [
      'state',
      'name',
      'query',
      'duration',
      'labels',
      'annotations',
      'alerts',
      'health',
      'lastError',
      'type',
      'lastEvaluation',
      'evaluationTime',
    ]);
    assert.equal(alerting.type, 'alerting');
    assert.equal(alerting.state, 'pending');
    assert.equal(alerting.health, 'ok');
    assert.equal(alerting.duration, 120);
    assert.deepEqual(alerting.alerts, [
      {
        labels: { alertname: 'HighErrors', app: 'web', severity: 'page' },
        annotations: { summary: 'web is failing' },
        state: 'pending',
        activeAt: '2023-11-14T22:13:20Z',
        value: '7e+00',
      },
    ]);
    assert.ok(rules.text.includes('\\u003e 5'), 'HTML characters are escaped as Go does');
    assert.equal(recording.type, 'recording');
    assert.deepEqual(Object.keys(recording), [
      'name',
      'query',
      'labels',
      'health',
      'lastError',
      'type',
      'lastEvaluation',
      'evaluationTime',
    ]);

    const onlyRecording = JSON.parse((await call('GET', '/prometheus/api/v1/rules?type=record')).text);
    assert.deepEqual(
      onlyRecording.data.groups[0].rules.map((r: { type: string }) => r.type),
      ['recording'],
    );
    assert.deepEqual(JSON.parse((await call('GET', '/prometheus/api/v1/rules?rule_group=nope')).text).data.groups, []);
    assert.deepEqual(await call('GET', '/prometheus/api/v1/rules?type=bogus'), {
      status: 400,
      text: '{"status":"error","data":null,"errorType":"bad_data","error":"not supported value \\"bogus\\""}',
      type: 'text/plain; charset=utf-8',
    });

    const alerts = JSON.parse((await call('GET', '/prometheus/api/v1/alerts')).text);
    assert.equal(alerts.data.alerts.length, 1);
    assert.deepEqual(JSON.parse((await call('GET', '/prometheus/api/v1/alerts', 'team-b')).text), {
      status: 'success',
      data: { alerts: [] },
      errorType: '',
      error: '',
    });
  });
});

test('alert values are written as Go’s FormatFloat(v, e, -1)', () => {
  assert.equal(formatFloatE(7), '7e+00');
  assert.equal(formatFloatE(1234.5), '1.2345e+03');
  assert.equal(formatFloatE(0.00012), '1.2e-04');
  assert.equal(formatFloatE(1e100), '1e+100');
  assert.equal(formatFloatE(Number.NaN), 'NaN');
  assert.equal(formatFloatE(-Infinity), '-Inf');
});
