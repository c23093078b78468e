// Throughput benchmark of pattern detection on the push path (not a test).
//
//   node --import tsx src/pattern/bench/throughput.bench.ts [--passes 20] [--file HDFS] [--strings]
//
// Feeds the loghub sample logs (16 systems, 2,000 lines each, from
// ../shared/data/loghub next to the repository) to one PatternDetector, one
// stream per system, as the push path would: `observeEntry` with the line's
// bytes, seconds and nanoseconds and a `detected_level` (or, with
// `--strings`, `observe` with a bigint timestamp and the line's text), with
// timestamps 10ms apart. The first pass creates the clusters;
// later passes measure the steady state, where lines match known clusters.
// Reports lines/s and MB/s for the first pass, and for the steady state as
// the median and the best pass (other processes on the machine make single
// passes noisy), plus lines per CPU-second over all steady passes and the
// median rate per system.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { labelsToString } from '../../util/labels.js';
import { PatternDetector } from '../pattern-detector.js';

const { values: args } = parseArgs({
  options: {
    passes: { type: 'string', default: '20' },
    file: { type: 'string' },
    strings: { type: 'boolean', default: false },
  },
});
const PASSES = Math.max(2, Number(args.passes));

const loghub = fileURLToPath(new URL('../../../../shared/data/loghub/', import.meta.url));

interface System {
  name: string;
  key: string;
  labels: { name: string; value: string }[];
  lines: string[];
  buffers: Buffer[];
  bytes: number;
}

const systems: System[] = readdirSync(loghub)
  .filter((f) => f.endsWith('_2k.log'))
  .filter((f) => args.file === undefined || f.startsWith(args.file))
  .sort()
  .map((f) => {
    const name = f.replace(/_2k\.log$/, '');
    const lines = readFileSync(join(loghub, f), 'utf8')
      .split('\n')
      .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
      .filter((l) => l !== '');
    const labels = [{ name: 'service_name', value: name }];
    const buffers = lines.map((l) => Buffer.from(l));
    return { name, key: labelsToString(labels), labels, lines, buffers, bytes: Buffer.byteLength(lines.join('')) };
  });
if (systems.length === 0) throw new Error(`no loghub logs found in ${loghub}`);

const detector = new PatternDetector();
const level = [{ name: 'detected_level', value: 'info' }];
let tsNs = BigInt(Date.now()) * 1_000_000n;
let tsMs = Date.now();
const perSystemNs = new Map<string, number[]>();

/** One pass over every system; returns its wall time in ns. */
function pass(): number {
  const passStart = process.hrtime.bigint();
  for (const s of systems) {
    const start = process.hrtime.bigint();
    if (args.strings) {
      for (const line of s.lines) {
        detector.observe('bench', s.key, s.labels, tsNs, line, 'info');
        tsNs += 10_000_000n;
      }
    } else {
      for (const line of s.buffers) {
        const sec = Math.floor(tsMs / 1000);
        detector.observeEntry('bench', s.key, s.labels, {
          sec,
          nanos: (tsMs - sec * 1000) * 1_000_000,
          line,
          structuredMetadata: level,
        });
        tsMs += 10;
      }
    }
    const times = perSystemNs.get(s.name) ?? [];
    times.push(Number(process.hrtime.bigint() - start));
    perSystemNs.set(s.name, times);
  }
  return Number(process.hrtime.bigint() - passStart);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const linesPerPass = systems.reduce((n, s) => n + s.lines.length, 0);
const bytesPerPass = systems.reduce((n, s) => n + s.bytes, 0);

function report(label: string, ns: number): void {
  const seconds = ns / 1e9;
  const lines = linesPerPass / seconds;
  const mb = bytesPerPass / seconds / 1e6;
  console.log(
    `${label.padEnd(28)} ${Math.round(lines).toLocaleString('en-US').padStart(12)} lines/s ${mb.toFixed(1).padStart(8)} MB/s`,
  );
}

report('first pass (cold clusters)', pass());
perSystemNs.clear();

const passNs: number[] = [];
const cpuStart = process.cpuUsage();
for (let i = 1; i < PASSES; i++) passNs.push(pass());
const cpu = process.cpuUsage(cpuStart);
report(`steady state, median pass`, median(passNs));
report(`steady state, best pass`, Math.min(...passNs));
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `${'steady state, per CPU-second'.padEnd(28)} ${Math.round((linesPerPass * passNs.length) / cpuSeconds)
    .toLocaleString('en-US')
    .padStart(12)} lines`,
);

console.log('\nsteady state per system (median pass):');
for (const s of systems) {
  const lines = s.lines.length / (median(perSystemNs.get(s.name)!) / 1e9);
  console.log(`  ${s.name.padEnd(12)} ${Math.round(lines).toLocaleString('en-US').padStart(12)} lines/s`);
}
console.log(`\n${linesPerPass} lines, ${(bytesPerPass / 1e6).toFixed(2)} MB per pass; node ${process.version}`);
