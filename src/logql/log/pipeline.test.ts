import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelFilterExpr, StageOptions } from './options.js';
import { compilePipeline, streamKey } from './pipeline.js';
import { compileSampleExtractor } from './sample-extractor.js';
import { fakeCompileTemplate } from './testdata/fake-template.js';

const deps = { compileTemplate: fakeCompileTemplate };

/** A deterministic pseudo-random generator, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function randomJsonLine(r: () => number): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const key = pick(r, ['status', 'level', 'path', 'msg', 'size', 'dur', 'nested']);
    const value =
      key === 'nested'
        ? `{"status":${pick(r, ['200', '500', '"x"'])},"level":"${pick(r, ['info', 'error'])}"}`
        : pick(r, ['200', '503', '"500"', '"error"', '"info"', '"1.5s"', '"20MB"', '"abc"', 'true', 'null', '[1,2]']);
    parts.push(`"${key}":${value}`);
  }
  const body = `{${parts.join(',')}}`;
  // Some lines are broken on purpose, so errors take part in the comparison.
  return r() < 0.15 ? body.slice(0, Math.floor(r() * body.length)) : body;
}

function randomLogfmtLine(r: () => number): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const key = pick(r, ['status', 'level', 'path', 'msg', 'size', 'dur']);
    parts.push(`${key}=${pick(r, ['200', '503', 'error', 'info', '1.5s', '20MB', 'abc', '"a b"', '', '=x'])}`);
  }
  return parts.join(' ');
}

const filters: LabelFilterExpr[] = [
  { kind: 'number', name: 'status', op: '>=', value: 500 },
  { kind: 'string', name: 'level', op: '=', value: 'error' },
  {
    kind: 'or',
    left: { kind: 'string', name: 'level', op: '=~', value: 'err.*' },
    right: { kind: 'number', name: 'status', op: '<', value: 300 },
  },
  {
    kind: 'and',
    left: { kind: 'duration', name: 'dur', op: '>', value: 1e9 },
    right: { kind: 'bytes', name: 'size', op: '<', value: 1e9 },
  },
  { kind: 'string', name: '__error__', op: '=', value: '' },
  { kind: 'string', name: 'nested_level', op: '!=', value: 'info' },
];

describe('compilePipeline', () => {
  it('returns one stream pipeline per label set, whatever the label order', () => {
    const p = compilePipeline([]);
    const a = p.forStream([
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
    ]);
    const b = p.forStream([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    assert.equal(a, b);
    assert.equal(a.streamLabels.key, '{a="1", b="2"}');
    assert.equal(streamKey([{ name: 'z', value: '"' }]), '{z="\\""}');
    assert.ok(p.isNoop);
  });

  it('leaves the input string untouched when no stage rewrites it', () => {
    const p = compilePipeline([{ kind: 'logfmt' }]).forStream([]);
    const line = 'a=1 b=2';
    assert.ok(p.process(line, 0n));
    assert.equal(p.line, line);
  });

  it('shares one result object between lines with the same labels, across streams', () => {
    const p = compilePipeline([{ kind: 'logfmt' }, { kind: 'drop', labels: [{ name: 'id' }, { name: 'app' }] }]);
    const s1 = p.forStream([{ name: 'app', value: 'one' }]);
    const s2 = p.forStream([{ name: 'app', value: 'two' }]);
    assert.ok(s1.process('level=info id=1', 0n));
    const first = s1.labels();
    assert.ok(s2.process('id=2 level=info', 0n));
    assert.equal(s2.labels(), first);
    assert.equal(first.key, '{level="info"}');
  });

  it('passes the timestamp and the current line to templates', () => {
    const p = compilePipeline(
      [
        { kind: 'lineFormat', template: 'first' },
        { kind: 'labelFormat', ops: [{ kind: 'template', dst: 'ts', template: '{{__timestamp__}} {{__line__}}' }] },
      ],
      deps,
    ).forStream([]);
    assert.ok(p.process('original', 1_700_000_000_000_000_000n, null, 42));
    assert.equal(p.labels().key, '{ts="1700000000000000042 first"}');
  });

  it('reports the error of the processed line', () => {
    const p = compilePipeline([{ kind: 'json' }]).forStream([]);
    assert.ok(p.process('nope', 0n));
    assert.equal(p.error, 'JSONParserErr');
    assert.equal(p.errorDetails, "Value looks like object, but can't find closing '}' symbol");
    assert.ok(p.process('{}', 0n));
    assert.equal(p.error, '');
  });

  it('records that a stage read structured metadata', () => {
    const p = compilePipeline([
      { kind: 'labelFilter', filter: { kind: 'string', name: 'trace', op: '!=', value: '' } },
    ]);
    const s = p.forStream([]);
    assert.ok(!p.referencedStructuredMetadata);
    assert.ok(s.process('x', 0n, [{ name: 'trace', value: 't' }]));
    assert.ok(p.referencedStructuredMetadata);
  });

  for (const [parser, generate] of [
    ['json', randomJsonLine],
    ['logfmt', randomLogfmtLine],
  ] as const) {
    it(`gives the same results with and without early filtering after ${parser}`, () => {
      const r = rng(parser.length * 7919);
      for (let round = 0; round < 40; round++) {
        const chosen = filters.filter(() => r() < 0.4);
        const filterStages: StageOptions[] = chosen.map((filter) => ({ kind: 'labelFilter', filter }));
        const parse: StageOptions = parser === 'json' ? { kind: 'json' } : { kind: 'logfmt', strict: r() < 0.5 };
        // A drop of an absent label breaks the run of filters, so the second pipeline checks late.
        const early = compilePipeline([parse, ...filterStages]).forStream([{ name: 'app', value: 'x' }]);
        const late = compilePipeline([parse, { kind: 'drop', labels: [{ name: 'zz' }] }, ...filterStages]).forStream([
          { name: 'app', value: 'x' },
        ]);
        for (let i = 0; i < 50; i++) {
          const line = generate(r);
          const kept = early.process(line, 0n);
          assert.equal(kept, late.process(line, 0n), `${line} with ${JSON.stringify(chosen)}`);
          if (kept) assert.equal(early.labels().key, late.labels().key, line);
        }
      }
    });
  }

  it('gives the same grouped labels with hints as without, on valid lines', () => {
    const r = rng(4242);
    for (let round = 0; round < 30; round++) {
      const groups = ['status', 'level', 'nested_status', 'app'].filter(() => r() < 0.5);
      const chosen = filters.filter((f) => f.kind !== 'string' || f.name !== '__error__').filter(() => r() < 0.3);
      const stages: StageOptions[] = [
        { kind: 'json' },
        ...chosen.map((filter) => ({ kind: 'labelFilter' as const, filter })),
      ];
      const hinted = compileSampleExtractor({
        stages,
        sample: { kind: 'count' },
        grouping: { labels: groups, without: false, noLabels: groups.length === 0 },
      }).forStream([{ name: 'app', value: 'x' }]);
      const full = compilePipeline(stages).forStream([{ name: 'app', value: 'x' }]);
      for (let i = 0; i < 50; i++) {
        let line = randomJsonLine(r);
        if (!line.endsWith('}')) line = '{"status":200}';
        const got = hinted.process(line, 0n);
        assert.equal(got, full.process(line, 0n), line);
        if (!got) continue;
        const all = full.labels();
        if (all.get('__error__') !== undefined) continue;
        const want = groups
          .sort()
          .filter((g) => all.get(g) !== undefined)
          .map((g) => `${g}=${JSON.stringify(all.get(g))}`);
        assert.equal(hinted.labels().key, `{${want.join(', ')}}`, `${line} by ${groups}`);
      }
    }
  });
});
