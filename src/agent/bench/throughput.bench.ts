// Throughput benchmark of the agent (not a test).
//
//   node --import tsx src/agent/bench/throughput.bench.ts [--files 100] [--mb 200] [--line-bytes 200]
//        [--stages none|cri] [--dist dist] [--rate 0]
//
// Writes `--mb` megabytes of log lines spread over `--files` files, starts an
// agent in its own process tailing them and pushing to a loopback server
// that only counts request bytes, and waits until every line was sent. It
// reports MB/s (wall clock), MB per CPU-second of the agent process, and the
// agent's peak RSS (Linux /proc). Targets: >= 60 MB per CPU-second and
// < 100 MB RSS with 100 files. With `--dist` the agent runs from the
// compiled package as deployed (`skald agent`, through the command's entry
// point) instead of through the TypeScript loader, whose own memory would
// otherwise count against the agent. The files are
// empty when the agent starts; once it is up (and its start-up CPU counted
// out), they receive their whole content at once and the agent catches up
// as fast as it can, or, with `--rate`, they grow at that many MB/s
// (steady state). `npm run bench:agent` runs the default case from `dist/`.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '100' },
    mb: { type: 'string', default: '200' },
    'line-bytes': { type: 'string', default: '200' },
    stages: { type: 'string', default: 'none' },
    dist: { type: 'string' },
    rate: { type: 'string', default: '0' },
    'node-flags': { type: 'string', default: '' },
  },
});
const FILES = Number(args.files);
const TOTAL_BYTES = Number(args.mb) * 1024 * 1024;
const LINE_BYTES = Number(args['line-bytes']);
const CRI = args.stages === 'cri';
/** MB/s at which the files are written while the agent runs; 0 writes everything at once. */
const RATE = Number(args.rate) * 1024 * 1024;

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Peak resident set size in MB, from /proc/<pid>/status. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** The content of each file, as whole lines. */
function generateLogs(): { contents: Buffer[]; lines: number } {
  const perFile = Math.ceil(TOTAL_BYTES / FILES);
  const filler = 'abcdefghijklmnopqrstuvwxyz0123456789 '.repeat(Math.ceil(LINE_BYTES / 37) + 1);
  const contents: Buffer[] = [];
  let lines = 0;
  for (let f = 0; f < FILES; f++) {
    const parts: string[] = [];
    let size = 0;
    let n = 0;
    while (size < perFile) {
      const prefix = CRI ? `2024-01-15T10:00:00.${String(n % 1e9).padStart(9, '0')}Z stdout F ` : '';
      const body = `level=info file=${f} n=${n} msg="${filler.slice(0, Math.max(0, LINE_BYTES - prefix.length - 40))}"`;
      const line = `${prefix}${body}\n`;
      parts.push(line);
      size += line.length;
      n++;
    }
    contents.push(Buffer.from(parts.join('')));
    lines += n;
  }
  return { contents, lines };
}

/** Appends every file's content at RATE, cut at line ends, ten times a second (all at once without RATE). */
async function writeAtRate(dir: string, contents: Buffer[]): Promise<void> {
  if (RATE <= 0) {
    contents.forEach((c, f) => {
      appendFileSync(join(dir, `app-${f}.log`), c);
    });
    return;
  }
  const offsets = contents.map(() => 0);
  const perTick = Math.max(1, Math.floor(RATE / 10 / contents.length));
  for (;;) {
    const tick = performance.now();
    let pending = false;
    contents.forEach((c, f) => {
      if (offsets[f]! >= c.length) return;
      let end = Math.min(c.length, offsets[f]! + perTick);
      const nl = c.indexOf(0x0a, end - 1);
      end = nl < 0 ? c.length : nl + 1;
      appendFileSync(join(dir, `app-${f}.log`), c.subarray(offsets[f], end));
      offsets[f] = end;
      if (end < c.length) pending = true;
    });
    if (!pending) return;
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - tick))));
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function sentEntries(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let total = 0;
    for (const m of text.matchAll(/^promtail_sent_entries_total\{[^}]*\} (\S+)$/gm)) total += Number(m[1]);
    return total;
  } catch {
    return -1;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skald-bench-'));
  let received = 0;
  let requests = 0;
  const sink = createServer((req, res) => {
    req.on('data', (c: Buffer) => {
      received += c.length;
    });
    req.on('end', () => {
      requests++;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.address() as AddressInfo).port;
  try {
    const how = RATE > 0 ? `at ${args.rate} MB/s` : 'at once';
    process.stdout.write(
      `writing ${args.mb} MB to ${FILES} files ${how} (${LINE_BYTES}-byte lines${CRI ? ', CRI format' : ''})...\n`,
    );
    const { contents, lines } = generateLogs();
    const bytes = contents.reduce((n, c) => n + c.length, 0);
    for (let f = 0; f < FILES; f++) writeFileSync(join(dir, `app-${f}.log`), '');
    const stages = CRI ? '    pipeline_stages:\n      - cri: {}\n' : '';
    writeFileSync(
      join(dir, 'agent.yaml'),
      `clients:
  - url: http://127.0.0.1:${sinkPort}/loki/api/v1/push
positions:
  filename: ${dir}/positions.yaml
scrape_configs:
  - job_name: bench
${stages}    static_configs:
      - labels:
          job: bench
          __path__: ${dir}/*.log
`,
    );
    const httpPort = await freePort();
    const agentArgs = [
      `-config.file=${join(dir, 'agent.yaml')}`,
      '-server.http-listen-address=127.0.0.1',
      `-server.http-listen-port=${httpPort}`,
      '-log.level=warn',
    ];
    const runner = args.dist
      ? [join(resolve(args.dist), 'main.js'), 'agent']
      : ['--import', 'tsx', fileURLToPath(new URL('../test-agent-process.ts', import.meta.url))];
    const nodeFlags = (args['node-flags'] ?? '').split(' ').filter((f) => f !== '');
    const child = spawn(process.execPath, [...nodeFlags, ...runner, ...agentArgs], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const pid = child.pid!;
    // Wait until the agent serves /metrics: start-up (and TypeScript loading) is not measured.
    while ((await sentEntries(httpPort)) < 0) await new Promise((r) => setTimeout(r, 20));
    const cpuStart = cpuSeconds(pid);
    const wallStart = performance.now();
    const writing = writeAtRate(dir, contents);
    let sent = 0;
    while (sent < lines) {
      // Not too often: rendering /metrics costs the agent CPU too.
      await new Promise((r) => setTimeout(r, 200));
      sent = await sentEntries(httpPort);
    }
    await writing;
    const wall = (performance.now() - wallStart) / 1000;
    const cpu = cpuSeconds(pid) - cpuStart;
    const rss = peakRssMb(pid);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const mb = bytes / (1024 * 1024);
    process.stdout.write(
      [
        `lines sent:          ${lines} (${requests} requests, ${(received / 1048576).toFixed(1)} MB compressed)`,
        `wall:                ${wall.toFixed(2)} s  -> ${(mb / wall).toFixed(1)} MB/s`,
        `agent CPU:           ${cpu.toFixed(2)} s  -> ${(mb / cpu).toFixed(1)} MB per CPU-second (target >= 60)`,
        `agent peak RSS:      ${rss.toFixed(1)} MB (target < 100 with 100 files)`,
        '',
      ].join('\n'),
    );
  } finally {
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
