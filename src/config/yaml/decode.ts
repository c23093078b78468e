// Decoding YAML nodes into config values following the spec tree, with the semantics of Go's
// yaml.v2 as Loki uses it (strict mode): unknown keys and wrongly typed values are collected as
// `line N: ...` issues worded exactly like yaml.v2 / the Go type's own parser, values replace
// defaults key by key, lists are replaced, maps are merged entry by entry, and a null value resets
// a scalar to its Go zero value.

import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { untypedDefault, zeroValue } from '../schema/defaults.js';
import type { BlockSpec, ScalarSpec, Spec } from '../schema/dsl.js';
import { parseBase2Bytes, parseByteSize } from '../values/bytesize.js';
import { parseDayTime, parseFlagTime } from '../values/daytime.js';
import { goQuote, nsToMs, parseGoDurationNs, parsePromDuration } from '../values/duration.js';
import type { YamlSource } from './document.js';
import { type Resolved, resolvePlain, type YamlTag } from './resolve.js';

export interface DecodeIssue {
  /** 1-based line in the file. */
  readonly line: number;
  /** Dotted config path of the offending key (`limits_config.max_line_size`, `schema_config.configs[0].from`). */
  readonly path: string;
  /** yaml.v2's wording, without the `line N: ` prefix. */
  readonly message: string;
  /** `unknown-key`: "field X not found in type T"; `duplicate-key`: "... already set ..."; else a bad value. */
  readonly kind: 'unknown-key' | 'duplicate-key' | 'value';
}

export interface DecodeOptions {
  /** Reject keys the schema does not know, and duplicate keys (Loki's strict first pass). */
  readonly strict: boolean;
  /** Called for every value the file assigns (leaves, whole lists, whole maps). */
  readonly onSet?: (path: string, spec: Spec) => void;
}

type Mapping = Record<string, unknown>;

/** Decodes `node` into the block value `target` in place and returns the issues found. */
export function decodeBlockInto(
  source: YamlSource,
  spec: BlockSpec,
  target: Mapping,
  node: Node | null,
  basePath: string,
  options: DecodeOptions,
): DecodeIssue[] {
  const decoder = new Decoder(source, options);
  decoder.decode(spec, target, node, basePath);
  return decoder.issues;
}

/** yaml.v2's error list; entries name the config path when the message alone does not. */
export function formatDecodeIssues(issues: readonly DecodeIssue[]): string {
  // Issues in data that did not come from a file (line 0) carry no line.
  const lines = issues.map(
    (i) => `  ${i.line > 0 ? `line ${i.line}: ` : ''}${i.message}${i.kind === 'value' ? ` (at ${i.path})` : ''}`,
  );
  return `yaml: unmarshal errors:\n${lines.join('\n')}`;
}

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int: [-(2 ** 63), 2 ** 63 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int8: [-128, 127],
  uint: [0, 2 ** 64 - 1],
  uint64: [0, 2 ** 64 - 1],
  uint32: [0, 2 ** 32 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint8: [0, 255],
};

/** Go types whose YAML unmarshaler first reads a plain string. */
const STRING_FIRST_KINDS = new Set(['model_duration', 'bytesize', 'bytes', 'csv', 'daytime', 'time', 'secret', 'url']);

const TLS_VERSIONS = new Set(['TLS10', 'TLS11', 'TLS12', 'TLS13']);
const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

interface ScalarInfo {
  readonly tag: YamlTag;
  readonly value: Resolved['value'];
  /** The text yaml.v2 keeps for string targets: the source of a plain scalar, the decoded quoted text. */
  readonly text: string;
}

class Decoder {
  readonly issues: DecodeIssue[] = [];

  constructor(
    private readonly source: YamlSource,
    private readonly options: DecodeOptions,
  ) {}

  /** Decodes one node against one spec; returns the new value (blocks are filled in place). */
  decode(spec: Spec, current: unknown, rawNode: Node | null, path: string): unknown {
    const node = rawNode ? this.source.deref(rawNode) : null;
    if (node === null || this.isNull(node)) {
      // yaml.v2 resets the field to Go's zero value; for a whole block that would wipe Loki's
      // defaults, which no operator writing `ingester:` with every child commented out intends.
      if (spec.kind === 'block') return current;
      this.options.onSet?.(path, spec);
      return zeroValue(spec);
    }
    switch (spec.kind) {
      case 'block':
        if (isMap(node)) this.mapping(spec, current as Mapping, node, path);
        else this.typeError(node, spec.go, path);
        return current;
      case 'list':
        if (!isSeq(node)) return this.typeError(node, spec.go, path, current);
        this.options.onSet?.(path, spec);
        return (node as YAMLSeq<Node>).items.map((item, i) => {
          const elemPath = `${path}[${i}]`;
          return this.decode(spec.elem, untypedDefault(spec.elem), item, elemPath);
        });
      case 'map': {
        if (!isMap(node)) return this.typeError(node, spec.go, path, current);
        this.options.onSet?.(path, spec);
        const out: Mapping = { ...(current as Mapping) };
        this.forEachPair(node, path, (key, value) => {
          out[key] = this.decode(spec.elem, untypedDefault(spec.elem), value, `${path}.${key}`);
        });
        return out;
      }
      default: {
        const value = this.scalar(spec, current, node, path);
        this.options.onSet?.(path, spec);
        return value;
      }
    }
  }

  private mapping(spec: BlockSpec, target: Mapping, node: YAMLMap, path: string): void {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyNode && isScalar(keyNode) ? this.scalarInfo(keyNode).text : '';
      if (keyNode && isScalar(keyNode) && key === '<<' && keyNode.type === 'PLAIN') {
        this.merge(spec, target, pair.value as Node | null, path);
        continue;
      }
      const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
      const fieldPath = path ? `${path}.${key}` : key;
      if (!field) {
        if (this.options.strict) {
          this.issue(keyNode, fieldPath, `field ${key} not found in type ${spec.go}`, 'unknown-key');
        }
        continue;
      }
      if (this.options.strict && seen.has(key)) {
        this.issue(keyNode, fieldPath, `field ${key} already set in type ${spec.go}`, 'duplicate-key');
        continue;
      }
      seen.add(key);
      target[key] = this.decode(field, target[key], pair.value as Node | null, fieldPath);
    }
  }

  /** `<<: *anchor` (or a list of anchors): the named mappings' keys, as if written here. */
  private merge(spec: BlockSpec, target: Mapping, value: Node | null, path: string): void {
    const node = value ? this.source.deref(value) : null;
    if (node && isMap(node)) this.mapping(spec, target, node, path);
    else if (node && isSeq(node)) for (const item of node.items) this.merge(spec, target, item as Node, path);
  }

  /** Map entries in order; in strict mode a repeated key is reported and skipped. */
  private forEachPair(node: YAMLMap, path: string, fn: (key: string, value: Node | null) => void): void {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyNode && isScalar(keyNode) ? this.scalarInfo(keyNode).text : '';
      if (this.options.strict && seen.has(key)) {
        this.issue(keyNode, `${path}.${key}`, `key ${goQuote(key)} already set in map`, 'duplicate-key');
        continue;
      }
      seen.add(key);
      fn(key, pair.value as Node | null);
    }
  }

  private scalar(spec: ScalarSpec, current: unknown, node: Node, path: string): unknown {
    if (spec.kind === 'any') return node.toJSON();
    // dskit's StringSliceCSVMulti takes either a comma-separated string or a list.
    const listForm = spec.kind === 'strings' || (spec.go === 'flagext.StringSliceCSVMulti' && isSeq(node));
    if (listForm) {
      if (!isSeq(node)) return this.typeError(node, spec.go, path, current);
      const out: string[] = [];
      for (const item of (node as YAMLSeq<Node>).items) {
        const n = this.source.deref(item);
        if (!isScalar(n)) this.typeError(n, 'string', path);
        else out.push(this.isNull(n) ? '' : this.scalarInfo(n).text);
      }
      return out;
    }
    if (spec.kind === 'string_map') {
      if (!isMap(node)) return this.typeError(node, spec.go, path, current);
      const out: Record<string, string> = { ...(current as Record<string, string>) };
      this.forEachPair(node, path, (key, valueNode) => {
        const n = valueNode ? this.source.deref(valueNode) : null;
        if (n === null || this.isNull(n)) out[key] = '';
        else if (!isScalar(n)) this.typeError(n, 'string', `${path}.${key}`);
        else out[key] = this.scalarInfo(n).text;
      });
      return out;
    }
    if (!isScalar(node)) {
      // Types with their own unmarshaler read a string first, so that is the type yaml.v2 names.
      const target = STRING_FIRST_KINDS.has(spec.kind) || spec.kind === 'string' ? 'string' : spec.go;
      return this.typeError(node, target, path, current);
    }
    const info = this.scalarInfo(node);
    switch (spec.kind) {
      case 'string':
        return this.checkedString(spec, info.text, node, path);
      case 'secret':
      case 'url':
        return info.text;
      case 'bool':
        if (info.tag === '!!bool') return info.value;
        return this.typeError(node, spec.go, path, current, info);
      case 'int':
        return this.int(spec, info, node, path, current);
      case 'float':
        if (info.tag === '!!int' || info.tag === '!!float') return info.value;
        return this.typeError(node, spec.go, path, current, info);
      case 'duration':
        return this.goDuration(spec, info, node, path, current);
      case 'model_duration':
        return this.custom(node, path, current, () => parsePromDuration(info.text));
      case 'bytesize':
        return this.custom(node, path, current, () => parseByteSize(info.text));
      case 'bytes':
        return this.custom(node, path, current, () => parseBase2Bytes(info.text));
      case 'csv':
        return info.text === '' ? [] : info.text.split(',');
      case 'daytime':
        return this.custom(node, path, current, () => parseDayTime(info.text));
      case 'time':
        return this.custom(node, path, current, () => parseFlagTime(info.text));
      default:
        return current;
    }
  }

  /** String-like Go types that validate their text when unmarshalled. */
  private checkedString(spec: ScalarSpec, text: string, node: Node, path: string): unknown {
    if (spec.go === 'log.Level' && !LOG_LEVELS.has(text)) {
      this.issue(node, path, `unrecognized log level ${goQuote(text)}`, 'value');
    } else if (spec.go === 'config.TLSVersion' && !TLS_VERSIONS.has(text)) {
      this.issue(node, path, `unknown TLS version: ${text}`, 'value');
    }
    return text;
  }

  private int(spec: ScalarSpec, info: ScalarInfo, node: Node, path: string, current: unknown): unknown {
    if (info.tag === '!!int' || info.tag === '!!float') {
      const n = Math.trunc(info.value as number);
      const [min, max] = INT_RANGES[spec.go] ?? INT_RANGES.int!;
      if (Number.isFinite(n) && n >= min && n <= max) return n;
    }
    return this.typeError(node, spec.go, path, current, info);
  }

  /** yaml.v2 decodes time.Duration from a duration string, or from a bare number of nanoseconds. */
  private goDuration(spec: ScalarSpec, info: ScalarInfo, node: Node, path: string, current: unknown): unknown {
    if (info.tag === '!!int' || info.tag === '!!float') return Math.trunc(info.value as number) / 1e6;
    if (info.tag === '!!str') {
      try {
        return nsToMs(parseGoDurationNs(info.text));
      } catch {
        // reported below, as yaml.v2 does
      }
    }
    return this.typeError(node, spec.go, path, current, info);
  }

  private custom(node: Node, path: string, current: unknown, parse: () => unknown): unknown {
    try {
      return parse();
    } catch (err) {
      this.issue(node, path, (err as Error).message, 'value');
      return current;
    }
  }

  private scalarInfo(node: Scalar): ScalarInfo {
    if (node.source === undefined && typeof node.value !== 'string') return fromData(node.value);
    const explicitTag = node.tag ? shortTag(node.tag) : undefined;
    if (node.type === 'PLAIN' && (explicitTag === undefined || explicitTag === '!')) {
      const text = node.source ?? String(node.value);
      const resolved = resolvePlain(text);
      return { tag: resolved.tag, value: resolved.value, text };
    }
    const text = node.source ?? (node.value === null || node.value === undefined ? '' : String(node.value));
    if (explicitTag !== undefined && explicitTag !== '!!str') {
      const resolved = resolvePlain(text);
      return { tag: explicitTag as YamlTag, value: resolved.value, text };
    }
    return { tag: '!!str', value: text, text };
  }

  private isNull(node: Node): boolean {
    return isScalar(node) && this.scalarInfo(node).tag === '!!null';
  }

  /** yaml.v2's "cannot unmarshal !!str `abc` into int"; leaves the current value in place. */
  private typeError(node: Node, goType: string, path: string, current?: unknown, known?: ScalarInfo): unknown {
    let shown = '';
    let tag: string;
    if (isMap(node)) tag = '!!map';
    else if (isSeq(node)) tag = '!!seq';
    else {
      const info = known ?? this.scalarInfo(node as Scalar);
      tag = info.tag;
      // yaml.v2 shortens long values to their first seven bytes.
      const text =
        Buffer.byteLength(info.text) > 10 ? `${Buffer.from(info.text).subarray(0, 7).toString()}...` : info.text;
      shown = ` \`${text}\``;
    }
    this.issue(node, path, `cannot unmarshal ${tag}${shown} into ${goType}`, 'value');
    return current;
  }

  private issue(node: Node | null, path: string, message: string, kind: DecodeIssue['kind']): void {
    this.issues.push({ line: this.source.lineOf(node), path, message, kind });
  }
}

/** A scalar built from data (e.g. parsed JSON) rather than parsed from text. */
function fromData(value: unknown): ScalarInfo {
  if (value === null || value === undefined) return { tag: '!!null', value: null, text: '' };
  if (typeof value === 'boolean') return { tag: '!!bool', value, text: String(value) };
  if (typeof value === 'number')
    return { tag: Number.isInteger(value) ? '!!int' : '!!float', value, text: String(value) };
  return { tag: '!!str', value: String(value), text: String(value) };
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}
