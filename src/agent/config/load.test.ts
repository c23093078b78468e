import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAgentCommandLine } from '../cli.js';
import { AgentConfigError, loadAgentConfig } from './load.js';

const HELM = readFileSync(new URL('../testdata/helm-promtail.yaml', import.meta.url), 'utf8');

/** Loads `text` as /etc/promtail/config.yaml with the given extra arguments. */
function load(text: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const cmd = parseAgentCommandLine(['-config.file=/etc/promtail/config.yaml', ...args]);
  return loadAgentConfig(cmd, env, { readFile: () => text, exists: () => true });
}

function loadError(text: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): string {
  try {
    load(text, args, env);
  } catch (err) {
    assert.ok(err instanceof AgentConfigError, String(err));
    return err.message;
  }
  assert.fail('expected the configuration to be refused');
}

describe('loading the agent configuration', () => {
  it('loads the configuration the grafana/promtail Helm chart renders by default', () => {
    const cfg = load(HELM);
    assert.equal(cfg.file.server.http_listen_port, 3101);
    assert.equal(cfg.file.server.log_level, 'info');
    assert.equal(cfg.clients.length, 1);
    assert.equal(cfg.clients[0]!.url, 'http://loki-gateway/loki/api/v1/push');
    assert.equal(cfg.clients[0]!.batchwait, 1000);
    assert.equal(cfg.clients[0]!.batchsize, 1048576);
    assert.equal(cfg.clients[0]!.backoff_config.max_retries, 10);
    assert.equal(cfg.file.positions.filename, '/run/promtail/positions.yaml');
    assert.equal(cfg.file.positions.sync_period, 10_000);
    assert.equal(cfg.file.tracing.enabled, false);
    assert.equal(cfg.scrapeConfigs.length, 1);
    const job = cfg.scrapeConfigs[0]!;
    assert.equal(job.jobName, 'kubernetes-pods');
    assert.equal(job.kind, 'files');
    assert.equal(job.config.kubernetes_sd_configs[0]!.role, 'pod');
    assert.equal(job.relabel.length, 11);
    assert.deepEqual(job.stages?.toJSON(), [{ cri: {} }]);
  });

  it('uses Promtail defaults when there is no file', () => {
    const cfg = loadAgentConfig(parseAgentCommandLine([]), {});
    assert.equal(cfg.configFile, null);
    assert.equal(cfg.file.server.http_listen_port, 80);
    assert.equal(cfg.file.positions.filename, '/var/log/positions.yaml');
    assert.equal(cfg.file.limits_config.readline_rate, 10000);
    assert.equal(cfg.file.limits_config.readline_rate_drop, true);
    assert.equal(cfg.file.global.file_watch_config.min_poll_frequency, 250);
  });

  it('refuses an unknown top-level key, naming it and its line', () => {
    const msg = loadError('server:\n  http_listen_port: 1\nbogus_key: 1\n');
    assert.match(msg, /line 3: field bogus_key not found in type main\.Config/);
    assert.match(msg, /^\/etc\/promtail\/config\.yaml: yaml: unmarshal errors:/);
    assert.match(msg, /-config\.expand-env=true/);
  });

  it('refuses unknown keys inside clients and scrape configs', () => {
    const msg = loadError(
      'clients:\n  - url: http://x/loki/api/v1/push\n    batch_wait: 1s\nscrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [localhost]\n        lables: {a: b}\n',
    );
    assert.match(msg, /line 3: field batch_wait not found in type client\.raw/);
    assert.match(msg, /line 8: field lables not found/);
  });

  it('refuses unknown keys of the syslog receiver', () => {
    const msg = loadError('scrape_configs:\n  - job_name: s\n    syslog:\n      listen_adress: 0.0.0.0:1514\n');
    assert.match(msg, /line 4: field listen_adress not found in type scrapeconfig\.SyslogTargetConfig/);
  });

  it('expands environment references and defaults with -config.expand-env', () => {
    const text = `clients:\n  - url: \${LOKI_URL}\n    tenant_id: \${TENANT:-fallback}\n`;
    const cfg = load(text, ['-config.expand-env=true'], { LOKI_URL: 'http://loki:3100/loki/api/v1/push' });
    assert.equal(cfg.clients[0]!.url, 'http://loki:3100/loki/api/v1/push');
    assert.equal(cfg.clients[0]!.tenant_id, 'fallback');
    const literal = load(text);
    assert.equal(literal.clients[0]!.url, `\${LOKI_URL}`);
  });

  it('lets flags win over the file and adds the deprecated -client.url client', () => {
    const cfg = load(HELM, [
      '-server.http-listen-port',
      '9080',
      '--client.url=http://other/loki/api/v1/push',
      '-log.level=debug',
    ]);
    assert.equal(cfg.file.server.http_listen_port, 9080);
    assert.equal(cfg.file.server.log_level, 'debug');
    assert.deepEqual(
      cfg.clients.map((c) => c.url),
      ['http://loki-gateway/loki/api/v1/push', 'http://other/loki/api/v1/push'],
    );
    assert.equal(cfg.warnings.length, 1);
  });

  it('applies the client block external labels to every client', () => {
    const cfg = load(
      'client:\n  external_labels: {cluster: c1, env: x}\nclients:\n  - url: http://a\n    external_labels: {env: prod}\n',
    );
    assert.deepEqual(cfg.clients[0]!.external_labels, { cluster: 'c1', env: 'prod' });
  });

  it('refuses duplicate job names', () => {
    const msg = loadError(
      'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [x]}]\n  - job_name: a\n    static_configs: [{targets: [x]}]\n',
    );
    assert.equal(msg, 'found multiple scrape configs with job name "a"');
  });

  it('reports invalid relabel rules with their position', () => {
    const msg = loadError(
      'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [x]}]\n    relabel_configs:\n      - action: hashmod\n        target_label: t\n',
    );
    assert.equal(
      msg,
      'error validating config: ScrapeConfig[0].RelabelConfigs[0]: relabel configuration for hashmod requires non-zero modulus',
    );
  });

  it('decodes syslog and loki_push_api receivers', () => {
    const cfg = load(
      'scrape_configs:\n  - job_name: syslog\n    syslog:\n      listen_address: 127.0.0.1:1514\n      labels: {job: syslog}\n  - job_name: push\n    loki_push_api:\n      server:\n        http_listen_port: 3500\n      use_incoming_timestamp: true\n',
    );
    assert.equal(cfg.scrapeConfigs[0]!.kind, 'syslog');
    assert.equal(cfg.scrapeConfigs[0]!.syslog!.listen_address, '127.0.0.1:1514');
    assert.deepEqual(cfg.scrapeConfigs[0]!.syslog!.labels, { job: 'syslog' });
    assert.equal(cfg.scrapeConfigs[1]!.kind, 'push');
    assert.equal(cfg.scrapeConfigs[1]!.push!.server.http_listen_port, 3500);
    assert.equal(cfg.scrapeConfigs[1]!.push!.use_incoming_timestamp, true);
  });

  it('refuses receivers it does not implement, by name', () => {
    const msg = loadError('scrape_configs:\n  - job_name: j\n    journal:\n      max_age: 12h\n');
    assert.equal(msg, 'scrape config "j": journal is not supported by the Skald agent');
  });

  it('refuses conflicting client credentials with Prometheus wording', () => {
    assert.throws(
      () => load('clients:\n  - url: http://a\n    bearer_token: x\n    bearer_token_file: /y\n'),
      /at most one of bearer_token & bearer_token_file must be configured/,
    );
  });

  it('names a missing config file', () => {
    const cmd = parseAgentCommandLine(['-config.file=/nope.yaml']);
    assert.throws(
      () => loadAgentConfig(cmd, {}, { exists: () => false }),
      /\/nope\.yaml does not exist, set config\.file for custom config path/,
    );
  });
});
