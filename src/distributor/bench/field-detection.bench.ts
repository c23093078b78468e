// Throughput benchmark of ingest-time level detection (not a test).
//
//   node --import tsx src/distributor/bench/field-detection.bench.ts [--passes 20] [--file HDFS]
//
// Runs FieldDetector.detect, as the distributor does after validation, over
// the loghub sample logs (16 systems, 2,000 lines each) in three shapes:
// the plain lines as they are (the keyword scan), each line wrapped in a JSON
// object with its level field last (the JSON walk, then the value match), and
// each line as a logfmt record with its level last (the logfmt scan). Entries
// start every pass without structured metadata, as most pushed lines do.
// Reports lines/s and MB/s of the median and best pass per shape (other
// processes on the machine make single passes noisy) and lines per
// CPU-second over all passes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOGHUB_DIR } from '../../testing/loghub.js';
import type { Labels } from '../../util/labels.js';
import { FieldDetector } from '../field-detection.js';
import type { PushEntry } from '../push-request.js';

const { values: args } = parseArgs({
  options: {
    passes: { type: 'string', default: '20' },
    file: { type: 'string' },
  },
});
const PASSES = Math.max(2, Number(args.passes));

const LEVELS = ['info', 'warn', 'error', 'debug'];

const plain: string[] = readdirSync(LOGHUB_DIR)
  .filter((f) => f.endsWith('_2k.log'))
  .filter((f) => args.file === undefined || f.startsWith(args.file))
  .sort()
  .flatMap((f) =>
    readFileSync(join(LOGHUB_DIR, f), 'utf8')
      .split('\n')
      .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
      .filter((l) => l !== ''),
  );
if (plain.length === 0) throw new Error(`no loghub logs found in ${LOGHUB_DIR}`);

const shapes: Array<{ name: string; lines: string[] }> = [
  { name: 'plain (keyword scan)', lines: plain },
  {
    name: 'JSON (level field last)',
    lines: plain.map((l, i) =>
      JSON.stringify({ ts: '2024-02-01T00:00:00Z', caller: 'main.go:42', msg: l, level: LEVELS[i % 4] }),
    ),
  },
  {
    name: 'logfmt (level key last)',
    lines: plain.map(
      (l, i) => `ts=2024-02-01T00:00:00Z caller=main.go:42 msg=${JSON.stringify(l)} level=${LEVELS[i % 4]}`,
    ),
  },
];

const detector = new FieldDetector({
  allow_structured_metadata: true,
  discover_log_levels: true,
  log_level_fields: [],
  log_level_from_json_max_depth: 2,
  discover_generic_fields: { fields: {} },
});
const labels: Labels = [{ name: 'service_name', value: 'bench' }];
const NO_METADATA: PushEntry['structuredMetadata'] = [];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function rate(lines: number, bytes: number, ns: number): string {
  const s = ns / 1e9;
  return `${Math.round(lines / s)
    .toLocaleString('en-US')
    .padStart(12)} lines/s ${(bytes / s / 1e6).toFixed(1).padStart(8)} MB/s`;
}

for (const shape of shapes) {
  const entries: PushEntry[] = shape.lines.map((l) => ({
    sec: 1_706_745_600,
    nanos: 0,
    line: Buffer.from(l),
    structuredMetadata: NO_METADATA,
  }));
  const bytes = entries.reduce((n, e) => n + e.line.length, 0);
  const counts = new Map<string, number>();
  const passNs: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let p = 0; p < PASSES; p++) {
    for (const e of entries) e.structuredMetadata = NO_METADATA;
    const start = process.hrtime.bigint();
    detector.detect(labels, entries);
    passNs.push(Number(process.hrtime.bigint() - start));
  }
  const cpu = process.cpuUsage(cpuStart);
  for (const e of entries) {
    const level = e.structuredMetadata[0]!.value;
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${shape.name}: ${entries.length} lines, ${(bytes / 1e6).toFixed(2)} MB per pass`);
  console.log(`  median pass  ${rate(entries.length, bytes, median(passNs))}`);
  console.log(`  best pass    ${rate(entries.length, bytes, Math.min(...passNs))}`);
  console.log(
    `  per CPU-second ${Math.round((entries.length * PASSES) / cpuSeconds)
      .toLocaleString('en-US')
      .padStart(10)} lines (all passes, including the reset between them)`,
  );
  console.log(
    `  levels: ${[...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([l, n]) => `${l} ${n}`)
      .join(', ')}`,
  );
}
console.log(`node ${process.version}`);
