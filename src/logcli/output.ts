// logcli's three output modes for log lines (`-o default|raw|jsonl`). Each
// formats one entry into one line of text, newline included.
import { type Colorizer, labelColor } from './format/color.js';
import { jsonString, marshal } from './format/go-json.js';
import { goTrimSpace } from './format/go-text.js';
import { formatTimestamp, type TimestampLayout } from './format/time-layout.js';
import type { TimeZone } from './format/time-zone.js';
import { formatLabelSet, type LabelSet, labelSetJson } from './labels.js';

export const OUTPUT_MODES = ['default', 'raw', 'jsonl'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

export interface LogOutputOptions {
  zone: TimeZone;
  noLabels: boolean;
  coloredOutput: boolean;
  /** Only the default mode uses it; jsonl always writes RFC3339Nano. */
  timestampFormat: TimestampLayout;
  colors: Colorizer;
}

export interface LogFormatter {
  /** One entry as a line of text ending in "\n". */
  format(tsNs: bigint, labels: LabelSet, maxLabelsLen: number, line: string): string;
}

/** `<timestamp> <labels padded to maxLabelsLen> <line without surrounding space>` */
class DefaultFormatter implements LogFormatter {
  constructor(private readonly opts: LogOutputOptions) {}

  format(tsNs: bigint, labels: LabelSet, maxLabelsLen: number, line: string): string {
    const { colors } = this.opts;
    const timestamp = colors.blue(formatTimestamp(tsNs, this.opts.zone, this.opts.timestampFormat));
    const text = goTrimSpace(line);
    if (this.opts.noLabels) return `${timestamp} ${text}\n`;
    const plain = formatLabelSet(labels);
    // Go pads by byte length, so multi-byte labels get less padding.
    const width = Buffer.byteLength(plain);
    const padded = width < maxLabelsLen ? plain + ' '.repeat(maxLabelsLen - width) : plain;
    const painted = this.opts.coloredOutput ? colors.paint(padded, labelColor(plain)) : colors.red(padded);
    return `${timestamp} ${painted} ${text}\n`;
  }
}

/** The line alone, one trailing newline removed. */
class RawFormatter implements LogFormatter {
  format(_tsNs: bigint, _labels: LabelSet, _maxLabelsLen: number, line: string): string {
    return `${line.endsWith('\n') ? line.slice(0, -1) : line}\n`;
  }
}

/** `{"labels":{...},"line":"...","timestamp":"<RFC3339Nano>"}`: a Go map, so keys sorted. */
class JsonlFormatter implements LogFormatter {
  constructor(private readonly opts: LogOutputOptions) {}

  format(tsNs: bigint, labels: LabelSet, _maxLabelsLen: number, line: string): string {
    const timestamp = jsonString(formatTimestamp(tsNs, this.opts.zone, 'rfc3339nano'));
    const prefix = this.opts.noLabels ? '' : `"labels":${marshal(labelSetJson(labels))},`;
    return `{${prefix}"line":${jsonString(line)},"timestamp":${timestamp}}\n`;
  }
}

export function newLogFormatter(mode: OutputMode, opts: LogOutputOptions): LogFormatter {
  switch (mode) {
    case 'default':
      return new DefaultFormatter(opts);
    case 'raw':
      return new RawFormatter();
    case 'jsonl':
      return new JsonlFormatter(opts);
  }
}
