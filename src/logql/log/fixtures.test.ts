// Runs the readable fixtures in testdata/: each case gives stream labels, a
// pipeline written in LogQL, a line and the expected labels and line. The
// pipelines are read by a small parser below that covers the stage syntax
// the fixtures use (it is not the query parser, which lives in ../syntax).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Label, labelsToString, sortLabels } from '../../util/labels.js';
import { compileGoRegexp } from '../../util/regexp.js';
import { parseGoDuration } from './go-duration.js';
import { parseHumanBytes } from './human-bytes.js';
import type {
  ComparisonOp,
  ExtractionParam,
  GroupingOptions,
  LabelFilterExpr,
  LabelFormatOp,
  MatchOp,
  NamedLabelMatcher,
  SampleOptions,
  StageOptions,
} from './options.js';
import { compilePipeline } from './pipeline.js';
import { compileSampleExtractor } from './sample-extractor.js';
import { fakeCompileTemplate } from './testdata/fake-template.js';

const testdata = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata');

// ---- fixture files -------------------------------------------------------------

interface Case {
  name: string;
  file: string;
  fields: Map<string, string>;
}

function readCases(file: string): Case[] {
  const cases: Case[] = [];
  let current: Case | null = null;
  for (const raw of readFileSync(join(testdata, file), 'utf8').split('\n')) {
    if (raw.startsWith('#') || raw.trim() === '') continue;
    if (raw.startsWith('=== ')) {
      current = { name: raw.slice(4).trim(), file, fields: new Map() };
      cases.push(current);
      continue;
    }
    const m = /^(\S+)\s*(.*)$/.exec(raw);
    if (!m || current === null) throw new Error(`${file}: unexpected line ${JSON.stringify(raw)}`);
    current.fields.set(m[1]!, m[2]!);
  }
  return cases;
}

/** `line` is taken verbatim; `linej` is a JSON string literal (for control characters). */
function textField(c: Case, name: string): string | undefined {
  const plain = c.fields.get(name);
  if (plain !== undefined) return plain;
  const quoted = c.fields.get(`${name}j`);
  return quoted === undefined ? undefined : (JSON.parse(quoted) as string);
}

/** Parses `{a="b", c="d"}`. */
function parseLabels(text: string): Label[] {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) throw new Error(`bad labels ${text}`);
  const out: Label[] = [];
  const re = /\s*([^=\s,]*)=("(?:[^"\\]|\\.)*")\s*,?/gy;
  re.lastIndex = 1;
  const body = t.slice(0, -1);
  while (re.lastIndex < body.length) {
    const m = re.exec(body);
    if (!m) throw new Error(`bad labels ${text}`);
    out.push({ name: m[1]!, value: JSON.parse(m[2]!) as string });
  }
  return out;
}

// ---- a small reader for pipeline stages --------------------------------------------

type Tok = { t: 'str' | 'ident' | 'lit' | 'op'; v: string };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      toks.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      toks.push({ t: 'str', v: src.slice(i + 1, j) });
      i = j + 1;
    } else if (src.startsWith('--', i)) {
      const m = /^--[a-z-]+/.exec(src.slice(i))!;
      toks.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      toks.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (/[0-9.-]/.test(c)) {
      const m = /^-?[0-9.]+[A-Za-zµ]*/.exec(src.slice(i))!;
      toks.push({ t: 'lit', v: m[0] });
      i += m[0].length;
    } else {
      const m = /^(\|=|\|~|!=|!~|=~|==|>=|<=|[|=<>,()])/.exec(src.slice(i));
      if (!m) throw new Error(`cannot read ${src.slice(i)}`);
      toks.push({ t: 'op', v: m[0] });
      i += m[0].length;
    }
  }
  return toks;
}

interface ParsedQuery {
  stages: StageOptions[];
  unwrap?: { label: string; conversion?: 'duration' | 'duration_seconds' | 'bytes'; postFilters: LabelFilterExpr[] };
}

class StageReader {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Error('unexpected end of pipeline');
    return t;
  }
  private accept(v: string): boolean {
    if (this.peek()?.v === v) {
      this.i++;
      return true;
    }
    return false;
  }
  private atStageEnd(): boolean {
    const t = this.peek();
    return t === undefined || (t.t === 'op' && ['|', '|=', '|~'].includes(t.v));
  }

  read(): ParsedQuery {
    const out: ParsedQuery = { stages: [] };
    while (this.peek() !== undefined) {
      const t = this.next();
      if (t.t === 'op' && (t.v === '|=' || t.v === '|~' || t.v === '!=' || t.v === '!~')) {
        out.stages.push({ kind: 'lineFilter', matcher: lineMatcher(t.v, this.next().v) });
        continue;
      }
      if (t.v !== '|') throw new Error(`expected | but got ${t.v}`);
      const head = this.peek()!;
      if (head.t === 'ident' && head.v === 'unwrap') {
        this.i++;
        out.unwrap = this.readUnwrap();
        continue;
      }
      const stage = this.readStage();
      if (out.unwrap !== undefined) {
        if (stage.kind !== 'labelFilter') throw new Error('only label filters may follow unwrap');
        out.unwrap.postFilters.push(stage.filter);
      } else {
        out.stages.push(stage);
      }
    }
    return out;
  }

  private readUnwrap(): NonNullable<ParsedQuery['unwrap']> {
    const first = this.next().v;
    if (this.accept('(')) {
      const label = this.next().v;
      this.accept(')');
      return { label, conversion: first as 'duration' | 'duration_seconds' | 'bytes', postFilters: [] };
    }
    return { label: first, postFilters: [] };
  }

  private readStage(): StageOptions {
    const head = this.peek()!;
    const word = head.t === 'ident' ? head.v : '';
    const nextIsOp = this.toks[this.i + 1]?.t === 'op' && this.toks[this.i + 1]?.v !== ',';
    if (!nextIsOp || ['json', 'logfmt', 'unpack', 'decolorize'].includes(word)) {
      switch (word) {
        case 'json':
          this.i++;
          return { kind: 'json', params: this.readParams() };
        case 'logfmt': {
          this.i++;
          let strict = false;
          let keepEmpty = false;
          for (;;) {
            if (this.accept('--strict')) strict = true;
            else if (this.accept('--keep-empty')) keepEmpty = true;
            else break;
          }
          return { kind: 'logfmt', strict, keepEmpty, params: this.readParams() };
        }
        case 'regexp':
          this.i++;
          return { kind: 'regexp', pattern: this.next().v };
        case 'pattern':
          this.i++;
          return { kind: 'pattern', pattern: this.next().v };
        case 'unpack':
          this.i++;
          return { kind: 'unpack' };
        case 'decolorize':
          this.i++;
          return { kind: 'decolorize' };
        case 'line_format':
          this.i++;
          return { kind: 'lineFormat', template: this.next().v };
        case 'label_format':
          this.i++;
          return { kind: 'labelFormat', ops: this.readFormatOps() };
        case 'drop':
          this.i++;
          return { kind: 'drop', labels: this.readNamedMatchers() };
        case 'keep':
          this.i++;
          return { kind: 'keep', labels: this.readNamedMatchers() };
      }
    }
    return { kind: 'labelFilter', filter: this.readOr() };
  }

  private readParams(): ExtractionParam[] {
    const params: ExtractionParam[] = [];
    while (!this.atStageEnd()) {
      const label = this.next().v;
      params.push({ label, expression: this.accept('=') ? this.next().v : label });
      this.accept(',');
    }
    return params;
  }

  private readFormatOps(): LabelFormatOp[] {
    const ops: LabelFormatOp[] = [];
    while (!this.atStageEnd()) {
      const dst = this.next().v;
      this.accept('=');
      const v = this.next();
      ops.push(v.t === 'str' ? { kind: 'template', dst, template: v.v } : { kind: 'rename', dst, src: v.v });
      this.accept(',');
    }
    return ops;
  }

  private readNamedMatchers(): NamedLabelMatcher[] {
    const items: NamedLabelMatcher[] = [];
    while (!this.atStageEnd()) {
      const name = this.next().v;
      const op = this.peek();
      if (op?.t === 'op' && ['=', '!=', '=~', '!~'].includes(op.v)) {
        this.i++;
        items.push({ name, op: op.v as MatchOp, value: this.next().v });
      } else {
        items.push({ name });
      }
      this.accept(',');
    }
    return items;
  }

  private readOr(): LabelFilterExpr {
    let left = this.readAnd();
    while (this.accept('or')) left = { kind: 'or', left, right: this.readAnd() };
    return left;
  }

  private readAnd(): LabelFilterExpr {
    let left = this.readPrimary();
    for (;;) {
      if (this.accept('and') || this.accept(',')) {
        left = { kind: 'and', left, right: this.readPrimary() };
        continue;
      }
      const t = this.peek();
      if (t !== undefined && ((t.t === 'ident' && t.v !== 'or') || t.v === '(')) {
        left = { kind: 'and', left, right: this.readPrimary() };
        continue;
      }
      return left;
    }
  }

  private readPrimary(): LabelFilterExpr {
    if (this.accept('(')) {
      const inner = this.readOr();
      this.accept(')');
      return inner;
    }
    const name = this.next().v;
    const op = this.next().v;
    const value = this.next();
    if (value.t === 'ident' && value.v === 'ip') {
      this.accept('(');
      const pattern = this.next().v;
      this.accept(')');
      return { kind: 'ip', name, op: op === '!=' ? '!=' : '=', pattern };
    }
    if (value.t === 'str') {
      return { kind: 'string', name, op: (op === '==' ? '=' : op) as MatchOp, value: value.v };
    }
    const cmp = op as ComparisonOp;
    if (/^-?[0-9.]+(ns|us|µs|ms|s|m|h)+[0-9.a-z]*$/.test(value.v)) {
      return { kind: 'duration', name, op: cmp, value: parseGoDuration(value.v) as number };
    }
    if (/^[0-9.]+[A-Za-z]+$/.test(value.v)) {
      return { kind: 'bytes', name, op: cmp, value: parseHumanBytes(value.v) as number };
    }
    return { kind: 'number', name, op: cmp, value: Number(value.v) };
  }
}

function lineMatcher(op: string, value: string) {
  if (op === '|=') return { matchString: (l: string) => l.includes(value) };
  if (op === '!=') return { matchString: (l: string) => !l.includes(value) };
  const re = compileGoRegexp(value);
  return op === '|~' ? { matchString: (l: string) => re.test(l) } : { matchString: (l: string) => !re.test(l) };
}

export function readPipeline(src: string): ParsedQuery {
  return new StageReader(tokenize(src)).read();
}

function readGrouping(text: string | undefined): GroupingOptions | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === 'none') return { labels: [], without: false, noLabels: true };
  const m = /^(by|without)\s*\((.*)\)$/.exec(text.trim());
  if (!m) throw new Error(`bad grouping ${text}`);
  const labels = m[2]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return { labels, without: m[1] === 'without', noLabels: m[1] === 'by' && labels.length === 0 };
}

// ---- the fixtures ----------------------------------------------------------------

const files = readdirSync(testdata).filter((f) => f.endsWith('.txt'));

for (const file of files.filter((f) => !f.startsWith('samples'))) {
  describe(`pipeline fixtures: ${file}`, () => {
    for (const c of readCases(file)) {
      it(c.name, () => {
        const query = readPipeline(c.fields.get('pipeline') ?? '');
        const pipeline = compilePipeline(query.stages, { compileTemplate: fakeCompileTemplate });
        const stream = pipeline.forStream(parseLabels(c.fields.get('stream') ?? '{}'));
        const meta = c.fields.get('metadata');
        const line = textField(c, 'line') ?? '';
        const kept = stream.process(line, 1_700_000_000_000_000_000n, meta === undefined ? null : parseLabels(meta));
        const want = c.fields.get('labels');
        if (want === 'dropped') {
          assert.equal(kept, false, 'the line should be dropped');
          return;
        }
        assert.equal(kept, true, 'the line should be kept');
        assert.equal(stream.labels().key, want === undefined ? stream.streamLabels.key : parseKey(want));
        assert.equal(stream.line, textField(c, 'out') ?? line);
        const categories = c.fields.get('parsed');
        if (categories !== undefined) {
          assert.deepEqual(
            stream.labels().parsed.map((l) => l.name),
            categories.split(/\s*,\s*/).filter(Boolean),
          );
        }
      });
    }
  });
}

for (const file of files.filter((f) => f.startsWith('samples'))) {
  describe(`sample fixtures: ${file}`, () => {
    for (const c of readCases(file)) {
      it(c.name, () => {
        const query = readPipeline(c.fields.get('pipeline') ?? '');
        const extract = c.fields.get('extract') ?? 'count';
        const sample: SampleOptions =
          query.unwrap !== undefined
            ? { kind: 'unwrap', ...query.unwrap }
            : { kind: extract === 'bytes' ? 'bytes' : 'count' };
        const grouping = readGrouping(c.fields.get('grouping'));
        const extractor = compileSampleExtractor(
          { stages: query.stages, sample, ...(grouping ? { grouping } : {}) },
          { compileTemplate: fakeCompileTemplate },
        );
        const stream = extractor.forStream(parseLabels(c.fields.get('stream') ?? '{}'));
        const meta = c.fields.get('metadata');
        const ok = stream.process(textField(c, 'line') ?? '', 0n, meta === undefined ? null : parseLabels(meta));
        const want = c.fields.get('sample')!;
        if (want === 'none') {
          assert.equal(ok, false, 'no sample expected');
          return;
        }
        assert.equal(ok, true, 'a sample was expected');
        const m = /^(\S+)\s+(\{.*\})$/.exec(want)!;
        assert.equal(stream.value, Number(m[1]));
        assert.equal(stream.labels().key, parseKey(m[2]!));
      });
    }
  });
}

/** The canonical text of an expected label set (sorted, Go-quoted). */
function parseKey(text: string): string {
  return labelsToString(sortLabels(parseLabels(text)));
}
