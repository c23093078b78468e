import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, it, test } from 'node:test';
import { Registry } from 'prom-client';
import type { Logger } from '../util/log.js';
import { generatorURL } from './manager.js';
import { RulerMetrics } from './metrics.js';
import { alertmanagerEndpoints, encodeAlerts, Notifier, type NotifierAlert, type NotifierConfig } from './notifier.js';
import { compileRelabelBlocks } from './ruler.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const ALERT: NotifierAlert = {
  labels: [
    { name: 'alertname', value: 'HighErrors' },
    { name: 'app', value: 'web' },
  ],
  annotations: [{ name: 'summary', value: 'web is failing' }],
  startsAtMs: 1_700_000_000_000,
  endsAtMs: 1_700_000_240_000,
  generatorURL: '/explore?left=x',
};

test('alerts are posted as Alertmanager v2 PostableAlerts with millisecond times', () => {
  assert.equal(
    encodeAlerts([ALERT]),
    '[{"annotations":{"summary":"web is failing"},"endsAt":"2023-11-14T22:17:20.000Z","startsAt":"2023-11-14T22:13:20.000Z","generatorURL":"/explore?left=x","labels":{"alertname":"HighErrors","app":"web"}}]',
  );
});

test('each comma-separated Alertmanager URL gets the push path under its own path', () => {
  assert.deepEqual(
    alertmanagerEndpoints('http://am1:9093, https://u:p@am2/prefix/', true).map((u) => u.href),
    ['http://am1:9093/api/v2/alerts', 'https://u:p@am2/prefix/api/v2/alerts'],
  );
  assert.deepEqual(alertmanagerEndpoints('', true), []);
});

test('the generator URL is a Grafana Explore link with the expression, as Loki builds it', () => {
  assert.equal(
    generatorURL('https://grafana.example', 'sum(x) > 1', 'abc'),
    'https://grafana.example/explore?left=%7B%22queries%22%3A%5B%7B%22expr%22%3A%22sum%28x%29+%5Cu003e+1%22%2C%22queryType%22%3A%22range%22%2C%22datasource%22%3A%7B%22type%22%3A%22loki%22%2C%22uid%22%3A%22abc%22%7D%7D%5D%7D',
  );
  assert.equal(
    generatorURL('', 'up', ''),
    '/explore?left=%7B%22queries%22%3A%5B%7B%22expr%22%3A%22up%22%2C%22queryType%22%3A%22range%22%7D%5D%7D',
  );
});

describe('a tenant’s notifier', () => {
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: unknown }> = [];
  let status = 200;
  let server: Server;
  let url = '';
  const registry = new Registry();
  const metrics = new RulerMetrics(registry, { disableRuleGroupLabel: false, groups: () => [] });

  before(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(parts).toString()) });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const config = (over: Partial<NotifierConfig> = {}): NotifierConfig => ({
    alertmanagerURL: url,
    v2: true,
    queueCapacity: 100,
    timeoutMs: 5000,
    externalLabels: [
      { name: 'cluster', value: 'eu-1' },
      { name: 'app', value: 'not-this' },
    ],
    relabel: compileRelabelBlocks([
      {
        source_labels: ['app'],
        regex: 'drop-me',
        action: 'drop',
        separator: '',
        modulus: 0,
        target_label: '',
        replacement: '',
      },
    ]),
    auth: {},
    tls: {},
    ...over,
  });

  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  /** The metrics text once every pattern matches (or after two seconds). */
  const metricsMatching = async (...patterns: RegExp[]) => {
    let text = '';
    for (let i = 0; i < 200; i++) {
      text = await registry.metrics();
      if (patterns.every((p) => p.test(text))) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return text;
  };

  it('posts alerts with the tenant’s org ID, external labels filling gaps and relabelling applied', async () => {
    const n = new Notifier('team-a', config(), metrics, quiet);
    n.send([ALERT, { ...ALERT, labels: [{ name: 'app', value: 'drop-me' }] }]);
    await until(() => received.length === 1);
    const sent =
      /loki_prometheus_notifications_sent_total\{user="team-a",alertmanager="http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts"\} 1/;
    const text = await metricsMatching(sent);
    await n.stop();
    assert.match(text, sent);
    const [req] = received;
    assert.equal(req!.path, '/api/v2/alerts');
    assert.equal(req!.headers['x-scope-orgid'], 'team-a');
    assert.equal(req!.headers['content-type'], 'application/json');
    assert.deepEqual(
      (req!.body as Array<{ labels: unknown }>).map((a) => a.labels),
      [{ alertname: 'HighErrors', app: 'web', cluster: 'eu-1' }],
    );
  });

  it('counts failed sends as errors and dropped alerts', async () => {
    status = 500;
    received.length = 0;
    const n = new Notifier('team-b', config(), metrics, quiet);
    n.send([ALERT]);
    const errors = /loki_prometheus_notifications_errors_total\{user="team-b",[^}]*\} 1/;
    const dropped = /loki_prometheus_notifications_dropped_total\{user="team-b",[^}]*\} 1/;
    const text = await metricsMatching(errors, dropped);
    await n.stop();
    status = 200;
    assert.match(text, errors);
    assert.match(text, dropped);
  });

  it('drops everything when the v2 API is turned off, as Prometheus’ notifier no longer speaks v1', async () => {
    received.length = 0;
    const n = new Notifier('team-c', config({ v2: false }), metrics, quiet);
    n.send([ALERT]);
    const dropped =
      /loki_prometheus_notifications_dropped_total\{user="team-c",alertmanager="[^"]*\/api\/v1\/alerts"\} 1/;
    const text = await metricsMatching(dropped);
    await n.stop();
    assert.equal(received.length, 0);
    assert.match(text, dropped);
  });
});
