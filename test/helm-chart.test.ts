// Skald's Helm chart (deploy/helm/skald) against the seed's deployment: what Loki's own chart 6.6.0
// renders from the seed's values (shared/helm-seed). The chart is linted and rendered with a real
// helm; the objects a `helm upgrade` from Loki's chart must keep are compared with Loki's render;
// the rendered Loki configuration is checked by Skald itself (-verify-config); and the rendered
// gateway nginx.conf runs in a real nginx in front of real Skald write, read and backend processes
// started with the pods' command lines and the rendered configuration.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { runCanary } from '../src/canary/main.js';
import { loadConfig } from '../src/config/load.js';
import {
  S3_TEST_ACCESS_KEY_ID,
  S3_TEST_REGION,
  S3_TEST_SECRET_ACCESS_KEY,
  type S3TestServer,
  startS3Server,
} from '../src/testing/s3-server.js';
import { helm } from './helpers/helm.js';
import { get, pushProto, queryRange } from './helpers/loki-client.js';
import { type NginxProcess, startNginx } from './helpers/nginx.js';
import { freePort, ROOT } from './helpers/skald-process.js';
import { nowNs, openTail, waitFor } from './helpers/tail-client.js';

const run = promisify(execFile);
const CHART = join(ROOT, 'deploy', 'helm', 'skald');
const SEED = join(ROOT, '..', 'shared', 'helm-seed');
const SEED_VALUES = join(SEED, 'seed-values.yaml');
const BIN = join(ROOT, 'bin', 'skald.js');
/** SingleBinary mode on the filesystem, one replica (so a replication factor of 1). */
const SINGLE_BINARY =
  'deploymentMode=SingleBinary,loki.storage.type=filesystem,loki.useTestSchema=true,singleBinary.replicas=1,loki.commonConfig.replication_factor=1';
/** Loki's chart renders it for its scheduler discovery; nothing in the configuration refers to it. */
const NOT_RENDERED = new Set(['Service/loki-query-scheduler-discovery']);

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: Array<{ name: string; containerPort: number; protocol?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string } }>;
}
interface WorkloadSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  serviceName?: string;
  podManagementPolicy?: string;
  volumeClaimTemplates?: Array<{ metadata: { name: string }; spec: Record<string, unknown> }>;
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}
interface ServiceSpec {
  clusterIP?: string;
  selector?: Record<string, string>;
  ports: Array<{ name: string; port: number; targetPort: number | string; protocol?: string }>;
}

function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object' && 'kind' in o);
}

const key = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

function byKey(objects: K8sObject[]): Map<string, K8sObject> {
  return new Map(objects.map((o) => [key(o), o]));
}

function one(objects: Map<string, K8sObject>, k: string): K8sObject {
  const o = objects.get(k);
  assert.ok(o, `${k} is rendered`);
  return o;
}

const workload = (o: K8sObject): WorkloadSpec => o.spec as unknown as WorkloadSpec;
const service = (o: K8sObject): ServiceSpec => o.spec as unknown as ServiceSpec;

/** The gateway's routes: `<match> <path>` -> the upstream, "internal", or "ok" (answered by nginx). */
function nginxRoutes(conf: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const m of conf.matchAll(/location\s+(=|\^~)?\s*(\S+)\s*\{([^}]*)\}/g)) {
    const body = m[3] ?? '';
    const target =
      /proxy_pass\s+(\S+);/.exec(body)?.[1] ??
      (/\binternal;/.test(body) ? 'internal' : /return 200/.test(body) ? 'ok' : '?');
    const websocket = /proxy_set_header\s+Upgrade\s+\$http_upgrade;/.test(body) ? ' (websocket)' : '';
    routes.set(`${m[1] ?? ''} ${m[2]}`, `${target}${websocket}`);
  }
  return routes;
}

/** The Skald containers (read, write, backend) with their workloads. */
function skaldContainers(objects: K8sObject[]): Array<{ workload: string; container: Container }> {
  const out: Array<{ workload: string; container: Container }> = [];
  for (const o of objects) {
    if (o.kind !== 'StatefulSet' && o.kind !== 'Deployment') continue;
    for (const c of workload(o).template.spec.containers)
      if (c.args?.some((a) => a.startsWith('-target='))) out.push({ workload: key(o), container: c });
  }
  return out;
}

type Target = 'write' | 'read' | 'backend';

/** A Skald process started with a pod's command line and the rendered configuration. */
interface TargetProcess {
  readonly target: Target;
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;
  output: string;
}

type ConfigTree = Record<string, Record<string, unknown>>;

/**
 * The chart's rendered configuration for one process on loopback: what names cluster objects (the
 * OSS endpoint and credentials, the memberlist and compactor Services, /var/loki, the runtime
 * config's mount) is swapped for local ones, the memcached caches are left out; the rest is kept.
 */
function localConfig(
  rendered: string,
  local: { dir: string; s3: S3TestServer; http: number; grpc: number; memberlist: number; join: string[] },
  compactor: string,
  runtimeFile: string,
): string {
  const config = parse(rendered) as ConfigTree;
  const s3 = (bucket: unknown) => ({
    endpoint: local.s3.endpoint,
    bucketnames: bucket,
    access_key_id: S3_TEST_ACCESS_KEY_ID,
    secret_access_key: S3_TEST_SECRET_ACCESS_KEY,
    region: S3_TEST_REGION,
    insecure: true,
    s3forcepathstyle: true,
  });
  const common = config.common ?? {};
  const commonS3 = (common.storage as { s3: { bucketnames: string } }).s3;
  common.storage = { s3: s3(commonS3.bucketnames) };
  common.path_prefix = local.dir;
  common.compactor_address = compactor;
  const ruler = (config.ruler ?? {}) as { storage: { s3: Record<string, unknown> } };
  ruler.storage.s3 = s3(ruler.storage.s3.bucketnames);
  config.memberlist = {
    ...config.memberlist,
    bind_addr: ['127.0.0.1'],
    bind_port: local.memberlist,
    advertise_port: local.memberlist,
    join_members: local.join,
  };
  config.server = {
    ...config.server,
    http_listen_address: '127.0.0.1',
    http_listen_port: local.http,
    grpc_listen_address: '127.0.0.1',
    grpc_listen_port: local.grpc,
    log_level: 'warn',
  };
  // The ring addresses on loopback, set per ring: common.instance_addr would make the common ring
  // block explicit, and with it its kvstore (consul) rather than the memberlist join_members imply.
  config.ingester = { ...config.ingester, lifecycler: { address: '127.0.0.1', min_ready_duration: '0s' } };
  config.distributor = { ...config.distributor, ring: { instance_addr: '127.0.0.1' } };
  config.runtime_config = { file: runtimeFile };
  // No memcached here: the chunk cache and the results cache fall back to Skald's in-process ones.
  delete config.chunk_store_config;
  delete config.query_range?.results_cache;
  return stringify(config);
}

async function startTarget(
  dir: string,
  target: Target,
  args: string[],
  configText: string,
  http: number,
): Promise<TargetProcess> {
  const file = join(dir, `${target}.yaml`);
  await writeFile(file, configText);
  const child = spawn(
    process.execPath,
    [BIN, ...args.map((a) => (a.startsWith('-config.file=') ? `-config.file=${file}` : a))],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node: TargetProcess = {
    target,
    url: `http://127.0.0.1:${http}`,
    child,
    exited: new Promise((resolve) => child.once('exit', resolve)),
    output: '',
  };
  child.stdout?.on('data', (d: Buffer) => {
    node.output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    node.output += d.toString();
  });
  return node;
}

async function untilReady(node: TargetProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.child.exitCode !== null) throw new Error(`${node.target} exited:\n${node.output}`);
    try {
      const res = await fetch(`${node.url}/ready`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${node.target} not ready in time:\n${node.output}`);
}

describe('Helm chart', { timeout: 120_000 }, () => {
  let ours: K8sObject[];
  let oursByKey: Map<string, K8sObject>;
  let loki: Map<string, K8sObject>;
  let dir: string;

  before(async () => {
    assert.ok(existsSync(SEED_VALUES), `the seed's values at ${SEED_VALUES}`);
    // The release keeps Loki's release name, as a `helm upgrade` of the Loki release would.
    const { stdout } = await helm(['template', 'loki', CHART, '-f', SEED_VALUES, '-n', 'loki']);
    ours = parseManifests(stdout);
    oursByKey = byKey(ours);
    loki = byKey(parseManifests(readFileSync(join(SEED, 'rendered.yaml'), 'utf8')));
    dir = await mkdtemp(join(tmpdir(), 'skald-helm-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes helm lint with the seed values and in SingleBinary mode', async () => {
    const seed = await helm(['lint', CHART, '-f', SEED_VALUES, '--strict']);
    assert.match(seed.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    const single = await helm(['lint', CHART, '--strict', '--set', SINGLE_BINARY]);
    assert.match(single.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders under another release name and refuses what it cannot deploy', async () => {
    const { stdout } = await helm(['template', 'skald', CHART, '-f', SEED_VALUES, '-n', 'loki']);
    const names = parseManifests(stdout).map(key);
    for (const k of ['StatefulSet/skald-loki-write', 'StatefulSet/skald-loki-backend', 'Deployment/skald-loki-read'])
      assert.ok(names.includes(k), `${k} in ${names.join(', ')}`);
    // An operator's values naming Grafana's loki-canary image run it with the same flags.
    const grafana = await helm([
      'template',
      'loki',
      CHART,
      '-f',
      SEED_VALUES,
      '-n',
      'loki',
      '--set',
      'lokiCanary.image.registry=docker.io,lokiCanary.image.repository=grafana/loki-canary,lokiCanary.image.tag=3.0.0',
    ]);
    const canary = parseManifests(grafana.stdout).find((o) => key(o) === 'DaemonSet/loki-canary');
    const [container] = canary ? workload(canary).template.spec.containers : [];
    assert.equal(container?.image, 'docker.io/grafana/loki-canary:3.0.0');
    assert.equal(container?.args?.[0], '-addr=loki-gateway.loki.svc.cluster.local.:80');
    await assert.rejects(helm(['template', 'x', CHART, '-f', SEED_VALUES, '--set', 'deploymentMode=Distributed']), {
      message: /deploymentMode "Distributed" is not supported/,
    });
    await assert.rejects(helm(['template', 'x', CHART, '-f', SEED_VALUES, '--set', 'querier.replicas=2']), {
      message: /querier\.replicas must be 0/,
    });
    // One replica cannot give a push the quorum of Loki's default replication factor (3).
    await assert.rejects(
      helm(['template', 'x', CHART, '--set', SINGLE_BINARY.replace(',loki.commonConfig.replication_factor=1', '')]),
      {
        message: /replication_factor 3 needs at least 2 singleBinary replicas \(1 set\)/,
      },
    );
  });

  it("renders every object of Loki's render for the seed, under the same kind and name", () => {
    const missing = [...loki.keys()].filter((k) => !oursByKey.has(k) && !NOT_RENDERED.has(k));
    assert.deepEqual(missing, []);
    const extra = [...oursByKey.keys()].filter((k) => !loki.has(k));
    assert.deepEqual(extra, []);
    for (const k of [
      'StatefulSet/loki-write',
      'StatefulSet/loki-backend',
      'Deployment/loki-read',
      'Deployment/loki-gateway',
      'ConfigMap/loki-gateway',
      'ConfigMap/loki',
      'ConfigMap/loki-runtime',
      'Service/loki-memberlist',
      'Service/loki-write-headless',
      'StatefulSet/loki-chunks-cache',
      'StatefulSet/loki-results-cache',
      'DaemonSet/loki-canary',
    ])
      one(oursByKey, k);
  });

  it('keeps what a helm upgrade cannot change: StatefulSet and Deployment selectors, volume claims', () => {
    for (const [k, theirs] of loki) {
      if (theirs.kind !== 'StatefulSet' && theirs.kind !== 'Deployment' && theirs.kind !== 'DaemonSet') continue;
      const a = workload(theirs);
      const b = workload(one(oursByKey, k));
      assert.deepEqual(b.selector, a.selector, `${k} selector`);
      for (const [label, value] of Object.entries(a.selector.matchLabels))
        assert.equal(b.template.metadata.labels[label], value, `${k} pod label ${label}`);
      if (theirs.kind !== 'StatefulSet') continue;
      assert.equal(b.serviceName, a.serviceName, `${k} serviceName`);
      assert.equal(b.podManagementPolicy, a.podManagementPolicy, `${k} podManagementPolicy`);
      assert.deepEqual(
        (b.volumeClaimTemplates ?? []).map((v) => ({ name: v.metadata.name, spec: v.spec })),
        (a.volumeClaimTemplates ?? []).map((v) => ({ name: v.metadata.name, spec: v.spec })),
        `${k} volumeClaimTemplates`,
      );
      assert.equal(b.replicas, a.replicas, `${k} replicas`);
    }
    // The seed's persistence reaches the claims: 5Gi on alibabacloud-cnfs-nas for write and backend.
    for (const name of ['loki-write', 'loki-backend']) {
      const [claim] = workload(one(oursByKey, `StatefulSet/${name}`)).volumeClaimTemplates ?? [];
      assert.equal(claim?.metadata.name, 'data');
      assert.equal(claim?.spec.storageClassName, 'alibabacloud-cnfs-nas');
      assert.deepEqual(claim?.spec.resources, { requests: { storage: '5Gi' } });
    }
  });

  it("keeps Loki's Services: names, ports, headless-ness and selectors", () => {
    for (const [k, theirs] of loki) {
      if (theirs.kind !== 'Service' || NOT_RENDERED.has(k)) continue;
      const a = service(theirs);
      const b = service(one(oursByKey, k));
      const ports = (s: ServiceSpec) =>
        s.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol ?? 'TCP' }));
      assert.deepEqual(ports(b), ports(a), `${k} ports`);
      assert.equal(b.clusterIP, a.clusterIP, `${k} clusterIP`);
      assert.deepEqual(b.selector, a.selector, `${k} selector`);
    }
  });

  it("starts the read, write and backend containers as Loki's chart does, on Skald's image", () => {
    const containers = skaldContainers(ours);
    assert.deepEqual(containers.map((c) => c.workload).sort(), [
      'Deployment/loki-read',
      'StatefulSet/loki-backend',
      'StatefulSet/loki-write',
    ]);
    for (const { workload: k, container } of containers) {
      const theirs = workload(one(loki, k)).template.spec.containers.find((c) => c.name === container.name);
      assert.ok(theirs, `${k} has Loki's container name ${container.name}`);
      const flag = (args: string[] | undefined, name: string) => args?.find((a) => a.startsWith(`-${name}=`));
      assert.equal(flag(container.args, 'config.file'), flag(theirs.args, 'config.file'), `${k} -config.file`);
      assert.equal(flag(container.args, 'target'), flag(theirs.args, 'target'), `${k} -target`);
      assert.deepEqual(container.ports, theirs.ports, `${k} container ports`);
      // Loki's mounts, at the same paths (every Skald pod also has a writable /tmp under its
      // read-only root file system; Loki's chart gives the write pods none).
      const mounts = container.volumeMounts?.map((m) => m.mountPath) ?? [];
      for (const m of theirs.volumeMounts ?? []) assert.ok(mounts.includes(m.mountPath), `${k} mounts ${m.mountPath}`);
      assert.ok(mounts.includes('/tmp'), `${k} mounts /tmp`);
      assert.match(container.image, /^skald:/, `${k} image`);
    }
    // The gateway: nginx with its configuration and writable /tmp where Loki's chart puts them.
    const gateway = workload(one(oursByKey, 'Deployment/loki-gateway')).template.spec.containers[0];
    const lokiGateway = workload(one(loki, 'Deployment/loki-gateway')).template.spec.containers[0];
    assert.equal(gateway?.image, lokiGateway?.image);
    assert.deepEqual(gateway?.ports, lokiGateway?.ports);
    assert.deepEqual(
      gateway?.volumeMounts?.map((m) => m.mountPath).sort(),
      lokiGateway?.volumeMounts?.map((m) => m.mountPath).sort(),
    );
    const canary = workload(one(oursByKey, 'DaemonSet/loki-canary')).template.spec.containers[0];
    assert.equal(canary?.args?.[0], 'canary');
    assert.ok(canary?.args?.includes('-addr=loki-gateway.loki.svc.cluster.local.:80'), canary?.args?.join(' '));
  });

  it("renders every object as Loki's chart does, apart from the listed differences", () => {
    // What differs on purpose: the chart's own name and version, Skald's image and canary
    // subcommand, no -legacy-read-mode (Skald refuses it), a /tmp volume in every Skald pod; and
    // what means the same to Kubernetes: an empty field left out instead of null, volume order.
    const normalize = (value: unknown, path: string): unknown => {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        let items = value.map((v, i) => normalize(v, `${path}[${i}]`));
        if (path.endsWith('.args')) items = items.filter((a) => a !== '-legacy-read-mode=false' && a !== 'canary');
        if (path.endsWith('.volumes') || path.endsWith('.volumeMounts'))
          items = items
            .filter((v) => (v as { name?: string }).name !== 'tmp')
            .sort((a, b) => String((a as { name?: string }).name).localeCompare(String((b as { name?: string }).name)));
        return items;
      }
      if (typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (
          ['helm.sh/chart', 'app.kubernetes.io/version', 'checksum/config', 'image', 'data', 'stringData'].includes(k)
        )
          continue;
        const n = normalize(v, `${path}.${k}`);
        if (n !== undefined) out[k] = n;
      }
      return Object.keys(out).length === 0 && path !== '' ? undefined : out;
    };
    for (const [k, theirs] of loki) {
      if (NOT_RENDERED.has(k)) continue;
      const o = one(oursByKey, k);
      const ourSpec = normalize(o, '') as Record<string, unknown>;
      const theirSpec = normalize(theirs, '') as Record<string, unknown>;
      // enableServiceLinks: true is Kubernetes' default, which Skald's pods state.
      const template = (x: Record<string, unknown>) =>
        (x.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
      if (template(ourSpec)?.enableServiceLinks === true && template(theirSpec)?.enableServiceLinks === undefined)
        delete template(ourSpec)?.enableServiceLinks;
      assert.deepEqual(ourSpec, theirSpec, k);
    }
  });

  it("runs the chunk and results caches on memcached as Loki's chart sizes them", () => {
    for (const name of ['loki-chunks-cache', 'loki-results-cache']) {
      const k = `StatefulSet/${name}`;
      const ourPod = workload(one(oursByKey, k)).template.spec;
      const theirPod = workload(one(loki, k)).template.spec;
      const summary = (pod: PodSpec) =>
        pod.containers.map((c) => ({ name: c.name, args: c.args, ports: c.ports, image: c.image }));
      assert.deepEqual(summary(ourPod), summary(theirPod), k);
    }
  });

  it("renders the seed's Loki configuration and runtime overrides, which Skald accepts for every target", async () => {
    const config = one(oursByKey, 'ConfigMap/loki').data?.['config.yaml'];
    assert.ok(config, 'config.yaml in the loki ConfigMap');
    const expected = parse(readFileSync(join(SEED, 'loki-config.yaml'), 'utf8')) as Record<string, unknown>;
    const actual = parse(config) as Record<string, unknown>;
    // Loki's chart points the query frontend's tail proxy at a querier Service that only exists in
    // Distributed mode; Skald's chart leaves it unset (the read target tails in process).
    const frontend = expected.frontend as Record<string, unknown>;
    assert.equal(frontend.tail_proxy_url, 'http://loki-querier.loki.svc.cluster.local:3100');
    assert.deepEqual(actual, { ...expected, frontend: { ...frontend, tail_proxy_url: '' } });
    const runtime = one(oursByKey, 'ConfigMap/loki-runtime').data?.['runtime-config.yaml'];
    assert.deepEqual(parse(runtime ?? ''), parse(readFileSync(join(SEED, 'runtime-config.yaml'), 'utf8')));

    const file = join(dir, 'config.yaml');
    await writeFile(file, config);
    for (const { workload: k, container } of skaldContainers(ours)) {
      const args = (container.args ?? []).map((a) => (a.startsWith('-config.file=') ? `-config.file=${file}` : a));
      // The same command line the pod runs, with -verify-config: Skald reads and checks it, then exits.
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '-verify-config'], { cwd: dir });
      assert.match(stdout + stderr, /config is valid/, `${k}: ${stdout}${stderr}`);
      const loaded = loadConfig(args, {});
      assert.deepEqual(loaded.target, [String(args.find((a) => a.startsWith('-target='))?.slice(8))]);
      assert.equal(loaded.config.ingester.lifecycler.ring.kvstore.store, 'memberlist');
      assert.deepEqual(loaded.config.memberlist.join_members, ['loki-memberlist']);
      assert.equal(loaded.config.storage_config.aws.bucketnames, 'xxx-loki-chunks');
    }
  });

  it('renders a SingleBinary configuration that Skald accepts with -target=all', async () => {
    const { stdout } = await helm(['template', 'skald', CHART, '-n', 'logs', '--set', SINGLE_BINARY]);
    const objects = byKey(parseManifests(stdout));
    const [container] = skaldContainers([...objects.values()]);
    assert.equal(container?.workload, 'StatefulSet/skald-loki');
    assert.deepEqual(container?.container.args, ['-config.file=/etc/loki/config/config.yaml', '-target=all']);
    const file = join(dir, 'single-binary.yaml');
    await writeFile(file, one(objects, 'ConfigMap/loki').data?.['config.yaml'] ?? '');
    const result = await run(process.execPath, [BIN, `-config.file=${file}`, '-target=all', '-verify-config'], {
      cwd: dir,
    });
    assert.match(result.stdout + result.stderr, /config is valid/);
    const { config } = loadConfig([`-config.file=${file}`, '-target=all'], {});
    assert.equal(config.common.storage.filesystem.chunks_directory, '/var/loki/chunks');
    assert.equal(config.common.replication_factor, 1);
    assert.equal(config.schema_config.configs[0]?.object_store, 'filesystem');
    // A whole-file loki.config replaces the generated one; loki.structuredConfig still applies.
    const own = await helm([
      'template',
      'skald',
      CHART,
      '--set',
      SINGLE_BINARY,
      '--set-string',
      'loki.config=auth_enabled: false\nserver:\n  http_listen_port: {{ .Values.loki.server.http_listen_port }}\n',
      '--set',
      'loki.structuredConfig.server.log_level=debug',
    ]);
    const ownConfig = byKey(parseManifests(own.stdout)).get('ConfigMap/loki')?.data?.['config.yaml'];
    assert.deepEqual(parse(ownConfig ?? ''), {
      auth_enabled: false,
      server: { http_listen_port: 3100, log_level: 'debug' },
    });
  });

  it("routes the gateway's paths to the same targets as the seed's gateway", () => {
    const conf = one(oursByKey, 'ConfigMap/loki-gateway').data?.['nginx.conf'] ?? '';
    const seed = nginxRoutes(readFileSync(join(SEED, 'gateway-nginx.conf'), 'utf8'));
    assert.ok(seed.size > 20, `routes of the seed's gateway: ${seed.size}`);
    assert.deepEqual(Object.fromEntries(nginxRoutes(conf)), Object.fromEntries(seed));
  });

  describe("gateway in a real nginx in front of Skald's write, read and backend targets", () => {
    let s3: S3TestServer;
    let nginx: NginxProcess;
    const targets = new Map<Target, TargetProcess>();
    const tenant = 'helm';

    before(async () => {
      // One process per target, each started with its pod's arguments and the chart's rendered
      // configuration (made local), finding the others through memberlist as the pods do.
      s3 = await startS3Server({ buckets: ['xxx-loki-chunks', 'xxx-loki-ruler'] });
      const rendered = one(oursByKey, 'ConfigMap/loki').data?.['config.yaml'] ?? '';
      const runtimeFile = join(dir, 'runtime-config.yaml');
      await writeFile(runtimeFile, one(oursByKey, 'ConfigMap/loki-runtime').data?.['runtime-config.yaml'] ?? '');
      const ports = new Map<Target, { http: number; grpc: number; memberlist: number }>();
      for (const target of ['write', 'read', 'backend'] as const)
        ports.set(target, { http: await freePort(), grpc: await freePort(), memberlist: await freePort() });
      const port = (target: Target) => ports.get(target) ?? { http: 0, grpc: 0, memberlist: 0 };
      const seeds = [`127.0.0.1:${port('write').memberlist}`];
      const compactor = `http://127.0.0.1:${port('backend').http}`;
      // The write target first: the others join the gossip through it (the memberlist Service).
      const containers = skaldContainers(ours)
        .map(({ container }) => ({
          args: container.args ?? [],
          target: container.args?.find((a) => a.startsWith('-target='))?.slice(8) as Target,
        }))
        .sort((a, b) => Number(b.target === 'write') - Number(a.target === 'write'));
      for (const { target, args } of containers) {
        const local = { dir: join(dir, target), s3, ...port(target), join: seeds };
        const node = await startTarget(
          dir,
          target,
          args,
          localConfig(rendered, local, compactor, runtimeFile),
          port(target).http,
        );
        targets.set(target, node);
        if (target === 'write') await untilReady(node);
      }
      await Promise.all([...targets.values()].map((t) => untilReady(t)));
      // Ready once the read target sees the write target's ingester ACTIVE in the gossiped ring.
      const read = targets.get('read');
      for (const deadline = Date.now() + 20_000; ; ) {
        const res = await fetch(`${read?.url}/ring`, { headers: { Accept: 'application/json' } });
        const { shards } = (await res.json()) as { shards: Array<{ state: string }> };
        if (shards.some((x) => x.state === 'ACTIVE')) break;
        assert.ok(Date.now() < deadline, `the read target never saw an ACTIVE ingester:\n${read?.output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const conf = one(oursByKey, 'ConfigMap/loki-gateway').data?.['nginx.conf'] ?? '';
      nginx = await startNginx({
        config: (listen) => {
          // Only what ties the file to a cluster changes: the listen port, the cluster DNS
          // resolver, and the Services' host names.
          let text = conf;
          const replace = (pattern: RegExp, by: string | ((match: string, target: string) => string)) => {
            assert.match(text, pattern);
            text = typeof by === 'string' ? text.replace(pattern, by) : text.replace(pattern, by);
          };
          replace(/listen 8080;/g, `listen 127.0.0.1:${listen};`);
          replace(/\n\s*listen \[::\]:8080;/g, '');
          replace(/resolver [^;]+;/g, 'resolver 127.0.0.1;');
          replace(
            /http:\/\/loki-(read|write|backend)\.loki\.svc\.cluster\.local:3100/g,
            (_match, target: string) => `http://127.0.0.1:${port(target as Target).http}`,
          );
          return text;
        },
      });
    });
    after(async () => {
      await nginx?.stop();
      for (const t of targets.values()) if (t.child.exitCode === null) t.child.kill('SIGKILL');
      await Promise.all([...targets.values()].map((t) => t.exited));
      await s3?.stop();
    });

    it('answers its own health check', async () => {
      const res = await fetch(`${nginx.url}/`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'OK');
    });

    it('passes pushes, queries, labels and live tails through to Skald', async () => {
      const t0 = nowNs();
      const push = async (ts: bigint, line: string) => {
        const pushed = await pushProto(
          nginx.url,
          [{ labels: '{app="gateway", env="seed"}', entries: [{ ts, line }] }],
          tenant,
        );
        assert.equal(pushed.status, 204, pushed.text);
      };
      await push(t0, 'first through the gateway');
      // The tail (read target) first answers the history it queries from the write target's
      // ingester, then lines pushed from then on, which it is subscribed to over gRPC.
      const tail = await openTail(nginx.url, '{app="gateway"}', tenant, { start: String(t0 - 60_000_000_000n) });
      try {
        await waitFor(() => tail.lines.length >= 1, 5000);
        assert.equal(tail.lines[0]?.line, 'first through the gateway');
        assert.equal(tail.lines[0]?.labels.env, 'seed');
        // The subscription to the ingester may lag the history by a moment: push until a line arrives.
        let sent = 0;
        for (const deadline = Date.now() + 5000; tail.lines.length < 2 && Date.now() < deadline; ) {
          await push(t0 + BigInt(++sent), `live ${sent} through the gateway`);
          await waitFor(() => tail.lines.length >= 2, 500).catch(() => undefined);
        }
        assert.match(tail.lines[1]?.line ?? '', /^live \d+ through the gateway$/);
        await push(t0 + 1000n, 'second through the gateway');
        await waitFor(() => tail.lines.some((l) => l.line === 'second through the gateway'), 5000);
      } finally {
        tail.ws.close();
      }

      const range = await queryRange(
        nginx.url,
        { query: '{app="gateway"}', start: String(t0 - 60_000_000_000n), end: String(nowNs() + 1_000_000_000n) },
        tenant,
      );
      assert.equal(range.status, 200, range.text);
      const lines = range.json?.data.result.flatMap((s) => s.values.map(([, line]) => line)) ?? [];
      assert.equal(lines[0], 'second through the gateway');
      assert.equal(lines.at(-1), 'first through the gateway');
      const labels = await get<{ data: string[] }>(nginx.url, '/loki/api/v1/labels', {}, tenant);
      assert.equal(labels.status, 200, labels.text);
      // service_name: the seed's limits keep Loki's default discover_service_name.
      assert.deepEqual(labels.json?.data, ['app', 'env', 'service_name']);
      const values = await get<{ data: string[] }>(nginx.url, '/loki/api/v1/label/env/values', {}, tenant);
      assert.deepEqual(values.json?.data, ['seed']);
      // Another tenant sees nothing: the tenant header passes the gateway unchanged.
      const other = await get<{ data?: string[] }>(nginx.url, '/loki/api/v1/labels', {}, 'someone-else');
      assert.deepEqual(other.json?.data ?? [], []);
    });

    it("runs the canary DaemonSet's command line against the gateway: its lines come back over the tail", async () => {
      const container = workload(one(oursByKey, 'DaemonSet/loki-canary')).template.spec.containers[0];
      const [subcommand, ...rendered] = container?.args ?? [];
      assert.equal(subcommand, 'canary');
      // The pod's arguments, with the gateway's address on loopback and the pod name Kubernetes
      // would substitute; then a short interval, and the metrics on a free port.
      const args = rendered.map((a) =>
        a.startsWith('-addr=') ? `-addr=127.0.0.1:${nginx.port}` : a.replace('$(POD_NAME)', 'loki-canary-test'),
      );
      const abort = new AbortController();
      let stderr = '';
      let metricsPort = 0;
      let listening: () => void = () => undefined;
      const started = new Promise<void>((resolve) => {
        listening = resolve;
      });
      const exited = runCanary(
        [...args, '-port=0', '-interval=100ms'],
        {},
        {
          signal: abort.signal,
          stdout: { write: () => undefined },
          stderr: { write: (text: string) => (stderr += text) },
          onListening: (port) => {
            metricsPort = port;
            listening();
          },
        },
      );
      try {
        await Promise.race([started, exited]);
        assert.ok(metricsPort > 0, stderr);
        const sample = async (name: string): Promise<number> => {
          const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
          const line = text.split('\n').find((l) => l.startsWith(`${name} `));
          return Number(line?.slice(name.length + 1) ?? Number.NaN);
        };
        let received = 0;
        for (let i = 0; i < 100 && !(received >= 5); i++) {
          await new Promise((r) => setTimeout(r, 100));
          received = await sample('loki_canary_response_latency_seconds_count');
        }
        assert.ok(received >= 5, `entries back over the tail: ${received}\n${stderr}`);
        assert.ok((await sample('loki_canary_entries_total')) >= received);
      } finally {
        abort.abort();
        await exited;
      }
      // The canary pushed as the rendered tenant, into a stream named by the rendered label.
      const series = await get<{ data: Array<Record<string, string>> }>(
        nginx.url,
        '/loki/api/v1/series',
        { match: '{pod="loki-canary-test"}' },
        'self-monitoring',
      );
      assert.equal(series.status, 200, series.text);
      assert.equal(series.json?.data.length, 1);
    });

    it('passes the write and backend pages on, and keeps bare API prefixes internal', async () => {
      // Each process reports its own target in /config: the gateway sends it to the write target.
      const config = await fetch(`${nginx.url}/config`);
      assert.match(await config.text(), /^target: write$/m);
      const ring = await fetch(`${nginx.url}/ring`, { headers: { Accept: 'application/json' } });
      const shards = ((await ring.json()) as { shards: Array<{ id: string; state: string }> }).shards;
      assert.deepEqual(
        shards.map((x) => x.state),
        ['ACTIVE'],
      );
      // The ruler API answers on the backend target only.
      const rules = await fetch(`${nginx.url}/loki/api/v1/rules`, { headers: { 'X-Scope-OrgID': tenant } });
      const rulesText = await rules.text();
      assert.equal(rules.status, 404);
      assert.equal(rulesText.trim(), 'no rule groups found');
      const buildinfo = await get(nginx.url, '/loki/api/v1/status/buildinfo', {}, tenant);
      assert.equal(buildinfo.status, 200, buildinfo.text);
      for (const path of ['/loki/api/v1', '/api/prom', '/ingester']) {
        const res = await fetch(`${nginx.url}${path}`, { redirect: 'manual' });
        assert.equal(res.status, 404, path);
        await res.body?.cancel();
      }
    });
  });
});
