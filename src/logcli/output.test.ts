import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Colorizer, labelColor } from './format/color.js';
import type { TimestampLayout } from './format/time-layout.js';
import { localZone, type TimeZone, UTC_ZONE } from './format/time-zone.js';
import { formatLabelSet, type LabelSet } from './labels.js';
import { type LogOutputOptions, newLogFormatter, type OutputMode } from './output.js';

// 2006-01-02T15:04:05.123456789+07:00
const TS = 1136189045123456789n;
const NONE: LabelSet = new Map();
const TYPE_TEST: LabelSet = new Map([['type', 'test']]);
const PLUS_TWO = localZone({ TZ: 'Etc/GMT-2' });

function format(
  mode: OutputMode,
  labels: LabelSet,
  maxLabelsLen: number,
  line: string,
  opts: {
    zone?: TimeZone;
    noLabels?: boolean;
    colored?: boolean;
    timestampFormat?: TimestampLayout;
    tty?: boolean;
  } = {},
): string {
  const options: LogOutputOptions = {
    zone: opts.zone ?? UTC_ZONE,
    noLabels: opts.noLabels ?? false,
    coloredOutput: opts.colored ?? false,
    timestampFormat: opts.timestampFormat ?? 'rfc3339',
    colors: new Colorizer(opts.tty ?? false),
  };
  return newLogFormatter(mode, options).format(TS, labels, maxLabelsLen, line);
}

describe('default output', () => {
  it('prints timestamp, labels and line separated by spaces', () => {
    assert.equal(format('default', TYPE_TEST, 0, 'Hello'), '2006-01-02T08:04:05Z {type="test"} Hello\n');
  });

  it('keeps the separators around an empty line and empty labels', () => {
    assert.equal(format('default', NONE, 0, ''), '2006-01-02T08:04:05Z {} \n');
    assert.equal(format('default', TYPE_TEST, 13, ''), '2006-01-02T08:04:05Z {type="test"} \n');
  });

  it('pads labels to the given width so that lines line up', () => {
    assert.equal(format('default', TYPE_TEST, 20, 'Hello'), '2006-01-02T08:04:05Z {type="test"}        Hello\n');
    const a = format('default', TYPE_TEST, 30, 'XXX');
    const b = format('default', new Map([['type', 'a-longer-test']]), 30, 'XXX');
    assert.equal(a.indexOf('XXX'), b.indexOf('XXX'));
  });

  it('pads by bytes, as Go measures strings', () => {
    assert.equal(format('default', new Map([['a', 'é']]), 10, 'x'), '2006-01-02T08:04:05Z {a="é"}   x\n');
  });

  it('trims white space around the line', () => {
    assert.equal(format('default', NONE, 0, '  padded line \n'), '2006-01-02T08:04:05Z {} padded line\n');
  });

  it('shows the time in the chosen zone and layout', () => {
    assert.equal(
      format('default', TYPE_TEST, 0, 'Hello', { zone: PLUS_TWO }),
      '2006-01-02T10:04:05+02:00 {type="test"} Hello\n',
    );
    assert.equal(
      format('default', NONE, 0, 'Hello', { timestampFormat: 'rfc3339nano' }),
      '2006-01-02T08:04:05.123456789Z {} Hello\n',
    );
    assert.equal(
      format('default', NONE, 0, 'Hello', { timestampFormat: 'stampmicro' }),
      'Jan  2 08:04:05.123456 {} Hello\n',
    );
  });

  it('leaves labels out with --no-labels', () => {
    assert.equal(format('default', TYPE_TEST, 0, 'Hello', { noLabels: true }), '2006-01-02T08:04:05Z Hello\n');
  });

  it('colours the timestamp blue and the labels red on a terminal', () => {
    assert.equal(
      format('default', TYPE_TEST, 0, 'Hello', { tty: true }),
      '\x1b[34m2006-01-02T08:04:05Z\x1b[0m \x1b[31m{type="test"}\x1b[0m Hello\n',
    );
  });

  it('gives each label set its own colour with --colored-output', () => {
    const color = labelColor(formatLabelSet(TYPE_TEST));
    assert.equal(
      format('default', TYPE_TEST, 0, 'Hello', { tty: true, colored: true }),
      `\x1b[34m2006-01-02T08:04:05Z\x1b[0m \x1b[${color}m{type="test"}\x1b[0m Hello\n`,
    );
  });
});

describe('raw output', () => {
  it('prints the line alone, without one trailing newline', () => {
    assert.equal(format('raw', TYPE_TEST, 20, 'Hello'), 'Hello\n');
    assert.equal(format('raw', TYPE_TEST, 0, 'Hello\n'), 'Hello\n');
    assert.equal(format('raw', TYPE_TEST, 0, 'Hello\n\n'), 'Hello\n\n');
    assert.equal(format('raw', TYPE_TEST, 0, '  spaced  '), '  spaced  \n');
  });
});

describe('jsonl output', () => {
  it('prints labels, line and timestamp in that key order', () => {
    assert.equal(
      format('jsonl', TYPE_TEST, 0, 'Hello'),
      '{"labels":{"type":"test"},"line":"Hello","timestamp":"2006-01-02T08:04:05.123456789Z"}\n',
    );
    assert.equal(
      format('jsonl', NONE, 0, ''),
      '{"labels":{},"line":"","timestamp":"2006-01-02T08:04:05.123456789Z"}\n',
    );
  });

  it('writes the timestamp in the chosen zone', () => {
    assert.equal(
      format('jsonl', TYPE_TEST, 0, 'Hello', { zone: PLUS_TWO }),
      '{"labels":{"type":"test"},"line":"Hello","timestamp":"2006-01-02T10:04:05.123456789+02:00"}\n',
    );
  });

  it('leaves labels out with --no-labels and escapes like Go', () => {
    assert.equal(
      format('jsonl', TYPE_TEST, 0, '<b>&"\n', { noLabels: true }),
      '{"line":"\\u003cb\\u003e\\u0026\\"\\n","timestamp":"2006-01-02T08:04:05.123456789Z"}\n',
    );
  });

  it('sorts label keys', () => {
    const labels = new Map([
      ['z', '1'],
      ['a', '2'],
    ]);
    assert.match(format('jsonl', labels, 0, 'x'), /^\{"labels":\{"a":"2","z":"1"\}/);
  });
});
