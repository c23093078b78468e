// The OTLP handler inside a real Skald (distributor, ingester, store and
// queriers in this process), mounted on a path of its own so that the limits
// under test are this file's, whatever the application registers itself.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { compress as zstdCompress } from 'zstd-napi';
import { App } from '../../app/app.js';
import { loadConfig } from '../../config/index.js';
import { configureLogging } from '../../util/log.js';
import { EMPTY_OTLP_CONFIG } from './config.js';
import { type OtlpLimits, otlpPushHandler } from './push-handler.js';
import { attrs, encodeLogsExport, logRecord, logsExport } from './test-otlp-wire.js';

const require = createRequire(import.meta.url);
const lz4 = require('lz4-napi') as { compressFrameSync(data: Buffer): Buffer };

const PATH = '/test/otlp/v1/logs';
const MAX_RECV = 64 << 10;
const MAX_DECOMPRESSED = 256 << 10;
const TENANT = 'team-a';
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));

interface Reply {
  status: number;
  contentType: string | null;
  /** The google.rpc.Status message of an error reply. */
  message: string;
  text: string;
}

describe('otlpPushHandler', () => {
  let dir: string;
  let app: App;
  let url: string;
  let nowNs: bigint;

  before(async () => {
    configureLogging({ level: 'error' });
    process.env.SKALD_QUERY_WORKERS = '0';
    dir = await mkdtemp(join(tmpdir(), 'skald-otlp-'));
    const file = join(dir, 'config.yaml');
    await writeFile(
      file,
      `auth_enabled: true
server:
  http_listen_address: 127.0.0.1
common:
  path_prefix: ${dir}
  storage:
    filesystem:
      chunks_directory: ${dir}/chunks
      rules_directory: ${dir}/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory
schema_config:
  configs:
    - from: 2020-01-01
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
limits_config:
  max_line_size: 1000
  reject_old_samples: false
`,
    );
    const { config } = loadConfig([`-config.file=${file}`], process.env, { cwd: dir });
    app = new App({ config, targets: ['all'], port: 0 });
    const port = await app.start();
    url = `http://127.0.0.1:${port}`;
    const limits = (tenant: string): OtlpLimits => {
      if (tenant === 'broken') throw new Error('limits store unavailable');
      const base = config.limits_config;
      return tenant === 'severity-label'
        ? { ...base, otlp_config: { ...EMPTY_OTLP_CONFIG, severity_text_as_label: true } }
        : base;
    };
    app.server.router.add(
      ['POST'],
      PATH,
      otlpPushHandler({
        distributor: app.distributor!,
        tenants: { authEnabled: true },
        maxRecvMsgSize: MAX_RECV,
        maxDecompressedSize: MAX_DECOMPRESSED,
        limits,
      }),
    );
    nowNs = BigInt(Date.now()) * 1_000_000n;
  });

  after(async () => {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function post(
    body: Buffer | string,
    headers: Record<string, string>,
    tenant: string | null = TENANT,
  ): Promise<Reply> {
    const res = await fetch(url + PATH, {
      method: 'POST',
      headers: tenant === null ? headers : { 'X-Scope-OrgID': tenant, ...headers },
      body,
    });
    const raw = Buffer.from(await res.arrayBuffer());
    const isStatus = res.headers.get('content-type') === 'application/octet-stream';
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      message: isStatus ? (Status.decode(raw) as unknown as { message: string }).message : '',
      text: isStatus ? '' : raw.toString(),
    };
  }

  const proto = (encoding = '') => ({
    'Content-Type': 'application/x-protobuf',
    ...(encoding ? { 'Content-Encoding': encoding } : {}),
  });

  async function query(q: string, tenant = TENANT) {
    const qs = new URLSearchParams({
      query: q,
      start: String(nowNs - 3_600_000_000_000n),
      end: String(nowNs + 3_600_000_000_000n),
    });
    const res = await fetch(`${url}/loki/api/v1/query_range?${qs}`, { headers: { 'X-Scope-OrgID': tenant } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      data: { result: Array<{ stream: Record<string, string>; values: [string, string][] }> };
    };
    return body.data.result;
  }

  async function labelNames(tenant = TENANT): Promise<string[]> {
    const qs = new URLSearchParams({
      start: String(nowNs - 3_600_000_000_000n),
      end: String(nowNs + 3_600_000_000_000n),
    });
    const res = await fetch(`${url}/loki/api/v1/labels?${qs}`, { headers: { 'X-Scope-OrgID': tenant } });
    return ((await res.json()) as { data: string[] }).data;
  }

  it('stores a protobuf export with 204: resource attributes as labels, the rest as structured metadata', async () => {
    const req = logsExport(
      { 'service.name': 'checkout', 'k8s.namespace.name': 'shop', 'host.name': 'node-1' },
      [
        logRecord({
          timeUnixNano: nowNs,
          body: 'order placed',
          severityText: 'INFO',
          attributes: attrs({ 'order.id': '42' }),
        }),
      ],
      { name: 'shop.orders' },
    );
    const r = await post(encodeLogsExport(req), proto());
    assert.equal(r.status, 204, r.message);
    const result = await query('{service_name="checkout"}');
    assert.equal(result.length, 1);
    assert.deepEqual(result[0]!.values, [[nowNs.toString(), 'order placed']]);
    assert.deepEqual(result[0]!.stream, {
      service_name: 'checkout',
      k8s_namespace_name: 'shop',
      host_name: 'node-1',
      order_id: '42',
      severity_text: 'INFO',
      scope_name: 'shop.orders',
    });
    const names = await labelNames();
    assert.ok(names.includes('k8s_namespace_name') && names.includes('service_name'));
    assert.ok(!names.includes('host_name') && !names.includes('order_id'));
  });

  it('stores an OTLP/JSON export', async () => {
    const json = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-svc' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: String(nowNs + 1n), body: { stringValue: 'from json' } }] }],
        },
      ],
    });
    assert.equal((await post(json, { 'Content-Type': 'application/json' })).status, 204);
    assert.deepEqual((await query('{service_name="json-svc"}'))[0]!.values, [[String(nowNs + 1n), 'from json']]);
  });

  it('takes gzip, zstd and lz4 bodies', async () => {
    const encoders: Array<[string, (b: Buffer) => Buffer]> = [
      ['gzip', (b) => gzipSync(b)],
      ['zstd', (b) => zstdCompress(b)],
      ['lz4', (b) => lz4.compressFrameSync(b)],
    ];
    for (const [encoding, encode] of encoders) {
      const req = logsExport({ 'service.name': `enc-${encoding}` }, [
        logRecord({ timeUnixNano: nowNs, body: encoding }),
      ]);
      const r = await post(encode(encodeLogsExport(req)), proto(encoding));
      assert.equal(r.status, 204, `${encoding}: ${r.message}`);
      assert.deepEqual((await query(`{service_name="enc-${encoding}"}`))[0]!.values, [[nowNs.toString(), encoding]]);
    }
  });

  it('indexes severity_text for a tenant whose otlp_config asks for it', async () => {
    const req = logsExport({ 'service.name': 'sev' }, [
      logRecord({ timeUnixNano: nowNs, body: 'x', severityText: 'WARN' }),
    ]);
    assert.equal((await post(encodeLogsExport(req), proto(), 'severity-label')).status, 204);
    assert.ok((await labelNames('severity-label')).includes('severity_text'));
  });

  it('answers errors as a google.rpc.Status in an application/octet-stream body', async () => {
    const r = await post('{}', { 'Content-Type': 'text/plain' });
    assert.deepEqual(
      [r.status, r.contentType, r.message],
      [400, 'application/octet-stream', 'content type: text/plain is not supported'],
    );
  });

  it('compares the content type exactly, as Loki does', async () => {
    const withCharset = await post('{}', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.deepEqual(
      [withCharset.status, withCharset.message],
      [400, 'content type: application/json; charset=utf-8 is not supported'],
    );
    const none = await post(Buffer.from('{}'), {});
    assert.deepEqual([none.status, none.message], [400, 'content type:  is not supported']);
  });

  it('refuses an unsupported content encoding', async () => {
    const r = await post('{}', { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
    assert.deepEqual(
      [r.status, r.message],
      [400, 'unsupported content encoding br: only gzip, lz4 and zstd are supported'],
    );
  });

  it('refuses a body over max_recv_msg_size with 413', async () => {
    const r = await post(Buffer.alloc(MAX_RECV + 10, 0x20), { 'Content-Type': 'application/json' });
    assert.deepEqual(
      [r.status, r.message],
      [413, `request body too large: message size too large than max (${MAX_RECV + 1} vs ${MAX_RECV})`],
    );
  });

  it('answers a corrupt compressed body cut at the size limit with the decoder error, as Loki does', async () => {
    const r = await post(Buffer.concat([gzipSync(Buffer.alloc(10)).subarray(0, 12), Buffer.alloc(MAX_RECV)]), {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'gzip',
    });
    assert.equal(r.status, 400);
  });

  it('refuses a body that decompresses past max_decompressed_size with 413', async () => {
    const r = await post(gzipSync(Buffer.alloc(MAX_DECOMPRESSED + 100, 0x20)), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    assert.deepEqual(
      [r.status, r.message],
      [
        413,
        `request body too large: decompressed message size too large than max (${MAX_DECOMPRESSED + 1} vs ${MAX_DECOMPRESSED})`,
      ],
    );
  });

  it('refuses a malformed body with 400', async () => {
    const r = await post(Buffer.from([0x0a, 0xff, 0xff]), { 'Content-Type': 'application/x-protobuf' });
    assert.equal(r.status, 400);
    assert.match(r.message, /index out of range/);
    const j = await post('{"resourceLogs":[', { 'Content-Type': 'application/json' });
    assert.equal(j.status, 400);
  });

  it('answers an export without log records with 422', async () => {
    const r = await post(Buffer.alloc(0), { 'Content-Type': 'application/x-protobuf' });
    assert.deepEqual([r.status, r.message], [422, 'error at least one valid stream is required for ingestion']);
  });

  it('refuses an attribute whose name normalises to nothing', async () => {
    const req = logsExport({ 'service.name': 's', '': 'x' }, [logRecord({ timeUnixNano: nowNs, body: 'x' })]);
    const r = await post(encodeLogsExport(req), proto());
    assert.deepEqual([r.status, r.message], [400, 'symbolizer lookup: label name is empty']);
  });

  it('passes the distributor validation errors on, keeping the valid entries', async () => {
    const req = logsExport({ 'service.name': 'long-lines' }, [
      logRecord({ timeUnixNano: nowNs, body: 'short' }),
      logRecord({ timeUnixNano: nowNs + 1n, body: 'y'.repeat(2000) }),
    ]);
    const r = await post(encodeLogsExport(req), proto());
    assert.equal(r.status, 400);
    assert.match(r.message, /^max entry size '1000' bytes exceeded for stream '\{service_name="long-lines"\}'/);
    assert.deepEqual((await query('{service_name="long-lines"}'))[0]!.values, [[nowNs.toString(), 'short']]);
  });

  it('leaves a missing tenant to the plain-text 401 and answers an invalid one as OTLP', async () => {
    const missing = await post('{}', { 'Content-Type': 'application/json' }, null);
    assert.deepEqual([missing.status, missing.text], [401, 'no org id\n']);
    const multiple = await post('{}', { 'Content-Type': 'application/json' }, 'a|b');
    assert.deepEqual([multiple.status, multiple.message], [400, 'multiple org IDs present']);
  });

  it('answers an unexpected failure with 503 so that clients retry', async () => {
    const req = logsExport({ 'service.name': 's' }, [logRecord({ timeUnixNano: nowNs, body: 'x' })]);
    const r = await post(encodeLogsExport(req), proto(), 'broken');
    assert.deepEqual([r.status, r.message], [503, 'limits store unavailable']);
  });
});
