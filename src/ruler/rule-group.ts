// Rule groups: Prometheus' rule-file format (rulefmt) with LogQL expressions,
// as Loki reads it from rule files and from the ruler API, checks it
// (pkg/ruler/compat.go ValidateGroups) and writes it back as YAML.
//
// A group in memory is Loki's RuleGroupDesc: the group as stored, with the
// tenant (`user`) and namespace it belongs to. Labels and annotations are kept
// sorted by name, as Prometheus' labels.Labels are.

import { Document, isMap, isScalar, isSeq, LineCounter, type Node, parse, parseDocument, visit } from 'yaml';
import { formatPromDuration, parsePromDuration } from '../config/values/duration.js';
import { ParseError, parseSampleExpr, QueryKindError } from '../logql/syntax/index.js';
import { type Labels, labelsFromRecord } from '../util/labels.js';
import { checkTemplateSyntax } from './templates.js';

export interface RuleDesc {
  expr: string;
  /** Set for recording rules. */
  record: string;
  /** Set for alerting rules. */
  alert: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
}

export interface RuleGroupDesc {
  name: string;
  namespace: string;
  /** 0: the ruler's evaluation_interval. */
  intervalMs: number;
  rules: RuleDesc[];
  /** The tenant. */
  user: string;
  /** Maximum alerts or series a rule may produce; 0 for no limit. */
  limit: number;
}

/** A group as written in YAML, before it is given a tenant and a namespace. */
export type RuleGroup = Omit<RuleGroupDesc, 'namespace' | 'user'>;

/** A YAML document Loki cannot decode into a rule group; the message follows Go's yaml.v3. */
export class RuleFormatError extends Error {
  override name = 'RuleFormatError';
}

const emptyRule = (): RuleDesc => ({
  expr: '',
  record: '',
  alert: '',
  forMs: 0,
  keepFiringForMs: 0,
  labels: [],
  annotations: [],
});

// ---------------------------------------------------------------------------
// Decoding (go.yaml.in/yaml/v3 into rulefmt structs)

interface Decoder {
  lines: LineCounter;
  /** Unknown keys are errors (rule files: decoder.KnownFields(true)); the API ignores them. */
  strict: boolean;
  errors: string[];
}

function lineOf(d: Decoder, node: Node): number {
  return d.lines.linePos(node.range?.[0] ?? 0).line;
}

function tagOf(node: Node): string {
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return '!!null';
    if (typeof v === 'boolean') return '!!bool';
    if (typeof v === 'number') return Number.isInteger(v) && !String(node.source).includes('.') ? '!!int' : '!!float';
    return '!!str';
  }
  return '!!str';
}

function scalarText(node: Node): string {
  if (!isScalar(node)) return '';
  const v = node.value;
  if (v === null) return '';
  // Go's decoder fills a string field with the scalar as written (`count: 10` gives "10").
  return typeof node.source === 'string' ? node.source : String(v);
}

function decodeString(d: Decoder, node: Node | null | undefined): string {
  if (!node) return '';
  if (!isScalar(node)) {
    d.errors.push(`line ${lineOf(d, node)}: cannot unmarshal ${tagOf(node)} into string`);
    return '';
  }
  return scalarText(node);
}

function decodeDuration(d: Decoder, node: Node | null | undefined): number {
  if (!node || (isScalar(node) && node.value === null)) return 0;
  const text = decodeString(d, node);
  try {
    return parsePromDuration(text);
  } catch (err) {
    // model.Duration's UnmarshalYAML error stops decoding with its own message.
    throw new RuleFormatError((err as Error).message);
  }
}

function decodeInt(d: Decoder, node: Node | null | undefined): number {
  if (!node || (isScalar(node) && node.value === null)) return 0;
  if (isScalar(node) && tagOf(node) === '!!int') return Number(node.value);
  const shown = isScalar(node) ? ` \`${scalarText(node)}\`` : '';
  d.errors.push(`line ${lineOf(d, node)}: cannot unmarshal ${tagOf(node)}${shown} into int`);
  return 0;
}

function decodeStringMap(d: Decoder, node: Node | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!node || (isScalar(node) && node.value === null)) return out;
  if (!isMap(node)) {
    d.errors.push(`line ${lineOf(d, node)}: cannot unmarshal ${tagOf(node)} into map[string]string`);
    return out;
  }
  for (const pair of node.items) {
    const key = decodeString(d, pair.key as Node);
    out[key] = decodeString(d, pair.value as Node | null);
  }
  return out;
}

function decodeStruct(
  d: Decoder,
  node: Node | null | undefined,
  type: string,
  fields: Record<string, (value: Node | null) => void>,
): void {
  if (!node || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    d.errors.push(`line ${lineOf(d, node)}: cannot unmarshal ${tagOf(node)} into ${type}`);
    return;
  }
  for (const pair of node.items) {
    const key = scalarText(pair.key as Node);
    const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (field) field(pair.value as Node | null);
    else if (d.strict) d.errors.push(`line ${lineOf(d, pair.key as Node)}: field ${key} not found in type ${type}`);
  }
}

function decodeRule(d: Decoder, node: Node | null): RuleDesc {
  const r = emptyRule();
  decodeStruct(d, node, 'rulefmt.Rule', {
    record: (v) => {
      r.record = decodeString(d, v);
    },
    alert: (v) => {
      r.alert = decodeString(d, v);
    },
    expr: (v) => {
      r.expr = decodeString(d, v);
    },
    for: (v) => {
      r.forMs = decodeDuration(d, v);
    },
    keep_firing_for: (v) => {
      r.keepFiringForMs = decodeDuration(d, v);
    },
    labels: (v) => {
      r.labels = labelsFromRecord(decodeStringMap(d, v));
    },
    annotations: (v) => {
      r.annotations = labelsFromRecord(decodeStringMap(d, v));
    },
  });
  return r;
}

function decodeGroup(d: Decoder, node: Node | null): RuleGroup {
  const g: RuleGroup = { name: '', intervalMs: 0, rules: [], limit: 0 };
  decodeStruct(d, node, 'rulefmt.RuleGroup', {
    name: (v) => {
      g.name = decodeString(d, v);
    },
    interval: (v) => {
      g.intervalMs = decodeDuration(d, v);
    },
    // Read and checked as Prometheus does, but Loki does not keep them.
    query_offset: (v) => {
      decodeDuration(d, v);
    },
    limit: (v) => {
      g.limit = decodeInt(d, v);
    },
    rules: (v) => {
      g.rules = decodeList(d, v, 'rulefmt.Rule', decodeRule);
    },
    labels: (v) => {
      decodeStringMap(d, v);
    },
  });
  return g;
}

function decodeList<T>(d: Decoder, node: Node | null, type: string, item: (d: Decoder, n: Node | null) => T): T[] {
  if (!node || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    d.errors.push(`line ${lineOf(d, node)}: cannot unmarshal ${tagOf(node)} into []${type}`);
    return [];
  }
  return node.items.map((n) => item(d, n as Node | null));
}

function parseYaml(text: string, strict: boolean): { root: Node | null; d: Decoder } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new RuleFormatError(`yaml: ${line ? `line ${line}: ` : ''}${first.message.split('\n')[0]}`);
  }
  return { root: (doc.contents as Node | null) ?? null, d: { lines, strict, errors: [] } };
}

function finish<T>(d: Decoder, value: T): T {
  if (d.errors.length > 0) throw new RuleFormatError(`yaml: unmarshal errors:\n  ${d.errors.join('\n  ')}`);
  return value;
}

/** One group, as the ruler API receives it (unknown keys are ignored, as yaml.Unmarshal does). */
export function parseRuleGroup(text: string): RuleGroup {
  const { root, d } = parseYaml(text, false);
  return finish(d, decodeGroup(d, root));
}

/** A rule file (`groups:` list), read strictly as Loki's GroupLoader does. */
export function parseRuleFile(text: string): RuleGroup[] {
  const { root, d } = parseYaml(text, true);
  let groups: RuleGroup[] = [];
  decodeStruct(d, root, 'rulefmt.RuleGroups', {
    groups: (v) => {
      groups = decodeList(d, v, 'rulefmt.RuleGroup', decodeGroup);
    },
  });
  return finish(d, groups);
}

// ---------------------------------------------------------------------------
// Validation (Loki's ValidateGroups: one error at most per rule)

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function isValidLabelValue(v: string): boolean {
  // Go's utf8.ValidString: a lone surrogate is the only invalid text a JS string can hold.
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v);
}

function validateExpr(r: RuleDesc, group: string): string | null {
  try {
    parseSampleExpr(r.expr);
    return null;
  } catch (err) {
    if (!(err instanceof ParseError || err instanceof QueryKindError)) throw err;
    const what = r.record !== '' ? `record '${r.record}'` : `alert '${r.alert}'`;
    return `could not parse expression for ${what} in group '${group}': ${err.message}`;
  }
}

function validateRule(r: RuleDesc, group: string): string | null {
  if (r.record !== '' && r.alert !== '') return "only one of 'record' and 'alert' must be set";
  if (r.record === '' && r.alert === '') return "one of 'record' or 'alert' must be set";
  if (r.expr === '') return "field 'expr' must be set in rule";
  const exprErr = validateExpr(r, group);
  if (exprErr) return exprErr;
  if (r.record !== '') {
    if (r.annotations.length > 0) return "invalid field 'annotations' in recording rule";
    if (r.forMs !== 0) return "invalid field 'for' in recording rule";
    if (r.keepFiringForMs !== 0) return "invalid field 'keep_firing_for' in recording rule";
    if (!LEGACY_METRIC_NAME.test(r.record)) return `invalid recording rule name: ${r.record}`;
  }
  for (const { name, value } of r.labels) {
    if (!LEGACY_LABEL_NAME.test(name) || name === '__name__') return `invalid label name: ${name}`;
    if (!isValidLabelValue(value)) return `invalid label value: ${value}`;
  }
  for (const { name } of r.annotations) {
    if (!LEGACY_LABEL_NAME.test(name)) return `invalid annotation name: ${name}`;
  }
  if (r.alert !== '') {
    for (const [kind, set] of [
      ['label', r.labels],
      ['annotation', r.annotations],
    ] as const) {
      for (const { name, value } of set) {
        const err = checkTemplateSyntax(r.alert, value);
        if (err) return `${kind} ${JSON.stringify(name)}: ${err}`;
      }
    }
  }
  return null;
}

/**
 * Loki's checks of rule groups (pkg/ruler/compat.go): group names present and
 * unique, and per rule its first problem. Expressions must be LogQL metric
 * queries: a rule evaluates to samples.
 */
export function validateGroups(groups: readonly RuleGroup[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    if (g.name === '') errors.push(`group ${i}: Groupname must not be empty`);
    if (seen.has(g.name)) errors.push(`groupname: "${g.name}" is repeated in the same file`);
    seen.add(g.name);
    for (const r of g.rules) {
      const err = validateRule(r, g.name);
      if (err) errors.push(err);
    }
  });
  return errors;
}

// ---------------------------------------------------------------------------
// Encoding (rulespb.FromProto, marshalled by yaml.v3)

function labelsObject(labels: Labels): Record<string, string> | undefined {
  if (labels.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const l of labels) out[l.name] = l.value;
  return out;
}

/** The group as rulefmt marshals it: empty fields left out, durations in Prometheus' notation. */
export function ruleGroupToYamlObject(g: RuleGroup): Record<string, unknown> {
  const out: Record<string, unknown> = { name: g.name };
  if (g.intervalMs !== 0) out.interval = formatPromDuration(g.intervalMs);
  if (g.limit !== 0) out.limit = g.limit;
  out.rules = g.rules.map((r) => {
    const rule: Record<string, unknown> = {};
    if (r.record !== '') rule.record = r.record;
    else rule.alert = r.alert;
    rule.expr = r.expr;
    if (r.forMs !== 0) rule.for = formatPromDuration(r.forMs);
    if (r.keepFiringForMs !== 0) rule.keep_firing_for = formatPromDuration(r.keepFiringForMs);
    const labels = labelsObject(r.labels);
    if (labels) rule.labels = labels;
    const annotations = labelsObject(r.annotations);
    if (annotations) rule.annotations = annotations;
    return rule;
  });
  return out;
}

// yaml.v3 indents by four spaces and quotes with single quotes when a plain scalar will not do.
const YAML_OPTIONS = { indent: 4, singleQuote: true, lineWidth: 0 } as const;

// Words YAML 1.1 read as booleans; yaml.v3 quotes them so older readers keep them strings.
const OLD_BOOLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
]);

function readsAsNonString(s: string): boolean {
  if (OLD_BOOLS.has(s)) return true;
  try {
    return typeof parse(s) !== 'string';
  } catch {
    return false;
  }
}

/** Marshals like yaml.v3: strings that would read back as numbers, booleans or null are double-quoted. */
function stringify(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value !== '' && readsAsNonString(node.value))
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(YAML_OPTIONS);
}

export function formatRuleGroupYaml(g: RuleGroup): string {
  return stringify(ruleGroupToYamlObject(g));
}

/** Groups by namespace (`Formatted()`), namespaces in sorted order as Go's encoder writes map keys. */
export function formatNamespacesYaml(groups: readonly RuleGroupDesc[]): string {
  const byNamespace = new Map<string, Record<string, unknown>[]>();
  for (const g of groups) {
    const list = byNamespace.get(g.namespace) ?? [];
    list.push(ruleGroupToYamlObject(g));
    byNamespace.set(g.namespace, list);
  }
  const out: Record<string, unknown> = {};
  for (const ns of [...byNamespace.keys()].sort()) out[ns] = byNamespace.get(ns);
  return stringify(out);
}

/** Rule groups as a rule file (`groups:`), as Loki's mapper writes them under rule_path. */
export function formatRuleFileYaml(groups: readonly RuleGroup[]): string {
  return stringify({ groups: groups.map(ruleGroupToYamlObject) });
}

/** A RuleGroupDesc for a tenant's namespace (rulespb.ToProto). */
export function toDesc(user: string, namespace: string, g: RuleGroup): RuleGroupDesc {
  return { ...g, namespace, user };
}
