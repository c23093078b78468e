#!/usr/bin/env node
// Starts Skald with a benchmark configuration in a temporary directory and
// runs the shared ingest and query benchmark against it, then reports the
// bytes stored.
//
//   npm run bench [-- --phase ingest --mb 200 --streams 160 --repeat 3 --keep --discover-log-levels]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchScript = join(root, '..', 'shared', 'bench', 'bench.mjs');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const keep = args.includes('--keep');
// Level detection is off by default here because the Loki 2.9 reference figures were taken
// without it (2.9 had none); `--discover-log-levels` measures Skald with Loki 3's default (on).
const discoverLogLevels = args.includes('--discover-log-levels');

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function dirSize(dir) {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    n += st.isDirectory() ? dirSize(p) : st.size;
  }
  return n;
}

const dir = mkdtempSync(join(tmpdir(), 'skald-bench-'));
const port = await freePort();
const config = join(dir, 'config.yaml');
writeFileSync(
  config,
  `auth_enabled: true
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${port}
  log_level: warn
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
  reject_old_samples: false
  ingestion_rate_mb: 1024
  ingestion_burst_size_mb: 2048
  per_stream_rate_limit: 512MB
  per_stream_rate_limit_burst: 1024MB
  max_query_parallelism: 1024
  discover_log_levels: ${discoverLogLevels}
`,
);

// Started as the `skald` command is, with the node flags of its first line.
const server = spawn(join(root, 'bin', 'skald.js'), [`-config.file=${config}`], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/ready`)).status === 200) break;
  } catch {}
  if (i > 300) throw new Error('server did not start');
  await new Promise((r) => setTimeout(r, 100));
}
process.stderr.write(`skald pid ${server.pid} on ${url}, data in ${dir}\n`);

const res = spawnSync(
  process.execPath,
  [
    benchScript,
    opt('phase', 'all'),
    '--url',
    url,
    '--mb',
    opt('mb', '200'),
    '--streams',
    opt('streams', '160'),
    '--repeat',
    opt('repeat', '3'),
    '--pid',
    String(server.pid),
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);

await fetch(`${url}/flush`, { method: 'POST' });
const chunks = dirSize(join(dir, 'chunks'));
process.stderr.write(`stored after flush: ${(chunks / 2 ** 20).toFixed(1)} MB (chunks and index)\n`);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
if (!keep) rmSync(dir, { recursive: true, force: true });
process.exit(res.status ?? 1);
