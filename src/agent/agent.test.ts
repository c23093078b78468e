import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FAST_FLAGS, type RunningAgent, startAgent } from './test-agent.js';
import { type KubeServer, makePod, startKubeServer } from './test-kube-server.js';
import { type PushServer, startPushServer } from './test-push-server.js';
import { eventually, sleep } from './test-support.js';

function staticConfig(dir: string, pushUrl: string, extra = ''): string {
  return `
clients:
  - url: ${pushUrl}
    batchwait: 50ms
positions:
  filename: ${dir}/positions.yaml
scrape_configs:
  - job_name: varlogs
    static_configs:
      - targets: [localhost]
        labels:
          job: varlogs
          __path__: ${dir}/logs/*.log
${extra}`;
}

describe('the agent shipping files', () => {
  let dir: string;
  let loki: PushServer;
  let running: RunningAgent | undefined;

  before(async () => {
    loki = await startPushServer();
  });
  after(async () => {
    await loki.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skald-agent-'));
    mkdirSync(join(dir, 'logs'));
    loki.reset();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships lines with the target labels and reports readiness and metrics', async () => {
    running = await startAgent(dir, staticConfig(dir, loki.url));
    assert.equal((await running.get('/ready')).status, 500, 'nothing to tail yet');
    assert.match((await running.get('/ready')).body, /Not ready: Unable to find any logs to tail/);
    const file = join(dir, 'logs', 'app.log');
    writeFileSync(file, 'hello\nworld\n');
    await eventually(() => loki.lines().length === 2, 5000, 'two lines');
    assert.deepEqual(loki.lines(), [
      { labels: `{filename="${file}", job="varlogs"}`, line: 'hello' },
      { labels: `{filename="${file}", job="varlogs"}`, line: 'world' },
    ]);
    assert.equal((await running.get('/ready')).body, 'Ready');
    const metrics = (await running.get('/metrics')).body;
    assert.match(metrics, new RegExp(`promtail_read_lines_total\\{path="${file}"\\} 2`));
    assert.match(metrics, /promtail_sent_entries_total\{host="127\.0\.0\.1:\d+"\} 2/);
    assert.match(metrics, /promtail_files_active_total 1/);
    assert.match(metrics, /promtail_targets_active_total 1/);
    assert.match((await running.get('/config')).body, /job_name: varlogs/);
  });

  it('runs the pipeline, including custom metrics on /metrics', async () => {
    const stages = `    pipeline_stages:
      - regex:
          expression: 'level=(?P<level>\\w+)'
      - labels:
          level:
      - metrics:
          lines_by_level_total:
            type: Counter
            description: lines per level
            source: level
            config:
              action: inc
`;
    running = await startAgent(dir, staticConfig(dir, loki.url, stages));
    writeFileSync(join(dir, 'logs', 'a.log'), 'level=info a\nlevel=warn b\nlevel=info c\n');
    await eventually(() => loki.lines().length === 3, 5000);
    assert.ok(loki.lines().every((l) => /level="(info|warn)"/.test(l.labels)));
    const metrics = (await running.get('/metrics')).body;
    assert.match(metrics, /promtail_custom_lines_by_level_total\{[^}]*level="info"[^}]*\} 2/);
  });

  it('resumes after a restart without resending or losing lines', async () => {
    const file = join(dir, 'logs', 'app.log');
    writeFileSync(file, 'one\ntwo\n');
    running = await startAgent(dir, staticConfig(dir, loki.url));
    await eventually(() => loki.lines().length === 2, 5000);
    assert.equal(await running.stop(), 0);
    running = undefined;
    assert.match(readFileSync(join(dir, 'positions.yaml'), 'utf8'), /app\.log: "8"/);
    appendFileSync(file, 'three\n');
    running = await startAgent(dir, staticConfig(dir, loki.url));
    await eventually(() => loki.lines().length === 3, 5000);
    await sleep(200);
    assert.deepEqual(
      loki.lines().map((l) => l.line),
      ['one', 'two', 'three'],
    );
  });

  it('keeps the position behind lines the server has not accepted', async () => {
    loki.respondWith(...Array<number>(1000).fill(503));
    const file = join(dir, 'logs', 'app.log');
    writeFileSync(file, 'must not be lost\n');
    running = await startAgent(dir, staticConfig(dir, loki.url));
    await eventually(() => loki.pushes.length >= 1, 5000, 'a failed push');
    await sleep(300);
    const positions = readFileSync(join(dir, 'positions.yaml'), 'utf8');
    assert.match(positions, /app\.log: "0"/);
  });

  it('loses nothing when killed with SIGKILL while pushes fail', async () => {
    const file = join(dir, 'logs', 'app.log');
    const lines = Array.from({ length: 200 }, (_, i) => `line ${String(i).padStart(3, '0')}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      staticConfig(dir, loki.url).replace('batchwait: 50ms', 'batchwait: 20ms\n    batchsize: 500'),
    );
    const spawnAgent = () =>
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('test-agent-process.ts', import.meta.url)),
          `-config.file=${config}`,
          ...FAST_FLAGS,
        ],
        {
          stdio: 'ignore',
        },
      );
    // The first pushes are accepted, then the server fails until the agent is killed.
    loki.respondWith(204, 204, ...Array<number>(10_000).fill(503));
    const first = spawnAgent();
    await eventually(() => loki.pushes.filter((p) => p.status === 503).length >= 3, 15_000, 'failing pushes');
    await sleep(300); // a positions sync happens meanwhile
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    loki.reset();
    const second = spawnAgent();
    try {
      await eventually(
        () => loki.lines().length >= 1 && new Set(loki.lines().map((l) => l.line)).has('line 199'),
        15_000,
        'the rest',
      );
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
    const resent = loki.lines().map((l) => l.line);
    // Everything not accepted before the kill arrives after the restart, in order.
    const firstResent = lines.indexOf(resent[0]!);
    assert.ok(firstResent > 0, 'accepted lines are not sent again');
    assert.deepEqual(resent, lines.slice(firstResent));
  });

  it('prints entries instead of sending them in a dry run, leaving positions alone', async () => {
    writeFileSync(join(dir, 'logs', 'a.log'), 'dry\n');
    running = await startAgent(dir, staticConfig(dir, loki.url), ['-dry-run']);
    await eventually(() => running!.stdout.join('').includes('\tdry\n'), 5000);
    const out = running.stdout.join('');
    assert.match(out, /^Clients configured:\n/);
    assert.match(
      out,
      /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{4}\t\{filename=".*a\.log", job="varlogs"\}\tdry\n/,
    );
    await running.stop();
    running = undefined;
    assert.equal(loki.pushes.length, 0);
    assert.equal(existsSync(join(dir, 'positions.yaml')), false);
  });
});

describe('the agent with Kubernetes pod discovery (Helm chart configuration)', () => {
  let dir: string;
  let loki: PushServer;
  let kube: KubeServer;
  let running: RunningAgent | undefined;

  /** Writes a CRI log file where the kubelet would, below the test's pods directory. */
  function podLog(namespace: string, pod: string, uid: string, container: string, lines: string[]): string {
    const d = join(dir, 'pods', `${namespace}_${pod}_${uid}`, container);
    mkdirSync(d, { recursive: true });
    const file = join(d, '0.log');
    appendFileSync(file, lines.map((l) => `2024-01-15T10:00:00.000000001Z stdout F ${l}\n`).join(''));
    return file;
  }

  function helmConfig(): string {
    const helm = readFileSync(new URL('testdata/helm-promtail.yaml', import.meta.url), 'utf8');
    return helm
      .replaceAll('/var/log/pods/', `${dir}/pods/`)
      .replace('http://loki-gateway/loki/api/v1/push', `${loki.url}\n    batchwait: 50ms`)
      .replace('/run/promtail/positions.yaml', `${dir}/positions.yaml`)
      .replace('http_listen_port: 3101', 'http_listen_port: 0')
      .replace('      - role: pod', `      - role: pod\n        api_server: ${kube.url}`);
  }

  before(async () => {
    loki = await startPushServer();
  });
  after(async () => {
    await loki.close();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skald-k8s-'));
    loki.reset();
    kube = await startKubeServer([
      makePod('default', 'web-1', {
        uid: 'uid-web-1',
        metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
        spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] },
      }),
    ]);
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tails the pods of its node, follows pods added and deleted later', async () => {
    const web = podLog('default', 'web-1', 'uid-web-1', 'nginx', ['GET /']);
    podLog('default', 'other-node', 'uid-other', 'main', ['not ours']);
    kube.addPod(makePod('default', 'other-node', { uid: 'uid-other', node: 'node-2' }));
    running = await startAgent(dir, helmConfig(), [], { HOSTNAME: 'node-1' });

    await eventually(() => loki.lines().length === 1, 5000, 'the first pod line');
    assert.deepEqual(loki.lines()[0], {
      labels: `{app="web", container="nginx", filename="${web}", job="default/web", namespace="default", node_name="node-1", pod="web-1", stream="stdout"}`,
      line: 'GET /',
    });
    const push = loki.pushes.find((p) => p.status < 300)!;
    assert.equal(push.streams[0]!.entries[0]!.seconds, BigInt(Date.UTC(2024, 0, 15, 10) / 1000));
    assert.equal(push.streams[0]!.entries[0]!.nanos, 1);

    podLog('kube-system', 'dns-1', 'uid-dns-1', 'coredns', ['query']);
    kube.addPod(
      makePod('kube-system', 'dns-1', {
        uid: 'uid-dns-1',
        metadata: { name: 'dns-1', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'dns' } },
        spec: { nodeName: 'node-1', containers: [{ name: 'coredns', image: 'coredns' }] },
      }),
    );
    await eventually(() => loki.lines().some((l) => l.line === 'query'), 5000, 'the added pod line');
    assert.match(loki.lines().find((l) => l.line === 'query')!.labels, /job="kube-system\/dns"/);

    kube.deletePod('default', 'web-1');
    await eventually(async () => /promtail_targets_active_total 1/.test((await running!.get('/metrics')).body), 5000);
    appendFileSync(web, '2024-01-15T10:00:01.000000000Z stdout F after deletion\n');
    await sleep(300);
    assert.equal(
      loki.lines().some((l) => l.line === 'after deletion'),
      false,
    );
    assert.equal(
      loki.lines().some((l) => l.line === 'not ours'),
      false,
    );
  });
});
