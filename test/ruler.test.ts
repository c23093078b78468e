// The ruler end to end, against a real Prometheus Alertmanager and a real
// Prometheus (remote-write receiver), both installed and started by the test
// on loopback ports:
//
// - rule groups uploaded through the API (rule storage on a real S3 API)
//   alert on pushed logs; the alert reaches Alertmanager with its templated
//   labels and annotations and shows in the Prometheus-style API of its
//   tenant only; a recording rule's series lands in Prometheus;
// - rule storage in a local directory, as in Loki read-only through the API:
//   rule files placed under <dir>/<tenant>/ are evaluated.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AlertmanagerTestServer, startAlertmanager } from '../src/testing/alertmanager.js';
import { type PrometheusTestServer, startPrometheus } from '../src/testing/prometheus.js';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../src/testing/s3-server.js';
import { pushProto } from './helpers/loki-client.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const A = 'tenant-a';
const B = 'tenant-b';

/** Retries `check` until it stops throwing, or rethrows its last error at the deadline. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function api(skald: SkaldProcess, method: string, path: string, tenant?: string, body?: string) {
  const res = await fetch(skald.url + path, {
    method,
    headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
    ...(body !== undefined ? { body } : {}),
  });
  return { status: res.status, text: await res.text() };
}

interface AlertsAnswer {
  status: string;
  data: {
    alerts: Array<{
      labels: Record<string, string>;
      annotations: Record<string, string>;
      state: string;
      value: string;
    }>;
  };
}

interface RulesAnswer {
  status: string;
  data: {
    groups: Array<{
      name: string;
      file: string;
      rules: Array<{ name: string; type: string; state?: string; health: string; lastError: string }>;
    }>;
  };
}

function pushErrors(skald: SkaldProcess, tenant: string, service: string, count: number) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return pushProto(
    skald.url,
    [
      {
        labels: `{service="${service}"}`,
        entries: Array.from({ length: count }, (_, i) => ({
          ts: now - BigInt(count - i) * 1_000_000n,
          line: `level=ERROR msg="payment declined" attempt=${i}`,
        })),
      },
    ],
    tenant,
  );
}

const GROUP = `name: checkout
interval: 1s
rules:
  - alert: CheckoutErrors
    expr: sum by (service) (count_over_time({service="checkout"} |= "ERROR" [1m])) > 3
    for: 1s
    labels:
      severity: critical
      owner: '{{ $labels.service }}-team'
    annotations:
      summary: 'Checkout errors: {{ $value }}'
      description: '{{ $labels.service }} logged {{ $value | humanize }} errors in a minute'
  - record: service:log_lines:count1m
    expr: sum by (service) (count_over_time({service="checkout"}[1m]))
`;

describe('ruler with Alertmanager and Prometheus', () => {
  let alertmanager: AlertmanagerTestServer;
  let prometheus: PrometheusTestServer;
  let s3: S3TestServer;
  let skald: SkaldProcess;
  let local: SkaldProcess | undefined;

  before(async () => {
    [alertmanager, prometheus, s3] = await Promise.all([
      startAlertmanager(),
      startPrometheus(),
      startS3Server({ buckets: ['rules'] }),
    ]);
    skald = await startSkald({
      authEnabled: true,
      extraConfig: `ruler:
  evaluation_interval: 1s
  poll_interval: 1s
  resend_delay: 1s
  external_url: https://grafana.example
  external_labels:
    cluster: e2e
  alertmanager_url: ${alertmanager.url}
  storage:
    type: s3
    s3:
      endpoint: ${s3.endpoint}
      bucketnames: rules
      s3forcepathstyle: true
      insecure: true
      region: ${S3_TEST_REGION}
      access_key_id: ${S3_TEST_ACCESS_KEY_ID}
      secret_access_key: ${S3_TEST_SECRET_ACCESS_KEY}
  remote_write:
    enabled: true
    clients:
      prom:
        url: ${prometheus.remoteWriteURL}
        queue_config:
          batch_send_deadline: 1s
`,
    });
  });

  after(async () => {
    await skald?.stop();
    await local?.stop();
    await skald?.cleanup();
    await local?.cleanup();
    await Promise.all([alertmanager?.stop(), prometheus?.stop(), s3?.stop()]);
  });

  it('refuses the rules API without a tenant and has no rules for a new tenant', async () => {
    assert.deepEqual(await api(skald, 'GET', '/loki/api/v1/rules'), { status: 401, text: 'no org id\n' });
    assert.deepEqual(await api(skald, 'GET', '/loki/api/v1/rules', A), { status: 404, text: 'no rule groups found\n' });
  });

  it('stores a rule group uploaded for tenant A and lists it for A only', async () => {
    const created = await api(skald, 'POST', '/loki/api/v1/rules/payments', A, GROUP);
    assert.deepEqual(created, { status: 202, text: '{"status":"success","data":null,"errorType":"","error":""}' });
    const listed = await api(skald, 'GET', '/loki/api/v1/rules', A);
    assert.equal(listed.status, 200);
    assert.ok(listed.text.startsWith('payments:\n    - name: checkout\n      interval: 1s\n'), listed.text);
    assert.equal((await api(skald, 'GET', '/loki/api/v1/rules/payments/checkout', A)).status, 200);
    assert.equal((await api(skald, 'GET', '/api/prom/rules', B)).status, 404);
    const invalid = await api(skald, 'POST', '/loki/api/v1/rules/payments', A, 'name: bad\nrules:\n  - alert: X\n');
    assert.deepEqual(invalid, { status: 400, text: "field 'expr' must be set in rule\n" });
  });

  it('fires the alert on pushed logs and delivers it to Alertmanager with templated labels and annotations', async () => {
    assert.equal((await pushErrors(skald, A, 'checkout', 5)).status, 204);
    // Tenant B has the same logs but no rules: it must not alert.
    assert.equal((await pushErrors(skald, B, 'checkout', 5)).status, 204);

    const [alert] = await eventually(async () => {
      const alerts = await alertmanager.alerts(['alertname="CheckoutErrors"']);
      assert.equal(alerts.length, 1, `alerts in Alertmanager: ${JSON.stringify(alerts)}\n${skald.logs()}`);
      return alerts;
    });
    assert.deepEqual(alert!.labels, {
      alertname: 'CheckoutErrors',
      cluster: 'e2e',
      owner: 'checkout-team',
      service: 'checkout',
      severity: 'critical',
    });
    assert.deepEqual(alert!.annotations, {
      summary: 'Checkout errors: 5',
      description: 'checkout logged 5 errors in a minute',
    });
    assert.equal(alert!.status.state, 'active');
    assert.ok(alert!.generatorURL?.startsWith('https://grafana.example/explore?left='), alert!.generatorURL);
    assert.ok(decodeURIComponent(alert!.generatorURL!.replaceAll('+', ' ')).includes('"queryType":"range"'));
  });

  it('shows the firing alert and its rule in the Prometheus-style API of tenant A, and nothing for B', async () => {
    const alerts = JSON.parse((await api(skald, 'GET', '/prometheus/api/v1/alerts', A)).text) as AlertsAnswer;
    assert.equal(alerts.status, 'success');
    assert.equal(alerts.data.alerts.length, 1);
    assert.equal(alerts.data.alerts[0]!.state, 'firing');
    assert.equal(alerts.data.alerts[0]!.value, '5e+00');
    assert.equal(alerts.data.alerts[0]!.labels.owner, 'checkout-team');
    const other = JSON.parse((await api(skald, 'GET', '/prometheus/api/v1/alerts', B)).text) as AlertsAnswer;
    assert.deepEqual(other.data.alerts, []);

    const rules = JSON.parse((await api(skald, 'GET', '/prometheus/api/v1/rules', A)).text) as RulesAnswer;
    const [group] = rules.data.groups;
    assert.equal(group!.name, 'checkout');
    assert.equal(group!.file, 'payments');
    assert.deepEqual(
      group!.rules.map((r) => [r.name, r.type, r.state, r.health, r.lastError]),
      [
        ['CheckoutErrors', 'alerting', 'firing', 'ok', ''],
        ['service:log_lines:count1m', 'recording', undefined, 'ok', ''],
      ],
    );
    const none = JSON.parse((await api(skald, 'GET', '/prometheus/api/v1/rules', B)).text) as RulesAnswer;
    assert.deepEqual(none.data.groups, []);
    assert.equal((await api(skald, 'GET', '/prometheus/api/v1/alerts')).status, 401);
  });

  it('remote-writes the recording rule’s series (and ALERTS) to Prometheus', async () => {
    const [sample] = await eventually(async () => {
      const result = await prometheus.query('service:log_lines:count1m');
      assert.equal(result.length, 1, `Prometheus has ${JSON.stringify(result)}\n${skald.logs()}`);
      return result;
    });
    assert.deepEqual(sample!.metric, { __name__: 'service:log_lines:count1m', service: 'checkout' });
    assert.equal(sample!.value[1], '5');
    const firing = await eventually(async () => {
      const result = await prometheus.query('ALERTS{alertname="CheckoutErrors",alertstate="firing"}');
      assert.equal(result.length, 1);
      return result;
    });
    assert.equal(firing[0]!.metric.service, 'checkout');
  });

  it('exposes the rule manager and notifier metrics under Loki’s names', async () => {
    const text = await (await fetch(`${skald.url}/metrics`)).text();
    for (const re of [
      /loki_prometheus_rule_evaluations_total\{user="tenant-a",rule_group="[^"]+\/tenant-a\/payments;checkout"\} [1-9]/,
      /loki_prometheus_rule_evaluation_failures_total\{user="tenant-a",rule_group="[^"]+;checkout"\} 0/,
      /loki_prometheus_rule_group_last_evaluation_timestamp_seconds\{user="tenant-a",rule_group="[^"]+;checkout"\} 1\d{9}/,
      /loki_prometheus_notifications_sent_total\{user="tenant-a",alertmanager="http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts"\} [1-9]/,
      /loki_ruler_wal_prometheus_remote_storage_samples_total\{tenant="tenant-a",remote_name="tenant-a-rw-prom",url="[^"]+"\} [1-9]/,
      /loki_ruler_managers_total 1/,
    ]) {
      assert.match(text, re);
    }
  });

  it('stops evaluating a deleted group', async () => {
    assert.equal((await api(skald, 'DELETE', '/loki/api/v1/rules/payments/checkout', A)).status, 202);
    await eventually(async () => {
      const rules = JSON.parse((await api(skald, 'GET', '/prometheus/api/v1/rules', A)).text) as RulesAnswer;
      assert.deepEqual(rules.data.groups, []);
    });
    assert.equal((await api(skald, 'GET', '/loki/api/v1/rules', A)).status, 404);
  });

  it('evaluates rule files from a local rules directory, which the API cannot write, as in Loki', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skald-e2e-ruler-'));
    await mkdir(join(dataDir, 'rules', A), { recursive: true });
    await writeFile(
      join(dataDir, 'rules', A, 'local.yaml'),
      `groups:\n  - ${GROUP.replace('name: checkout', 'name: local-checkout').replace('alert: CheckoutErrors', 'alert: LocalCheckoutErrors').replaceAll('\n', '\n    ')}`,
    );
    // The base configuration keeps rules in <data>/rules (common.storage.filesystem.rules_directory).
    local = await startSkald({
      authEnabled: true,
      dataDir,
      extraConfig: `ruler:
  evaluation_interval: 1s
  poll_interval: 1s
  alertmanager_url: ${alertmanager.url}
`,
    });
    assert.deepEqual(await api(local, 'POST', '/loki/api/v1/rules/other', A, GROUP), {
      status: 500,
      text: 'SetRuleGroup unsupported in rule local store\n',
    });
    const listed = await api(local, 'GET', '/loki/api/v1/rules', A);
    assert.ok(listed.text.startsWith('local.yaml:\n    - name: local-checkout\n'), listed.text);

    assert.equal((await pushErrors(local, A, 'checkout', 4)).status, 204);
    const alerts = await eventually(async () => {
      const answer = JSON.parse((await api(local!, 'GET', '/prometheus/api/v1/alerts', A)).text) as AlertsAnswer;
      assert.equal(answer.data.alerts[0]?.state, 'firing', JSON.stringify(answer));
      return answer.data.alerts;
    });
    assert.equal(alerts[0]!.labels.alertname, 'LocalCheckoutErrors');
    await eventually(async () => {
      assert.equal((await alertmanager.alerts(['alertname="LocalCheckoutErrors"'])).length, 1);
    });
  });
});
