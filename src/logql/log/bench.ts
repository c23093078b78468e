// Pipeline throughput, single core, lines per second:
//
//   node --import tsx src/logql/log/bench.ts [seconds-per-case]
//
// JSON and logfmt lines (~200 bytes) are generated; the pattern and regexp
// cases run over the loghub samples (../shared/data/loghub). Each case
// processes the lines and reads the result labels, as the engine does. Each
// case runs in several rounds and the best round is reported, which keeps
// the figures meaningful on a shared machine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireLoghub } from '../../testing/loghub.js';
import type { StageOptions } from './options.js';
import { compilePipeline } from './pipeline.js';
import { compileSampleExtractor, type SampleExtractorOptions } from './sample-extractor.js';

const DATA_DIR = requireLoghub();
const SECONDS = Number(process.argv[2] ?? '2');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const r = rng(1);
const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/api/v1/push', '/api/v1/query_range', '/loki/api/v1/tail', '/metrics', '/ready', '/api/v1/labels'];
const STATUSES = [200, 200, 200, 204, 301, 404, 500, 503];
const LEVELS = ['info', 'info', 'debug', 'warn', 'error'];

function jsonLine(i: number): string {
  return JSON.stringify({
    ts: `2024-05-01T12:${String(i % 60).padStart(2, '0')}:07.123456Z`,
    level: pick(LEVELS),
    method: pick(METHODS),
    path: pick(PATHS),
    status: pick(STATUSES),
    duration_ms: Math.round(r() * 5000) / 10,
    user: { id: `u${Math.floor(r() * 1e5)}`, ip: `10.${i % 255}.${(i * 7) % 255}.${(i * 13) % 255}` },
    msg: 'request served',
  });
}

function logfmtLine(i: number): string {
  return (
    `ts=2024-05-01T12:${String(i % 60).padStart(2, '0')}:07.123456Z level=${pick(LEVELS)} method=${pick(METHODS)} ` +
    `path=${pick(PATHS)} status=${pick(STATUSES)} duration=${Math.round(r() * 5000) / 10}ms ` +
    `user=u${Math.floor(r() * 1e5)} msg="request served from cache" caller=handler.go:${i % 400}`
  );
}

function loghub(prefix: string): string[] {
  const name = readdirSync(DATA_DIR).find((n) => n.startsWith(prefix) && n.endsWith('.log'));
  if (name === undefined) throw new Error(`no ${prefix} log in ${DATA_DIR}`);
  return readFileSync(join(DATA_DIR, name), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
}

const jsonLines = Array.from({ length: 4096 }, (_, i) => jsonLine(i));
const logfmtLines = Array.from({ length: 4096 }, (_, i) => logfmtLine(i));
const apacheLines = loghub('Apache');
const sshLines = loghub('OpenSSH');
const STREAM = [
  { name: 'app', value: 'api' },
  { name: 'namespace', value: 'prod' },
  { name: 'cluster', value: 'eu-west-1' },
];

type Run = (line: string) => void;

const ROUNDS = 5;

function measure(name: string, lines: readonly string[], run: Run): void {
  for (let i = 0; i < 50_000; i++) run(lines[i % lines.length]!); // warm up
  let best = 0;
  const budget = BigInt(Math.round((SECONDS / ROUNDS) * 1e9));
  for (let round = 0; round < ROUNDS; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < budget) {
      for (let i = 0; i < lines.length; i++) run(lines[i]!);
      count += lines.length;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.max(best, count / (Number(elapsed) / 1e9));
  }
  const avg = Math.round(lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0) / lines.length);
  console.log(`${name.padEnd(52)} ${(best / 1e6).toFixed(2).padStart(6)} M lines/s  (${avg} B/line)`);
}

function pipelineCase(name: string, stages: StageOptions[], lines: readonly string[]): void {
  const p = compilePipeline(stages).forStream(STREAM);
  let sink = 0;
  measure(name, lines, (line) => {
    if (p.process(line, 0n)) sink += p.labels().hash & 1;
  });
  if (sink < 0) console.log(sink);
}

function sampleCase(name: string, options: SampleExtractorOptions, lines: readonly string[]): void {
  const ex = compileSampleExtractor(options).forStream(STREAM);
  let sink = 0;
  measure(name, lines, (line) => {
    if (ex.process(line, 0n)) sink += ex.value + (ex.labels().hash & 1);
  });
  if (sink < 0) console.log(sink);
}

function parseOnlyCase(name: string, stages: StageOptions[], lines: readonly string[]): void {
  const p = compilePipeline(stages).forStream(STREAM);
  measure(name, lines, (line) => {
    p.process(line, 0n);
  });
}

console.log(`node ${process.version}, ${SECONDS}s per case\n`);
parseOnlyCase('| json (labels not read)', [{ kind: 'json' }], jsonLines);
pipelineCase('| json', [{ kind: 'json' }], jsonLines);
sampleCase(
  'sum by (status, path) (count_over_time(| json))',
  { stages: [{ kind: 'json' }], sample: { kind: 'count' }, grouping: { labels: ['status', 'path'], without: false } },
  jsonLines,
);
pipelineCase(
  '| json status, path',
  [
    {
      kind: 'json',
      params: [
        { label: 'status', expression: 'status' },
        { label: 'path', expression: 'path' },
      ],
    },
  ],
  jsonLines,
);
pipelineCase(
  '| json | status >= 500',
  [{ kind: 'json' }, { kind: 'labelFilter', filter: { kind: 'number', name: 'status', op: '>=', value: 500 } }],
  jsonLines,
);
parseOnlyCase('| logfmt (labels not read)', [{ kind: 'logfmt' }], logfmtLines);
pipelineCase('| logfmt', [{ kind: 'logfmt' }], logfmtLines);
sampleCase(
  'sum by (level) (count_over_time(| logfmt))',
  { stages: [{ kind: 'logfmt' }], sample: { kind: 'count' }, grouping: { labels: ['level'], without: false } },
  logfmtLines,
);
pipelineCase(
  '| logfmt | status >= 500 and level="error"',
  [
    { kind: 'logfmt' },
    {
      kind: 'labelFilter',
      filter: {
        kind: 'and',
        left: { kind: 'number', name: 'status', op: '>=', value: 500 },
        right: { kind: 'string', name: 'level', op: '=', value: 'error' },
      },
    },
  ],
  logfmtLines,
);
sampleCase(
  'avg_over_time(| logfmt | unwrap duration(duration))',
  {
    stages: [{ kind: 'logfmt' }],
    sample: { kind: 'unwrap', label: 'duration', conversion: 'duration' },
    grouping: { labels: [], without: false, noLabels: true },
  },
  logfmtLines,
);
pipelineCase(
  '| pattern "[<ts>] [<level>] <msg>" (Apache)',
  [{ kind: 'pattern', pattern: '[<ts>] [<level>] <msg>' }],
  apacheLines,
);
pipelineCase(
  '| pattern "<_> sshd[<pid>]: <msg>" (OpenSSH)',
  [{ kind: 'pattern', pattern: '<_> sshd[<pid>]: <msg>' }],
  sshLines,
);
pipelineCase(
  '| regexp "\\[(?P<level>\\w+)\\]" (Apache)',
  [{ kind: 'regexp', pattern: '\\[(?P<level>\\w+)\\]' }],
  apacheLines,
);
pipelineCase('| drop level (no parser)', [{ kind: 'drop', labels: [{ name: 'namespace' }] }], apacheLines);
