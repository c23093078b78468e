// JIT warm-up. The per-line code of the engine (JSON and logfmt parsing,
// label filters, templates, line filters) reaches its optimised form only
// after V8 has seen it run for a while; in a fresh thread the first queries
// otherwise pay for that, several times over when every core is busy. Each
// query thread runs a few representative queries over synthetic lines once at
// start-up, which costs a fraction of a second of CPU.

import { memoryChunkHandle, type StreamData } from '../../querier/sources.js';
import { MemChunk } from '../../storage/chunk/chunk.js';
import { Codec } from '../../storage/chunk/compression.js';
import { labelsFromRecord, labelsToString } from '../../util/labels.js';
import type { LogSelectorExpr, RangeAggregationExpr, VectorAggregationExpr } from '../syntax/ast.js';
import { parseExpr } from '../syntax/index.js';
import { type PipelineCompiler, scanLogStreams } from './log-query.js';
import { scanRangeStreams } from './metric-query.js';
import { QueryStats } from './stats.js';

const BASE_SEC = 1_700_000_000;
const LINES = 6_000;
const PATHS = ['/api/users', '/api/orders', '/health', '/api/login'];
const LEVELS = ['debug', 'info', 'warn', 'error'];

function syntheticStream(kind: 'json' | 'logfmt' | 'text'): StreamData {
  const chunk = new MemChunk(Codec.Zstd, 256 * 1024, 0, BASE_SEC);
  for (let i = 0; i < LINES; i++) {
    const level = LEVELS[i % 4]!;
    const path = PATHS[i % 3]!;
    const status = i % 10 === 0 ? 500 : 200;
    let line: string;
    if (kind === 'json') {
      line = `{"ts":"2024-01-01T00:00:00Z","level":"${level}","method":"GET","path":"${path}","status":${status},"duration_ms":${i % 997}.5,"bytes":${i * 7},"req":{"ip":"10.0.${i % 256}.1"}}`;
    } else if (kind === 'logfmt') {
      line = `level=${level} msg="handled request" path=${path} status=${status} duration=${i % 997}ms size=${i % 50}KB`;
    } else {
      line = `2024-01-01T00:00:00Z ${level.toUpperCase()} worker-${i % 7} processed block blk_${i} from 10.0.${i % 256}.1 in ${i % 997} ms`;
    }
    chunk.append(chunk.offsetOf(BASE_SEC + Math.floor(i / 10), (i % 10) * 1000), Buffer.from(line), []);
  }
  const labels = labelsFromRecord({ app: 'warm-up', kind });
  return { labels, key: labelsToString(labels), fp: '0', chunks: [memoryChunkHandle(chunk, undefined)] };
}

const LOG_QUERIES = [
  '{app="warm-up"} |= "error"',
  '{app="warm-up"} |~ "(?i)(error|fail)" | json | status >= 500 | line_format "{{.method}} {{.path}}"',
  '{app="warm-up"} | logfmt | level="error" or duration > 10ms',
  '{app="warm-up"} | pattern "<_> <level> <_>" | level != "debug"',
];
const METRIC_QUERIES = [
  'sum by (path) (count_over_time({app="warm-up"} | json | status >= 500 [1m]))',
  'sum by (level) (rate({app="warm-up"} | logfmt [1m]))',
  'avg_over_time({app="warm-up"} | json | unwrap duration_ms [1m]) by (path)',
  'sum(count_over_time({app="warm-up"} |~ "(?i)(error|fail)" [1m]))',
];

export async function warmUpEngine(compilePipeline: PipelineCompiler): Promise<void> {
  const streams = [syntheticStream('json'), syntheticStream('logfmt'), syntheticStream('text')];
  const ctx = { stats: new QueryStats(), signal: new AbortController().signal, compilePipeline };
  const startNs = BigInt(BASE_SEC) * 1_000_000_000n;
  const endNs = startNs + BigInt(LINES / 10 + 1) * 1_000_000_000n;
  for (const q of LOG_QUERIES) {
    const selector = parseExpr(q) as LogSelectorExpr;
    await scanLogStreams(
      streams,
      { tenant: 'warm-up', selector, startNs, endNs, limit: 100, direction: 'backward' },
      ctx,
    );
  }
  const grid = { startNs, stepNs: 60_000_000_000n, steps: Math.ceil(LINES / 10 / 60) + 1 };
  for (const q of METRIC_QUERIES) {
    const expr = parseExpr(q) as VectorAggregationExpr | RangeAggregationExpr;
    const node = expr.kind === 'vector_agg' ? (expr.expr as RangeAggregationExpr) : expr;
    const grouping = expr.kind === 'vector_agg' ? expr.grouping : node.grouping;
    await scanRangeStreams(streams, node, grouping, grid, ctx);
  }
}
