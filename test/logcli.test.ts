// End to end: `skald query` against a real Skald (the compiled server; run
// `npm run build` first) loaded with the shared conformance data set. Expected
// output is computed from the data set itself, independently of the server.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { humanizeBytes } from '../src/logcli/format/go-text.js';
import { runLogcli } from '../src/logcli/main.js';
import { CONFORMANCE_DIR, conformancePush } from './helpers/conformance.js';
import { pushJSON } from './helpers/loki-client.js';
import { freePort, type SkaldProcess, startSkald } from './helpers/skald-process.js';

interface DatasetStream {
  stream: Record<string, string>;
  values: Array<[string, string]>;
}

interface Row {
  labels: Record<string, string>;
  ts: bigint;
  line: string;
}

const TENANT = 'conformance';
const FROM = '2024-01-15T00:00:00Z';
const TO = '2024-01-15T02:00:00Z';
const RANGE = ['--from', FROM, '--to', TO];

function rfc3339Nano(ns: bigint): string {
  const iso = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  const frac = ns % 1_000_000_000n;
  return `${iso}${frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`}Z`;
}

function capture() {
  let text = '';
  return {
    sink: {
      write: (t: string) => {
        text += t;
        return true;
      },
    },
    text: () => text,
  };
}

describe('skald query against a running Skald', () => {
  let skald: SkaldProcess;
  let rows: Row[];
  let workDir: string;

  async function logcli(args: string[], env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
    const out = capture();
    const err = capture();
    const code = await runLogcli(
      args,
      { LOKI_ADDR: skald.url, LOKI_ORG_ID: TENANT, TZ: 'UTC', ...env },
      { stdout: out.sink, stderr: err.sink, signal },
    );
    return { code, stdout: out.text(), stderr: err.text() };
  }

  /** The data set's entries matching `match`, newest first (or oldest first). */
  function expected(match: (labels: Record<string, string>) => boolean, forward = false): Row[] {
    const selected = rows.filter((r) => match(r.labels));
    selected.sort((a, b) => (a.ts === b.ts ? 0 : a.ts < b.ts === forward ? -1 : 1));
    return selected;
  }

  const apache = (l: Record<string, string>) => l.job === 'apache';

  before(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'skald-logcli-'));
    skald = await startSkald({ authEnabled: true });
    await conformancePush(skald.url);
    const dataset = (await import(join(CONFORMANCE_DIR, 'dataset.mjs'))) as { buildDataset(): DatasetStream[] };
    rows = dataset
      .buildDataset()
      .flatMap((s) => s.values.map(([ts, line]) => ({ labels: s.stream, ts: BigInt(ts), line })));
  });

  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
    await rm(workDir, { recursive: true, force: true });
  });

  describe('query', () => {
    it('prints raw lines, newest first', async () => {
      const r = await logcli(['query', '{job="apache"}', '--limit', '5', '-o', 'raw', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const want = expected(apache).slice(0, 5);
      assert.equal(r.stdout, want.map((w) => `${w.line}\n`).join(''));
    });

    it('prints jsonl with the common labels left out and nanosecond timestamps', async () => {
      const r = await logcli(['query', '{job="apache"}', '--limit=5', '--output=jsonl', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const want = expected(apache)
        .slice(0, 5)
        .map(
          (w) =>
            `{"labels":{"host":"${w.labels.host}"},"line":${JSON.stringify(w.line)},"timestamp":"${rfc3339Nano(w.ts)}"}\n`,
        );
      assert.equal(r.stdout, want.join(''));
      assert.equal(r.stderr, '');
    });

    it('prints the default format and reports the URL and common labels on stderr', async () => {
      const r = await logcli(['query', '{job="apache"}', '--limit', '5', '-z', 'UTC', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const want = expected(apache)
        .slice(0, 5)
        .map((w) => `${rfc3339Nano(w.ts).replace(/\.\d+Z$/, 'Z')} {host="${w.labels.host}"} ${w.line.trim()}\n`);
      assert.equal(r.stdout, want.join(''));
      const lines = r.stderr.split('\n');
      const prefix = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;
      assert.match(lines[0], prefix);
      assert.equal(
        lines[0].replace(prefix, ''),
        `${skald.url}/loki/api/v1/query_range?direction=BACKWARD&end=1705284000000000000&limit=5` +
          '&query=%7Bjob%3D%22apache%22%7D&start=1705276800000000000',
      );
      assert.equal(lines[1].replace(prefix, ''), 'Common labels: {job="apache", source="loghub"}');
    });

    it('prints oldest first with --forward', async () => {
      const r = await logcli(['query', '{job="apache"}', '--limit', '4', '--forward', '-q', '-o', 'raw', ...RANGE]);
      assert.equal(
        r.stdout,
        expected(apache, true)
          .slice(0, 4)
          .map((w) => `${w.line}\n`)
          .join(''),
      );
    });

    it('pages with --batch to the same lines as one request', async () => {
      const whole = await logcli(['query', '{job="apache"}', '--limit', '100', '-q', '-o', 'jsonl', ...RANGE]);
      const paged = await logcli([
        'query',
        '{job="apache"}',
        '--limit',
        '100',
        '--batch',
        '7',
        '-o',
        'jsonl',
        ...RANGE,
      ]);
      assert.equal(paged.code, 0, paged.stderr);
      assert.equal(paged.stdout, whole.stdout);
      assert.equal(paged.stdout.split('\n').length - 1, 100);
      // Seventeen requests: 7 new lines, then 6 per request (one repeats), then the last 3.
      const requests = paged.stderr.split('\n').filter((l) => l.includes('/loki/api/v1/query_range?'));
      assert.equal(requests.length, 17);
      assert.match(requests[1], /&end=\d+&limit=7&/);
    });

    it('pages forward through the whole range with --limit 0', async () => {
      const r = await logcli([
        'query',
        '{job="apache"}',
        '--limit=0',
        '--batch=333',
        '--forward',
        '-q',
        '-o',
        'raw',
        ...RANGE,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        expected(apache, true)
          .map((w) => `${w.line}\n`)
          .join(''),
      );
    });

    it('downloads in parallel parts and merges them into the same output as one query', async () => {
      const single = await logcli(['query', '{job="apache"}', '--limit', '0', '-q', '-o', 'jsonl', ...RANGE]);
      const dir = await mkdtemp(join(workDir, 'merged-'));
      const prefix = join(dir, 'p');
      const merged = await logcli([
        'query',
        '{job="apache"}',
        '-q',
        '-o',
        'jsonl',
        '--parallel-duration=15m',
        '--parallel-max-workers=3',
        `--part-path-prefix=${prefix}`,
        '--merge-parts',
        ...RANGE,
      ]);
      assert.equal(merged.code, 0, merged.stderr);
      assert.equal(merged.stdout, single.stdout);
      assert.deepEqual(await readdir(dir), []);
    });

    it('keeps completed parts with --keep-parts and skips them on a rerun', async () => {
      const dir = await mkdtemp(join(workDir, 'keep-'));
      const args = [
        'query',
        '{job="apache"}',
        '-o',
        'raw',
        '--parallel-duration=30m',
        '--parallel-max-workers=2',
        `--part-path-prefix=${join(dir, 'p')}`,
        ...RANGE,
      ];
      const first = await logcli([...args, '-q']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, '');
      const parts = (await readdir(dir)).sort();
      assert.deepEqual(parts, [
        'p_20240115T000000_20240115T003000.part',
        'p_20240115T003000_20240115T010000.part',
        'p_20240115T010000_20240115T013000.part',
        'p_20240115T013000_20240115T020000.part',
      ]);
      const again = await logcli([...args, '--merge-parts', '--keep-parts']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(
        again.stdout,
        expected(apache)
          .map((w) => `${w.line}\n`)
          .join(''),
      );
      assert.equal((again.stderr.match(/Skip range: .* already downloaded/g) ?? []).length, 4);
      assert.deepEqual((await readdir(dir)).sort(), parts);
    });

    it('prints unordered lines when parallel jobs write to stdout', async () => {
      const r = await logcli([
        'query',
        '{job="apache"}',
        '-q',
        '-o',
        'raw',
        '--parallel-duration=20m',
        '--parallel-max-workers=4',
        ...RANGE,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const got = r.stdout.split('\n').slice(0, -1).sort();
      assert.deepEqual(
        got,
        expected(apache)
          .map((w) => w.line)
          .sort(),
      );
    });

    it('prints a metric query result as indented JSON without a final newline', async () => {
      const r = await logcli(['query', 'sum(count_over_time({job="apache"}[30m]))', '--step', '30m', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.startsWith('[\n  {\n    "metric": {},\n    "values": [\n      [\n        1705278600,\n'));
      assert.ok(r.stdout.endsWith('\n    ]\n  }\n]'));
      const parsed = JSON.parse(r.stdout) as Array<{ values: Array<[number, string]> }>;
      assert.deepEqual(
        parsed[0].values.map(([t]) => t),
        [1705278600, 1705280400, 1705282200, 1705284000],
      );
      // The four 30m windows cover the whole range once.
      const total = parsed[0].values.reduce((sum, [, v]) => sum + Number(v), 0);
      assert.equal(total, expected(apache).length);
    });

    it('writes statistics to stderr with --stats', async () => {
      const r = await logcli(['query', '{job="apache"}', '--limit', '3', '-q', '--stats', '-o', 'raw', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^Ingester\.TotalReached \t+ \d+\n/);
      assert.match(r.stderr, /\nSummary\.TotalLinesProcessed \t+ \d+\n/);
      assert.equal(r.stdout.split('\n').length - 1, 3);
    });

    it('retries a failing request and then gives up like logcli', async () => {
      const r = await logcli(['query', '{job="apache"', '--retries', '2', ...RANGE]);
      assert.equal(r.code, 1);
      const failures =
        r.stderr.match(/error response from server: parse error[\s\S]*?\(<nil>\) attempts remaining: \d/g) ?? [];
      assert.equal(failures.length, 3);
      assert.match(failures[2], /attempts remaining: 0$/);
      assert.match(r.stderr, /Query failed: run out of attempts while querying the server\n$/);
    });

    it('sends the tenant: without it the server refuses the query', async () => {
      const r = await logcli(['query', '{job="apache"}', '-q', ...RANGE], { LOKI_ORG_ID: '' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /error response from server: no org id/);
      const flag = await logcli(
        ['query', '{job="apache"}', '-q', '--limit=1', '-o', 'raw', '--org-id', TENANT, ...RANGE],
        {
          LOKI_ORG_ID: 'someone-else',
        },
      );
      assert.equal(flag.stdout, `${expected(apache)[0].line}\n`);
    });

    it('reports a server it cannot reach', async () => {
      const port = await freePort();
      const r = await logcli(['labels', '-q'], { LOKI_ADDR: `http://127.0.0.1:${port}` });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `error sending request Get "http://127\\.0\\.0\\.1:${port}/loki/api/v1/labels\\?end=\\d+&start=\\d+": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused`,
        ),
      );
      assert.match(r.stderr, /Error doing request: run out of attempts while querying the server\n$/);
    });
  });

  describe('transport options', () => {
    it('asks for compressed answers with --compress and prints the same', async () => {
      const plain = await logcli(['query', '{job="apache"}', '--limit', '50', '-q', '-o', 'jsonl', ...RANGE]);
      const compressed = await logcli([
        'query',
        '{job="apache"}',
        '--limit',
        '50',
        '-q',
        '-o',
        'jsonl',
        '--compress',
        ...RANGE,
      ]);
      assert.equal(compressed.code, 0, compressed.stderr);
      assert.equal(compressed.stdout, plain.stdout);
    });

    it('goes through --proxy-url, for queries and for the tail WebSocket', async () => {
      const proxy = await startForwardProxy();
      try {
        const r = await logcli(['labels', 'app', '-q', '--proxy-url', proxy.url, ...RANGE]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'api\nworker\n');
        const stop = new AbortController();
        const tail = logcli(['query', '{app="nothing-here"}', '-t', '-q', '--proxy-url', proxy.url], {}, stop.signal);
        for (let i = 0; i < 50 && proxy.requests.every((q) => !q.startsWith('CONNECT')); i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        stop.abort();
        assert.equal((await tail).code, 0);
        const authority = new URL(skald.url).host;
        assert.ok(proxy.requests.some((q) => q.startsWith(`GET ${skald.url}/loki/api/v1/label/app/values?`)));
        assert.ok(proxy.requests.includes(`CONNECT ${authority}`));
      } finally {
        await proxy.close();
      }
    });
  });

  describe('instant-query', () => {
    it('prints the vector as JSON', async () => {
      const r = await logcli([
        'instant-query',
        'sum by (app) (count_over_time({source="app"}[2h]))',
        '--now',
        TO,
        '-q',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const counts = new Map<string, number>();
      for (const row of rows) {
        if (row.labels.source === 'app') counts.set(row.labels.app, (counts.get(row.labels.app) ?? 0) + 1);
      }
      const got = JSON.parse(r.stdout) as Array<{ metric: { app: string } }>;
      assert.deepEqual(new Set(got.map((s) => s.metric.app)), new Set(counts.keys()));
      const want = got.map(
        ({ metric: { app } }) =>
          `  {\n    "metric": {\n      "app": "${app}"\n    },\n    "value": [\n      1705284000,\n      "${counts.get(app)}"\n    ]\n  }`,
      );
      assert.equal(r.stdout, `[\n${want.join(',\n')}\n]`);
    });
  });

  describe('labels and series', () => {
    it('lists label names and the values of a label', async () => {
      const names = await logcli(['labels', '-q', ...RANGE]);
      assert.equal(names.code, 0, names.stderr);
      const allNames = [...new Set(rows.flatMap((r) => Object.keys(r.labels)))].sort();
      assert.equal(names.stdout, allNames.map((n) => `${n}\n`).join(''));
      const jobs = await logcli(['labels', 'job', '-q', ...RANGE]);
      const allJobs = [...new Set(rows.map((r) => r.labels.job).filter((j) => j !== undefined))].sort();
      assert.equal(jobs.stdout, allJobs.map((j) => `${j}\n`).join(''));
    });

    it('logs the label request URL unless quiet', async () => {
      const r = await logcli(['labels', 'app', ...RANGE]);
      assert.match(
        r.stderr,
        /\/loki\/api\/v1\/label\/app\/values\?end=1705284000000000000&start=1705276800000000000\n$/,
      );
    });

    it('prints matching series as label sets', async () => {
      const r = await logcli(['series', '{app="api"}', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n').slice(0, -1).sort();
      assert.deepEqual(
        lines,
        [0, 1, 2].map((n) => `{app="api", format="json", namespace="shop", pod="api-${n}", source="app"}`),
      );
    });

    it('analyses label cardinality', async () => {
      const r = await logcli(['series', '{source="app"}', '--analyze-labels', '-q', ...RANGE]);
      assert.equal(
        r.stdout,
        [
          'Total Streams:  5',
          'Unique Labels:  5',
          '',
          'Label Name  Unique Values  Found In Streams',
          'pod         5              5',
          'app         2              5',
          'format      2              5',
          'namespace   1              5',
          'source      1              5',
          '',
        ].join('\n'),
      );
    });
  });

  describe('index and discovery commands', () => {
    const bytesOf = (match: (l: Record<string, string>) => boolean) =>
      expected(match).reduce((sum, r) => sum + Buffer.byteLength(r.line), 0);

    it('prints index stats for a selector', async () => {
      const r = await logcli(['stats', '{job="apache"}', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const bytes = humanizeBytes(bytesOf(apache)).replace(' ', '');
      assert.match(
        r.stdout,
        new RegExp(`^\\{\\n  bytes: ${bytes}\\n  chunks: \\d+\\n  streams: 3\\n  entries: 2000\\n\\}\\n$`),
      );
    });

    it('prints the volume of the matching streams as a vector', async () => {
      const r = await logcli(['volume', '{source="app"}', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const total = bytesOf((l) => l.source === 'app');
      assert.equal(
        r.stdout,
        `[\n  {\n    "metric": {\n      "source": "app"\n    },\n    "value": [\n      1705284000,\n      "${total}"\n    ]\n  }\n]`,
      );
    });

    it('prints the volume over time as the matrix the server answered', async () => {
      const r = await logcli(['volume_range', '{source="app"}', '--step=1h', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const qs = new URLSearchParams({
        query: '{source="app"}',
        start: '1705276800000000000',
        end: '1705284000000000000',
        limit: '30',
        step: '3600',
      });
      const answer = await fetch(`${skald.url}/loki/api/v1/index/volume_range?${qs}`, {
        headers: { 'X-Scope-OrgID': TENANT },
      });
      const body = (await answer.json()) as { data: { result: unknown } };
      assert.deepEqual(JSON.parse(r.stdout), body.data.result);
      assert.match(
        r.stdout,
        /^\[\n {2}\{\n {4}"metric": \{\n {6}"source": "app"\n {4}\},\n {4}"values": \[\n {6}\[\n {8}\d/,
      );
      assert.ok(r.stdout.endsWith('\n    ]\n  }\n]'));
    });

    it('lists detected fields, one sorted line each, or as JSON with -o raw', async () => {
      const r = await logcli(['detected-fields', '{app="api"}', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n').slice(0, -1);
      assert.deepEqual([...lines].sort(), lines);
      assert.ok(lines.some((l) => /^label: status\t\ttype: int\t\tcardinality: \d+$/.test(l)));
      assert.ok(lines.some((l) => /^label: level\t\ttype: string\t\tcardinality: \d+$/.test(l)));
      const raw = await logcli(['detected-fields', '{app="api"}', '-q', '-o', 'raw', ...RANGE]);
      const parsed = JSON.parse(raw.stdout) as { fields: Array<{ label: string; parsers: string[] }> };
      assert.ok(raw.stdout.endsWith('}\n'));
      assert.deepEqual(parsed.fields.find((f) => f.label === 'status')?.parsers, ['json']);
    });

    it('lists the values of one detected field', async () => {
      const r = await logcli(['detected-fields', '{app="api"}', 'level', '-q', ...RANGE]);
      assert.equal(r.code, 0, r.stderr);
      const levels = new Set(
        expected((l) => l.app === 'api').map((w) => (JSON.parse(w.line) as { level: string }).level),
      );
      const got = r.stdout.split('\n').slice(0, -1);
      assert.deepEqual(got, [...got].sort());
      assert.ok(got.length > 0 && got.every((v) => levels.has(v)));
    });
  });

  describe('tail', () => {
    it('follows entries over the WebSocket until interrupted', async () => {
      const stop = new AbortController();
      const out = capture();
      const err = capture();
      const running = runLogcli(
        ['query', '{app="logcli-tail"}', '--tail', '-q', '-o', 'raw', '--since=1m'],
        { LOKI_ADDR: skald.url, LOKI_ORG_ID: TENANT },
        { stdout: out.sink, stderr: err.sink, signal: stop.signal },
      );
      // The tail replays entries since --since, so the push may come before or after it connects.
      const base = BigInt(Date.now()) * 1_000_000n;
      const values = ['first', 'second', 'third'].map((line, k) => [String(base + BigInt(k)), line]);
      const pushed = await pushJSON(skald.url, { streams: [{ stream: { app: 'logcli-tail' }, values }] }, TENANT);
      assert.equal(pushed.status, 204, pushed.text);
      for (let i = 0; i < 100 && !out.text().includes('third'); i++) await new Promise((r) => setTimeout(r, 100));
      stop.abort();
      assert.equal(await running, 0, err.text());
      assert.equal(out.text(), 'first\nsecond\nthird\n');
      assert.equal(err.text(), '');
    });
  });

  describe('tail across a server crash', () => {
    it('reconnects from the last entry received and goes on printing', async () => {
      let server = await startSkald();
      const stop = new AbortController();
      const out = capture();
      const err = capture();
      try {
        const running = runLogcli(
          ['query', '{app="reconnect"}', '--tail', '-o', 'raw', '--since=1m'],
          { LOKI_ADDR: server.url },
          { stdout: out.sink, stderr: err.sink, signal: stop.signal },
        );
        const waitFor = async (text: string) => {
          for (let i = 0; i < 200 && !out.text().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
          assert.ok(out.text().includes(text), `no "${text}" in ${JSON.stringify(out.text())}`);
        };
        const push = (line: string) =>
          pushJSON(server.url, {
            streams: [{ stream: { app: 'reconnect' }, values: [[String(BigInt(Date.now()) * 1_000_000n), line]] }],
          });
        await push('before');
        await waitFor('before');
        await server.kill();
        server = await startSkald({ dataDir: server.dataDir, port: server.port });
        // The tail may reconnect before or after this push; either way it replays it.
        await push('after');
        await waitFor('after');
        stop.abort();
        assert.equal(await running, 0, err.text());
        assert.ok(out.text().startsWith('before\n') && out.text().endsWith('after\n'), out.text());
        assert.match(
          err.text(),
          /Remote websocket connection closed unexpectedly \(websocket: close 1006 \(abnormal closure\): unexpected EOF\)\. Connecting again\.\n/,
        );
      } finally {
        stop.abort();
        await server.stop();
        await server.cleanup();
      }
    });
  });

  describe('fmt', () => {
    it('prints a query from stdin in the multi-line form', async () => {
      const out = capture();
      const err = capture();
      const stdin = (async function* () {
        yield Buffer.from('count_over_time({app="api"}[5m])');
      })();
      const code = await runLogcli(['fmt'], {}, { stdout: out.sink, stderr: err.sink, stdin });
      assert.equal(code, 0, err.text());
      assert.equal(out.text(), 'count_over_time({app="api"}[5m])\n');
    });
  });
});

/** A minimal forward proxy (absolute-URI requests and CONNECT tunnels) that records what it is asked. */
async function startForwardProxy(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
