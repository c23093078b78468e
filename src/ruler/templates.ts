// Prometheus' alert templating (prometheus/template): labels and annotations
// of alerting rules are Go text/templates over the alert's labels and value,
// with Prometheus' functions (humanize, humanizeDuration, query, ...).
//
// Go's template engine is Skald's (src/logql/template); this module supplies
// the data and the functions. `query` runs a LogQL query, which is
// asynchronous while template functions are not: a template is executed
// once to learn the queries it asks for, the queries run, and it is executed
// again with their results (templates have no side effects, so this is safe).

import { formatGoDuration, parsePromDuration } from '../config/values/duration.js';
import { sprintf } from '../logql/template/fmt.js';
import { title, toLower, toUpper } from '../logql/template/gostrings.js';
import { GoLocation } from '../logql/template/gotime.js';
import {
  compileTemplate,
  type FunctionMap,
  fn,
  GoInt,
  GoTime,
  type GoValue,
  TemplateFunctionError,
} from '../logql/template/index.js';
import { replaceAllString } from '../logql/template/regexp-replace.js';
import { parseFloat64 } from '../logql/template/strconv.js';
import { queryEscape } from '../logql/template/urlcodec.js';
import { GoStringMap, mapGet, typeName } from '../logql/template/values.js';
import type { Labels } from '../util/labels.js';
import { compileGoRegexp, RegexpSyntaxError } from '../util/regexp.js';
import { formatGoTime } from '../util/time.js';

/** A sample of a `query` result. */
export interface TemplateSample {
  labels: Labels;
  value: number;
}

/** Runs a LogQL query at the template's evaluation time. */
export type TemplateQuery = (query: string) => Promise<TemplateSample[]>;

export interface ExpandOptions {
  /** The template's name, `__alert_<alertname>` for alerting rules. */
  name: string;
  /** The alert's labels ($labels). */
  labels: Labels;
  externalLabels: Labels;
  externalURL: string;
  /** The alert's value ($value). */
  value: number;
  /** Evaluation time in milliseconds (`now`). */
  timestampMs: number;
  /** For `query`; without it, `query` fails. */
  query?: TemplateQuery;
}

// The convenience variables Prometheus defines before every alert template.
const DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';
// Loki's check of uploaded rules defines these only (no $externalURL).
const CHECK_DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$value := .Value}}';

const UTC = GoLocation.fixedZone('UTC', 0);

/** A label set as Go's map[string]string: a missing key reads as "". */
function labelMap(labels: Labels): GoStringMap {
  return new GoStringMap(new Map(labels.map((l) => [l.name, l.value])));
}

/** prometheus/common's ConvertToFloat. */
function toFloat(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoInt && (v.type === 'int64' || v.type === 'uint' || v.type === 'uint64')) return Number(v.value);
  if (typeof v === 'string') {
    const r = parseFloat64(v);
    if (r.ok) return r.value;
    throw new TemplateFunctionError(
      `strconv.ParseFloat: parsing ${JSON.stringify(v)}: ${r.range ? 'value out of range' : 'invalid syntax'}`,
    );
  }
  throw new TemplateFunctionError(`can't convert ${typeName(v)} to float`);
}

const g4 = (v: number, suffix = ''): string => sprintf('%.4g', [v]) + suffix;

export function humanize(v: number): string {
  if (v === 0 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v, prefix);
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, prefix);
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v, prefix);
}

export function humanizeDuration(v: number): string {
  if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v, 's');
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const whole = Math.trunc(v);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

function floatToTimeNs(v: number): bigint {
  if (Number.isNaN(v) || !Number.isFinite(v)) throw new TemplateFunctionError('value is NaN or Inf');
  const ns = v * 1e9;
  if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18) {
    throw new TemplateFunctionError(`${v} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  return BigInt(Math.trunc(ns));
}

export function humanizeTimestamp(v: number): string {
  if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  return formatGoTime(floatToTimeNs(v));
}

/** net.SplitHostPort, reduced to what stripPort and stripDomain need. */
function splitHostPort(hostPort: string): { host: string; port: string } | null {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0 || hostPort[end + 1] !== ':') return null;
    return { host: hostPort.slice(1, end), port: hostPort.slice(end + 2) };
  }
  const i = hostPort.lastIndexOf(':');
  if (i < 0 || hostPort.indexOf(':') !== i) return null;
  return { host: hostPort.slice(0, i), port: hostPort.slice(i + 1) };
}

function isIP(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));
}

function compileRegexp(pattern: string): ReturnType<typeof compileGoRegexp> {
  try {
    return compileGoRegexp(pattern);
  } catch (err) {
    if (err instanceof RegexpSyntaxError) throw new TemplateFunctionError(err.message);
    throw err;
  }
}

interface QueryCache {
  results: Map<string, readonly GoValue[] | Error>;
  pending: Set<string>;
}

function queryResultValue(samples: readonly TemplateSample[]): GoValue[] {
  return samples.map((s) => ({ Labels: labelMap(s.labels), Value: s.value }));
}

function sampleOf(v: GoValue, fnName: string): { Labels: GoValue; Value: GoValue } {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('Labels' in (v as object))) {
    throw new TemplateFunctionError(`wrong type for value; expected *template.sample; got ${typeName(v)} in ${fnName}`);
  }
  return v as unknown as { Labels: GoValue; Value: GoValue };
}

function prometheusFunctions(opts: { timestampMs: number; externalURL: string; cache?: QueryCache }): FunctionMap {
  const ext = opts.externalURL;
  let extPath = '';
  try {
    extPath = ext === '' ? '' : new URL(ext).pathname;
  } catch {
    extPath = '';
  }
  return {
    query: fn(['string'], ([q]) => {
      const cache = opts.cache;
      if (!cache) throw new TemplateFunctionError('query is not available here');
      const r = cache.results.get(q as string);
      if (r === undefined) {
        cache.pending.add(q as string);
        return [];
      }
      if (r instanceof Error) throw new TemplateFunctionError(r.message);
      return r;
    }),
    first: fn(['interface {}'], ([v]) => {
      if (Array.isArray(v) && v.length > 0) return v[0] as GoValue;
      throw new TemplateFunctionError('first() called on vector with no elements');
    }),
    label: fn(['string', 'interface {}'], ([name, s]) => {
      const labels = sampleOf(s as GoValue, 'label').Labels;
      return (mapGet(labels, name as string) as string | undefined) ?? '';
    }),
    value: fn(['interface {}'], ([s]) => sampleOf(s as GoValue, 'value').Value),
    strvalue: fn(['interface {}'], ([s]) => {
      const labels = sampleOf(s as GoValue, 'strvalue').Labels;
      return (mapGet(labels, '__value__') as string | undefined) ?? '';
    }),
    args: fn(
      [],
      (args) => {
        const out = new Map<string, GoValue>();
        for (const [i, a] of args.entries()) out.set(`arg${i}`, a);
        return out;
      },
      'interface {}',
    ),
    reReplaceAll: fn(['string', 'string', 'string'], ([pattern, repl, text]) =>
      replaceAllString(compileRegexp(pattern as string), text as string, repl as string),
    ),
    safeHtml: fn(['string'], ([s]) => s as string),
    match: fn(['string', 'string'], ([pattern, text]) => compileRegexp(pattern as string).test(text as string)),
    title: fn(['string'], ([s]) => title(s as string)),
    toUpper: fn(['string'], ([s]) => toUpper(s as string)),
    toLower: fn(['string'], ([s]) => toLower(s as string)),
    graphLink: fn(['string'], ([e]) => `/graph?g0.expr=${queryEscape(e as string)}&g0.tab=0`),
    tableLink: fn(['string'], ([e]) => `/graph?g0.expr=${queryEscape(e as string)}&g0.tab=1`),
    sortByLabel: fn(['string', 'interface {}'], ([name, v]) => {
      if (!Array.isArray(v)) throw new TemplateFunctionError(`wrong type for value; expected template.queryResult`);
      const key = (s: GoValue) => (mapGet(sampleOf(s, 'sortByLabel').Labels, name as string) as string) ?? '';
      // Array.prototype.sort is stable, as sort.Stable.
      return [...(v as GoValue[])].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    }),
    stripPort: fn(['string'], ([hp]) => splitHostPort(hp as string)?.host ?? (hp as string)),
    stripDomain: fn(['string'], ([hp]) => {
      const split = splitHostPort(hp as string);
      const host = split ? split.host : (hp as string);
      if (isIP(host)) return hp as string;
      const short = host.split('.')[0]!;
      if (split && split.port !== '')
        return short.includes(':') ? `[${short}]:${split.port}` : `${short}:${split.port}`;
      return short;
    }),
    humanize: fn(['interface {}'], ([v]) => humanize(toFloat(v as GoValue))),
    humanize1024: fn(['interface {}'], ([v]) => humanize1024(toFloat(v as GoValue))),
    humanizeDuration: fn(['interface {}'], ([v]) => humanizeDuration(toFloat(v as GoValue))),
    humanizePercentage: fn(['interface {}'], ([v]) => g4(toFloat(v as GoValue) * 100, '%')),
    humanizeTimestamp: fn(['interface {}'], ([v]) => humanizeTimestamp(toFloat(v as GoValue))),
    toTime: fn(['interface {}'], ([v]) => GoTime.fromUnixNano(floatToTimeNs(toFloat(v as GoValue)), UTC)),
    toDuration: fn(['interface {}'], ([v]) => formatGoDuration(toFloat(v as GoValue) * 1000)),
    now: fn([], () => opts.timestampMs / 1000),
    pathPrefix: fn([], () => extPath),
    externalURL: fn([], () => ext),
    parseDuration: fn(['string'], ([d]) => {
      const text = d as string;
      const negative = text.startsWith('-');
      try {
        const ms = parsePromDuration(negative ? text.slice(1) : text);
        return (negative ? -ms : ms) / 1000;
      } catch (err) {
        throw new TemplateFunctionError((err as Error).message);
      }
    }),
    urlQueryEscape: fn(['string'], ([s]) => queryEscape(s as string)),
  };
}

const FUNCTION_NAMES_ONLY = prometheusFunctions({ timestampMs: 0, externalURL: '' });

/**
 * Parses a label or annotation template of alert `alert` as Loki does when a
 * rule is uploaded; returns Go's parse error text, or null.
 */
export function checkTemplateSyntax(alert: string, text: string): string | null {
  try {
    compileTemplate(CHECK_DEFS + text, { name: `__alert_${alert}`, functions: FUNCTION_NAMES_ONLY });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const MAX_QUERY_PASSES = 8;

/**
 * Expands one label or annotation template (Prometheus' Expander.Expand):
 * the expanded text, or an error whose message reads as Prometheus'.
 */
export async function expandTemplate(text: string, opts: ExpandOptions): Promise<string> {
  const cache: QueryCache = { results: new Map(), pending: new Set() };
  const functions = prometheusFunctions({ timestampMs: opts.timestampMs, externalURL: opts.externalURL, cache });
  let tmpl: ReturnType<typeof compileTemplate>;
  try {
    tmpl = compileTemplate(DEFS + text, { name: opts.name, functions, missingKey: 'zero' });
  } catch (err) {
    throw new Error(`error parsing template ${opts.name}: ${(err as Error).message}`);
  }
  const data: GoValue = {
    Labels: labelMap(opts.labels),
    ExternalLabels: labelMap(opts.externalLabels),
    ExternalURL: opts.externalURL,
    Value: opts.value,
  };
  for (let pass = 0; ; pass++) {
    let out: string;
    try {
      out = tmpl.executeData(data);
    } catch (err) {
      if (cache.pending.size === 0) throw new Error(`error executing template ${opts.name}: ${(err as Error).message}`);
      out = '';
    }
    if (cache.pending.size === 0 || pass >= MAX_QUERY_PASSES) return out;
    const queries = [...cache.pending];
    cache.pending.clear();
    await Promise.all(
      queries.map(async (q) => {
        if (!opts.query) {
          cache.results.set(q, new Error('query is not available here'));
          return;
        }
        try {
          cache.results.set(q, queryResultValue(await opts.query(q)));
        } catch (err) {
          cache.results.set(q, err instanceof Error ? err : new Error(String(err)));
        }
      }),
    );
  }
}
