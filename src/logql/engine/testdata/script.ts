// Runner for the metric evaluator's test scripts (testdata/*.txt), a
// promqltest-style language at the level of the evaluator: range
// aggregations are not computed from logs but loaded as the per-step values
// they would produce, so the scripts pin down exactly what happens above them.
//
//   clear                                  forget loaded data
//   load <interval> <range aggregation>    values of the aggregation's output series at
//     {labels} <values...>                 t = 0, interval, 2*interval, ...
//   eval instant at <t> <query>            evaluate and encode as Loki would, then compare
//   eval range from <t0> to <t1> step <s> <query>
//     {labels} <values...>                 expected series (a set), `_` for no point
//     <number>                             expected scalar
//     expect ordered                       compare series positionally (instant queries)
//     expect empty                         no series at all
//     expect fail [msg: <text>|regex: <re>]
//
// The range functions themselves are scripted over raw samples:
//
//   samples                                the samples of one series (replaces earlier ones)
//     <value> @ <t> [repeat every <d> for <n>]
//   window instant at <t> <op>[(<param>)] [unwrap] [<range>] [offset <d>]
//   window range from <t0> to <t1> step <s> <op>...
//     {} <values...>                       or: expect empty
//
// Values follow promqltest: numbers, NaN, Inf/+Inf/-Inf, `_`, and expansions
// `a+bxN` / `a-bxN` (N+1 values), `axN` (N+1 times a), `_xN` (N gaps).
// Times are Go durations from t=0; `#` starts a comment.
import assert from 'node:assert/strict';
import { type Labels, labelsFromRecord } from '../../../util/labels.js';
import type { RangeAggregationExpr, RangeOp, SampleExpr } from '../../syntax/ast.js';
import { goUnquote } from '../../syntax/gostrconv.js';
import { parseSampleExpr, tryParseGoDuration } from '../../syntax/index.js';
import { evaluateSample } from '../evaluator.js';
import { absentSeries, RangeSeriesEvaluator } from '../range-series.js';
import { encodeResult, keepsEvaluationOrder } from '../result.js';
import type { EvalValue, StepGrid, StepMatrix, StepSeries } from '../types.js';

export interface ScriptCase {
  name: string;
  run(): Promise<void>;
}

type Point = number | null;

interface ExpectedSeries {
  labels: Labels;
  points: Point[];
}

interface Expectation {
  series: ExpectedSeries[];
  scalar?: number;
  ordered: boolean;
  empty: boolean;
  fail?: { msg?: string; regex?: RegExp };
}

interface LoadedSeries {
  labels: Labels;
  intervalNs: bigint;
  points: Point[];
}

interface Sample {
  ts: bigint;
  value: number;
}

/** Parses a script into independent test cases; each captures the data loaded before it. */
export function parseScript(text: string, file: string): ScriptCase[] {
  const lines = text.split('\n');
  const cases: ScriptCase[] = [];
  let loaded = new Map<string, LoadedSeries[]>();
  let samples: Sample[] = [];
  let i = 0;
  const fail = (line: number, msg: string): never => {
    throw new Error(`${file}:${line + 1}: ${msg}`);
  };
  const block = (): Array<{ text: string; line: number }> => {
    const out: Array<{ text: string; line: number }> = [];
    while (i < lines.length && /^\s+\S/.test(stripComment(lines[i]!))) {
      out.push({ text: stripComment(lines[i]!).trim(), line: i });
      i++;
    }
    return out;
  };

  while (i < lines.length) {
    const lineNo = i;
    const line = stripComment(lines[i]!).trim();
    i++;
    if (line === '') continue;
    if (line === 'clear') {
      loaded = new Map();
      samples = [];
      continue;
    }
    if (line.startsWith('load ')) {
      const m = /^load\s+(\S+)\s+(.+)$/.exec(line) ?? fail(lineNo, 'load <interval> <range aggregation>');
      const intervalNs = duration(m[1]!, lineNo, fail);
      const key = rangeAggregationKey(m[2]!, lineNo, fail);
      const list = [...(loaded.get(key) ?? [])];
      for (const b of block()) {
        const { labels, rest } = parseLabelsPrefix(b.text, b.line, fail);
        list.push({ labels, intervalNs, points: parsePoints(rest, b.line, fail) });
      }
      loaded = new Map(loaded).set(key, list);
      continue;
    }
    if (line === 'samples') {
      samples = [];
      for (const b of block()) samples.push(...parseSampleLine(b.text, b.line, fail));
      samples.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      continue;
    }
    const m = /^(eval|window)\s+(.*)$/.exec(line) ?? fail(lineNo, `unknown command: ${line}`);
    const { grid, instant, rest } = parseGrid(m[2]!, lineNo, fail);
    const expectation = parseExpectation(block(), fail);
    const name = `${file}:${lineNo + 1}: ${m[1]} ${m[2]}`;
    if (m[1] === 'eval') {
      const data = loaded;
      cases.push({ name, run: () => runEval(rest, grid, instant, data, expectation) });
    } else {
      const spec = parseWindowSpec(rest, lineNo, fail);
      const data = samples;
      cases.push({ name, run: () => runWindow(spec, grid, instant, data, expectation) });
    }
  }
  return cases;
}

type Fail = (line: number, msg: string) => never;

function stripComment(line: string): string {
  // `#` outside quotes starts a comment.
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '#') return line.slice(0, i).trimEnd();
  }
  return line;
}

function duration(text: string, line: number, fail: Fail): bigint {
  const d = tryParseGoDuration(text);
  return typeof d === 'string' ? fail(line, d) : d;
}

function parseGrid(text: string, line: number, fail: Fail): { grid: StepGrid; instant: boolean; rest: string } {
  let m = /^instant\s+at\s+(\S+)\s+(.+)$/.exec(text);
  if (m) {
    return { grid: { startNs: duration(m[1]!, line, fail), stepNs: 0n, steps: 1 }, instant: true, rest: m[2]! };
  }
  m = /^range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/.exec(text);
  if (!m) return fail(line, 'expected "instant at <t>" or "range from <t0> to <t1> step <s>"');
  const start = duration(m[1]!, line, fail);
  const end = duration(m[2]!, line, fail);
  const step = duration(m[3]!, line, fail);
  const steps = Number((end - start) / step) + 1;
  return { grid: { startNs: start, stepNs: step, steps }, instant: false, rest: m[4]! };
}

function parseExpectation(lines: Array<{ text: string; line: number }>, fail: Fail): Expectation {
  const e: Expectation = { series: [], ordered: false, empty: false };
  for (const { text, line } of lines) {
    if (text === 'expect ordered') e.ordered = true;
    else if (text === 'expect empty') e.empty = true;
    else if (text.startsWith('expect fail')) {
      const rest = text.slice('expect fail'.length).trim();
      e.fail = {};
      if (rest.startsWith('msg:')) e.fail.msg = rest.slice(4).trim();
      else if (rest.startsWith('regex:')) e.fail.regex = new RegExp(rest.slice(6).trim());
      else if (rest !== '') fail(line, `bad expectation: ${text}`);
    } else if (text.startsWith('{')) {
      const { labels, rest } = parseLabelsPrefix(text, line, fail);
      e.series.push({ labels, points: parsePoints(rest, line, fail) });
    } else {
      const points = parsePoints(text, line, fail);
      if (points.length !== 1 || points[0] === null) fail(line, `bad expectation: ${text}`);
      e.scalar = points[0]!;
    }
  }
  const kinds = Number(e.series.length > 0) + Number(e.scalar !== undefined) + Number(e.empty) + Number(!!e.fail);
  if (kinds !== 1) fail(lines[0]?.line ?? 0, 'an eval needs exactly one kind of expectation');
  return e;
}

/** `{a="b", c="d"}` at the start of `text`. */
function parseLabelsPrefix(text: string, line: number, fail: Fail): { labels: Labels; rest: string } {
  const close = findClosingBrace(text);
  if (!text.startsWith('{') || close < 0) fail(line, `expected a label set: ${text}`);
  const body = text.slice(1, close).trim();
  const record: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*(,|$)/y;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body) ?? fail(line, `bad label set: ${text}`);
    const value = goUnquote(m[2]!) ?? fail(line, `bad label value: ${m[2]}`);
    record[m[1]!] = value;
    pos = re.lastIndex;
  }
  return { labels: labelsFromRecord(record), rest: text.slice(close + 1).trim() };
}

function findClosingBrace(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '}') return i;
  }
  return -1;
}

function parseNumber(text: string, line: number, fail: Fail): number {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Inf' || text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const v = Number(text);
  return Number.isNaN(v) || text === '' ? fail(line, `bad number: ${text}`) : v;
}

function parsePoints(text: string, line: number, fail: Fail): Point[] {
  const out: Point[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (word === '_') {
      out.push(null);
      continue;
    }
    const gaps = /^_x(\d+)$/.exec(word);
    if (gaps) {
      for (let k = 0; k < Number(gaps[1]); k++) out.push(null);
      continue;
    }
    const series = /^(.+?)(?:([+-])(.+?))?x(\d+)$/.exec(word);
    if (series && !/^[+-]?Inf$/.test(word)) {
      const start = parseNumber(series[1]!, line, fail);
      const delta = series[3] === undefined ? 0 : parseNumber(series[3], line, fail) * (series[2] === '-' ? -1 : 1);
      for (let k = 0; k <= Number(series[4]); k++) out.push(start + k * delta);
      continue;
    }
    out.push(parseNumber(word, line, fail));
  }
  return out;
}

function parseSampleLine(text: string, line: number, fail: Fail): Sample[] {
  const m =
    /^(\S+)\s+@\s+(\S+)(?:\s+\[repeat every\s+(\S+)\s+for\s+(\d+)\])?$/.exec(text) ??
    fail(line, 'expected "<value> @ <t> [repeat every <d> for <n>]"');
  const value = parseNumber(m[1]!, line, fail);
  const at = duration(m[2]!, line, fail);
  if (m[3] === undefined) return [{ ts: at, value }];
  const every = duration(m[3], line, fail);
  const out: Sample[] = [];
  for (let k = 0; k < Number(m[4]); k++) out.push({ ts: at + BigInt(k) * every, value });
  return out;
}

function parseQuery(text: string): SampleExpr {
  return parseSampleExpr(text);
}

/** Range aggregations are identified by their text, whitespace aside. */
function nodeKey(query: string, node: RangeAggregationExpr): string {
  return query.slice(node.pos.start, node.pos.end).replace(/\s+/g, '');
}

function rangeAggregationKey(text: string, line: number, fail: Fail): string {
  const expr = parseQuery(text);
  if (expr.kind !== 'range_agg') fail(line, `not a range aggregation: ${text}`);
  return nodeKey(text, expr as RangeAggregationExpr);
}

/** The loaded values at each step of the grid: a step between two loaded times has no value. */
function loadedMatrix(series: readonly LoadedSeries[], grid: StepGrid): StepMatrix {
  const out: StepSeries[] = [];
  for (const s of series) {
    const values = new Float64Array(grid.steps).fill(Number.NaN);
    const present = new Uint8Array(grid.steps);
    for (let t = 0; t < grid.steps; t++) {
      const at = grid.startNs + BigInt(t) * grid.stepNs;
      if (at < 0n || at % s.intervalNs !== 0n) continue;
      const v = s.points[Number(at / s.intervalNs)];
      if (v === undefined || v === null) continue;
      values[t] = v;
      present[t] = 1;
    }
    out.push({ labels: s.labels, values, present });
  }
  return { grid, series: out };
}

async function runEval(
  query: string,
  grid: StepGrid,
  instant: boolean,
  loaded: ReadonlyMap<string, LoadedSeries[]>,
  expected: Expectation,
): Promise<void> {
  let json: string;
  let resultType: string;
  try {
    const expr = parseQuery(query);
    const value = await evaluateSample(expr, {
      grid,
      instant,
      rangeAggregation: async (node) => loadedMatrix(loaded.get(nodeKey(query, node)) ?? [], grid),
    });
    ({ result: json, resultType } = encodeResult(value, grid, { instant, preserveOrder: keepsEvaluationOrder(expr) }));
  } catch (err) {
    if (!expected.fail) throw err;
    checkFailure(err, expected);
    return;
  }
  if (expected.fail) assert.fail(`expected the query to fail, got ${json}`);
  compareResult(resultType, JSON.parse(json) as unknown, grid, instant, expected);
}

interface WindowSpec {
  op: RangeOp;
  param?: number;
  unwrapped: boolean;
  rangeNs: bigint;
  offsetNs: bigint;
}

function parseWindowSpec(text: string, line: number, fail: Fail): WindowSpec {
  const m =
    /^([a-z_]+)(?:\(([^)]*)\))?(\s+unwrap)?\s*\[(\S+)\](?:\s+offset\s+(\S+))?$/.exec(text) ??
    fail(line, 'expected "<op>[(<param>)] [unwrap] [<range>] [offset <d>]"');
  return {
    op: m[1] as RangeOp,
    param: m[2] === undefined ? undefined : parseNumber(m[2], line, fail),
    unwrapped: m[3] !== undefined,
    rangeNs: duration(m[4]!, line, fail),
    offsetNs: m[5] === undefined ? 0n : duration(m[5], line, fail),
  };
}

async function runWindow(
  spec: WindowSpec,
  grid: StepGrid,
  instant: boolean,
  samples: readonly Sample[],
  expected: Expectation,
): Promise<void> {
  // Timestamps are relative to a base inside the data, as the engine passes them.
  const baseNs = samples[0]?.ts ?? 0n;
  const ts = Float64Array.from(samples, (s) => Number(s.ts - baseNs));
  const values = Float64Array.from(samples, (s) => s.value);
  const ev = new RangeSeriesEvaluator({ ...spec, grid, baseNs });
  const out = ev.newSeries([]);
  ev.fill({ ts, values }, out);
  let series: StepSeries[] = [out];
  if (spec.op === 'absent_over_time') {
    const absent = absentSeries(grid.steps, [out], []);
    series = absent ? [absent] : [];
  }
  const value: EvalValue = { grid, series };
  const { result, resultType } = encodeResult(value, grid, { instant });
  compareResult(resultType, JSON.parse(result) as unknown, grid, instant, expected);
}

function checkFailure(err: unknown, expected: Expectation): void {
  const message = err instanceof Error ? err.message : String(err);
  if (expected.fail?.msg !== undefined) {
    assert.ok(message.includes(expected.fail.msg), `error "${message}" does not contain "${expected.fail.msg}"`);
  }
  if (expected.fail?.regex) assert.match(message, expected.fail.regex);
}

interface ActualSeries {
  key: string;
  points: Point[];
}

function labelsText(labels: Labels): string {
  return `{${labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(', ')}}`;
}

function compareResult(resultType: string, result: unknown, grid: StepGrid, instant: boolean, e: Expectation): void {
  if (e.scalar !== undefined) {
    assert.equal(resultType, 'scalar', `expected a scalar, got ${JSON.stringify(result)}`);
    const [ts, v] = result as [number, string];
    // Scalars carry their time in milliseconds, as Loki 2.9 answered.
    assert.equal(ts, Number(grid.startNs / 1_000_000n));
    assertSameNumber(parseNumber(v, 0, fatal), e.scalar, 'scalar');
    return;
  }
  assert.equal(resultType, instant ? 'vector' : 'matrix');
  const actual: ActualSeries[] = [];
  for (const entry of result as Array<{
    metric: Record<string, string>;
    value?: [number, string];
    values?: [number, string][];
  }>) {
    const labels = labelsFromRecord(entry.metric);
    const points: Point[] = new Array(grid.steps).fill(null);
    const pairs = instant ? [entry.value!] : entry.values!;
    for (const [ts, v] of pairs) {
      const stepMs = Number(grid.stepNs / 1_000_000n);
      const index = stepMs === 0 ? 0 : Math.round((ts * 1000 - Number(grid.startNs / 1_000_000n)) / stepMs);
      assert.ok(points[index] === null, `${labelsText(labels)} has two points at step ${index}`);
      points[index] = parseNumber(v, 0, fatal);
    }
    actual.push({ key: labelsText(labels), points });
  }
  if (e.empty) {
    assert.deepEqual(
      actual.map((a) => a.key),
      [],
      'expected an empty result',
    );
    return;
  }
  const expected = e.series.map((s) => {
    const points = [...s.points];
    while (points.length < grid.steps) points.push(null);
    return { key: labelsText(s.labels), points };
  });
  if (e.ordered) {
    assert.deepEqual(
      actual.map((a) => a.key),
      expected.map((x) => x.key),
      'series order',
    );
  } else {
    assert.deepEqual(actual.map((a) => a.key).sort(), expected.map((x) => x.key).sort(), 'series label sets');
  }
  for (const x of expected) {
    const a = actual.find((s) => s.key === x.key)!;
    assert.equal(x.points.length, grid.steps, `${x.key}: expected ${grid.steps} points`);
    for (let t = 0; t < grid.steps; t++) {
      const want = x.points[t]!;
      const got = a.points[t]!;
      if (want === null || got === null) {
        assert.equal(got, want, `${x.key} at step ${t}`);
        continue;
      }
      assertSameNumber(got, want, `${x.key} at step ${t}`);
    }
  }
}

const fatal: Fail = (_line, msg) => {
  throw new Error(msg);
};

function assertSameNumber(got: number, want: number, what: string): void {
  if (Number.isNaN(want) || Number.isNaN(got)) {
    assert.ok(Number.isNaN(want) && Number.isNaN(got), `${what}: got ${got}, want ${want}`);
    return;
  }
  // Exact: the evaluator must reproduce Loki's floating-point results to the bit.
  assert.ok(got === want, `${what}: got ${got}, want ${want}`);
}
