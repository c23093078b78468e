// The LogQL the canary reads its stream with, and the label set it pushes with, built as
// loki-canary builds them (no escaping of values: its flags document that values must be plain).

import { goQuote } from '../config/values/duration.js';

export interface StreamIdentity {
  readonly labelName: string;
  readonly labelValue: string;
  readonly streamName: string;
  readonly streamValue: string;
  /** `-labels`: `a=b,c=d`; when set it replaces the selector built from the two pairs. */
  readonly labels: string;
}

/** `{stream="stdout",name="loki-canary"}`, or the pairs of `-labels`; throws on a pair without `=`. */
export function buildLabelSelector(id: StreamIdentity): string {
  if (id.labels !== '') {
    const pairs = id.labels.split(',').map((label) => {
      const eq = label.indexOf('=');
      if (eq < 0) throw new Error(`invalid label format: ${label}, expected key=value`);
      return `${label.slice(0, eq)}="${label.slice(eq + 1)}"`;
    });
    return `{${pairs.join(',')}}`;
  }
  return `{${id.streamName}="${id.streamValue}",${id.labelName}="${id.labelValue}"}`;
}

/** The log query of tails, spot checks and missing-entry checks: selector, a space, then `-query-append`. */
export function buildLogQuery(selector: string, queryAppend: string): string {
  return `${selector} ${queryAppend}`;
}

/** The metric test's and cache test's `count_over_time` over `range` (e.g. `86400s`). */
export function buildCountOverTimeQuery(selector: string, queryAppend: string, range: string): string {
  return queryAppend !== ''
    ? `count_over_time(${selector} ${queryAppend}[${range}])`
    : `count_over_time(${selector}[${range}])`;
}

/**
 * The labels pushed entries carry, as Prometheus' LabelSet.String() prints them: names sorted,
 * `, ` between pairs, values Go-quoted. When both pairs use the same name the stream value wins.
 */
export function pushLabels(id: StreamIdentity): string {
  const set = new Map<string, string>([
    [id.labelName, id.labelValue],
    [id.streamName, id.streamValue],
  ]);
  const names = [...set.keys()].sort();
  return `{${names.map((n) => `${n}=${goQuote(set.get(n)!)}`).join(', ')}}`;
}
