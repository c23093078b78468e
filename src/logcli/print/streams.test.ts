import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Entry, Stream } from '../client/response.js';
import { Colorizer } from '../format/color.js';
import { UTC_ZONE } from '../format/time-zone.js';
import { newLogFormatter, type OutputMode } from '../output.js';
import { renderStreams, type StreamPrintOptions } from './streams.js';

const T0 = 1705276800000000000n; // 2024-01-15T00:00:00Z
const sec = (n: number) => T0 + BigInt(n) * 1_000_000_000n;

function stream(labels: Record<string, string>, entries: Array<[number, string]>): Stream {
  return { labels: new Map(Object.entries(labels)), entries: entries.map(([s, line]) => ({ tsNs: sec(s), line })) };
}

const OPTS: StreamPrintOptions = {
  showLabelsKey: [],
  ignoreLabelsKey: [],
  quiet: false,
  fixedLabelsLen: 0,
  forward: false,
  includeCommonLabels: false,
};

function render(
  streams: Stream[],
  opts: Partial<StreamPrintOptions> = {},
  last: Entry[] = [],
  mode: OutputMode = 'default',
) {
  const formatter = newLogFormatter(mode, {
    zone: UTC_ZONE,
    noLabels: false,
    coloredOutput: false,
    timestampFormat: 'rfc3339',
    colors: new Colorizer(false),
  });
  return renderStreams(streams, { ...OPTS, ...opts }, formatter, new Colorizer(false), last);
}

const APACHE = [
  stream({ job: 'apache', host: 'h0' }, [
    [0, 'zero'],
    [3, 'three'],
  ]),
  stream({ job: 'apache', host: 'host-1' }, [
    [1, 'one'],
    [4, 'four'],
  ]),
];

describe('printing log streams', () => {
  it('reports common labels once and merges the streams newest first', () => {
    const r = render(APACHE);
    assert.deepEqual(r.notes, ['Common labels: {job="apache"}']);
    assert.equal(
      r.text,
      [
        '2024-01-15T00:00:04Z {host="host-1"} four',
        '2024-01-15T00:00:03Z {host="h0"}     three',
        '2024-01-15T00:00:01Z {host="host-1"} one',
        '2024-01-15T00:00:00Z {host="h0"}     zero',
        '',
      ].join('\n'),
    );
    assert.equal(r.printed, 4);
  });

  it('prints oldest first when scanning forward', () => {
    const r = render(APACHE, { forward: true }, [], 'raw');
    assert.equal(r.text, 'zero\none\nthree\nfour\n');
  });

  it('prints {} for a lone stream, whose labels are all common', () => {
    const r = render([stream({ job: 'apache' }, [[0, 'only']])]);
    assert.deepEqual(r.notes, ['Common labels: {job="apache"}']);
    assert.equal(r.text, '2024-01-15T00:00:00Z {} only\n');
  });

  it('leaves common labels out of jsonl too', () => {
    const r = render([stream({ job: 'apache' }, [[0, 'only']])], {}, [], 'jsonl');
    assert.equal(r.text, '{"labels":{},"line":"only","timestamp":"2024-01-15T00:00:00Z"}\n');
  });

  it('keeps common labels with --include-common-labels, still reporting them', () => {
    const r = render(APACHE, { includeCommonLabels: true, forward: true });
    assert.deepEqual(r.notes, ['Common labels: {job="apache"}']);
    assert.match(r.text, /^2024-01-15T00:00:00Z \{host="h0", job="apache"\} {5}zero\n/);
  });

  it('says nothing on stderr with --quiet', () => {
    assert.deepEqual(render(APACHE, { quiet: true }).notes, []);
  });

  it('shows only --include-label labels, which are then not common', () => {
    const r = render(APACHE, { showLabelsKey: ['job'], forward: true });
    assert.deepEqual(r.notes, ['Print only labels key: job']);
    assert.match(r.text, /^2024-01-15T00:00:00Z \{job="apache"\} zero\n/);
  });

  it('drops --exclude-label labels', () => {
    const r = render(APACHE, { ignoreLabelsKey: ['host'], forward: true });
    assert.deepEqual(r.notes, ['Common labels: {job="apache"}', 'Ignoring labels key: host']);
    assert.match(r.text, /^2024-01-15T00:00:00Z \{\} zero\n/);
  });

  it('pads labels to at least --labels-length', () => {
    const r = render([stream({ a: '1' }, [[0, 'x']]), stream({ a: '2' }, [[1, 'y']])], {
      fixedLabelsLen: 12,
      forward: true,
    });
    assert.equal(r.text, '2024-01-15T00:00:00Z {a="1"}      x\n2024-01-15T00:00:01Z {a="2"}      y\n');
  });

  it('skips the entries of the previous batch and returns all entries at the last timestamp', () => {
    const s = [
      stream({ a: '1' }, [
        [5, 'five'],
        [4, 'four-a'],
      ]),
      stream({ a: '2' }, [[4, 'four-b']]),
    ];
    const previous: Entry[] = [{ tsNs: sec(5), line: 'five' }];
    const r = render(s, {}, previous, 'raw');
    assert.equal(r.text, 'four-a\nfour-b\n');
    assert.equal(r.printed, 2);
    assert.deepEqual(
      r.lastEntries.map((e) => e.line),
      ['four-a', 'four-b'],
    );
  });

  it('returns nothing for an empty result', () => {
    const r = render([]);
    assert.deepEqual(r, { notes: [], text: '', printed: 0, lastEntries: [] });
  });
});
