// Query fuzzing against a running server: 10,000 generated and mutated LogQL
// queries, valid and invalid. Every answer must be a success or a client
// error (never a 5xx), arrive before the query timeout, and leave the server
// up.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFORMANCE_DIR, conformancePush } from './helpers/conformance.js';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

const TOTAL = 10_000;
const CONCURRENCY = 8;
const QUERY_TIMEOUT_S = 10;
const START = '1705276800000000000';
const END = '1705284000000000000';

/** mulberry32: a small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SELECTORS = [
  '{job="apache"}',
  '{source="loghub"}',
  '{app="api"}',
  '{app="worker"}',
  '{job=~"h.*", host!="host-1"}',
  '{namespace="shop", pod=~"worker-.*"}',
  '{job!~"a.*", source="loghub"}',
  '{nonexistent="x"}',
];
const STAGES = [
  '|= "error"',
  '!= "INFO"',
  '|~ "(?i)fail"',
  '!~ "^\\\\d+"',
  '|= ip("10.0.0.0/8")',
  '|> "<_> error <_>"',
  '| json',
  '| json status, method',
  '| json ip="req.ip"',
  '| logfmt',
  '| logfmt --strict',
  '| regexp "(?P<word>\\\\w+)"',
  '| pattern "<_> <level> <_>"',
  '| unpack',
  '| status >= 500',
  '| level="error" or duration > 1s',
  '| size > 20KB',
  '| __error__=""',
  '| line_format "{{.level}} {{ __line__ | trunc 10 }}"',
  '| label_format lvl=level',
  '| label_format x=`{{ .method | upper }}`',
  '| drop level',
  '| keep status, level',
  '| decolorize',
];
const RANGE_OPS = ['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'absent_over_time'];
const UNWRAP_OPS = [
  'sum_over_time',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'first_over_time',
  'last_over_time',
  'rate_counter',
];
const VECTOR_OPS = ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'sort', 'sort_desc'];
const DURATIONS = ['1m', '5m', '30s', '1h', '10m', '1ms', '2d'];
const BIN_OPS = ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless', '> bool'];
const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '|',
  '|=',
  '!=',
  '=~',
  '"',
  '`',
  ',',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'offset',
  'unwrap',
  '1e309',
  '-1',
  '0',
  'NaN',
  '5m',
  'sum',
  'json',
  '\\',
  '\n',
  '日本',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function logExpr(r: () => number): string {
  let q = pick(r, SELECTORS);
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) q += ` ${pick(r, STAGES)}`;
  return q;
}

function sampleExpr(r: () => number, depth: number): string {
  const kind = depth > 2 ? 0 : Math.floor(r() * 6);
  switch (kind) {
    case 0:
    case 1: {
      const unwrap = r() < 0.3;
      const op = unwrap ? pick(r, UNWRAP_OPS) : pick(r, RANGE_OPS);
      const inner = unwrap
        ? `${logExpr(r)} | logfmt | unwrap ${pick(r, ['duration', 'bytes', 'attempt', 'duration(duration)', 'bytes(size)'])}`
        : logExpr(r);
      const offset = r() < 0.2 ? ` offset ${pick(r, DURATIONS)}` : '';
      const grouping = unwrap && r() < 0.3 ? ' by (pod)' : '';
      return `${op}(${inner} [${pick(r, DURATIONS)}]${offset})${grouping}`;
    }
    case 2: {
      const op = pick(r, VECTOR_OPS);
      const grouping = r() < 0.5 ? ` by (${pick(r, ['job', 'host', 'level', 'job, host'])})` : '';
      return `${op}${grouping} (${sampleExpr(r, depth + 1)})`;
    }
    case 3:
      return `${pick(r, ['topk', 'bottomk'])}(${1 + Math.floor(r() * 5)}, ${sampleExpr(r, depth + 1)})`;
    case 4:
      return `${sampleExpr(r, depth + 1)} ${pick(r, BIN_OPS)} ${r() < 0.5 ? String(Math.floor(r() * 100)) : sampleExpr(r, depth + 1)}`;
    default:
      return r() < 0.5
        ? `vector(${Math.floor(r() * 10)})`
        : `label_replace(${sampleExpr(r, depth + 1)}, "dst", "$1", "job", "(.*)")`;
  }
}

function mutate(r: () => number, q: string): string {
  const chars = [...q];
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (chars.length + 1));
    switch (Math.floor(r() * 4)) {
      case 0:
        chars.splice(at, 1);
        break;
      case 1:
        chars.splice(at, 0, pick(r, TOKENS));
        break;
      case 2:
        chars.splice(at, chars.length);
        break;
      default: {
        const other = Math.floor(r() * chars.length);
        [chars[at], chars[other]] = [chars[other]!, chars[at]!];
      }
    }
  }
  return chars.join('');
}

function corpus(): string[] {
  const cases = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'cases.json'), 'utf8')) as Array<{
    params: { query?: string };
  }>;
  return cases.map((c) => c.params.query ?? '').filter(Boolean);
}

function queries(seed: number): Array<{ path: string; params: Record<string, string> }> {
  const r = prng(seed);
  const seeds = corpus();
  const out: Array<{ path: string; params: Record<string, string> }> = [];
  for (let i = 0; i < TOTAL; i++) {
    const roll = r();
    let q: string;
    if (roll < 0.25) q = logExpr(r);
    else if (roll < 0.55) q = sampleExpr(r, 0);
    else if (roll < 0.8) q = mutate(r, pick(r, seeds));
    else q = mutate(r, r() < 0.5 ? logExpr(r) : sampleExpr(r, 0));
    if (r() < 0.15) out.push({ path: '/loki/api/v1/query', params: { query: q, time: '1705280400', limit: '50' } });
    else
      out.push({
        path: '/loki/api/v1/query_range',
        params: { query: q, start: START, end: END, step: pick(r, ['60', '300', '15s', '1h']), limit: '100' },
      });
  }
  return out;
}

describe('query fuzzing', () => {
  let skald: SkaldProcess;
  before(async () => {
    skald = await startSkald({ limits: { query_timeout: `${QUERY_TIMEOUT_S}s` } });
    await conformancePush(skald.url);
  });
  after(async () => {
    await skald.stop();
    await skald.cleanup();
  });

  it(`answers ${TOTAL} generated and mutated queries without a server error or a hang`, async () => {
    const seed = Number(process.env.SKALD_FUZZ_SEED ?? 20261125);
    const all = queries(seed);
    const failures: string[] = [];
    const counts = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < all.length) {
        const { path, params } = all[next++]!;
        const started = performance.now();
        let status = 0;
        let body = '';
        try {
          const res = await fetch(`${skald.url}${path}?${new URLSearchParams(params)}`, {
            signal: AbortSignal.timeout((QUERY_TIMEOUT_S + 5) * 1000),
          });
          status = res.status;
          body = await res.text();
        } catch (err) {
          failures.push(
            `${(err as Error).message} after ${Math.round(performance.now() - started)}ms: ${params.query}`,
          );
          continue;
        }
        counts.set(status, (counts.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`HTTP ${status} ${body.trim().slice(0, 200)}: ${params.query}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failures (seed ${seed})`);
    assert.ok((counts.get(200) ?? 0) > TOTAL / 4, `enough valid queries ran: ${JSON.stringify([...counts])}`);
    assert.ok(
      (counts.get(400) ?? 0) > TOTAL / 10,
      `enough invalid queries were refused: ${JSON.stringify([...counts])}`,
    );
    const ready = await fetch(`${skald.url}/ready`);
    assert.equal(ready.status, 200);
  });
});
