// Reading one pipeline stage's options from its YAML node.
//
// Promtail decodes stage options loosely (mapstructure), which silently
// ignores misspelt keys; here every key a stage does not know is an error
// that names it and its line. Scalars are read as leniently as Promtail's
// weak decoding: `max_lines: "10"` and `drop: "true"` are accepted.
import { parseByteSize } from '../../config/values/bytesize.js';
import type { ConfigNode } from '../config/config-node.js';

export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

export class StageOptions {
  private readonly fields = new Map<string, { node: ConfigNode; line: number }>();
  private readonly used = new Set<string>();

  constructor(
    /** The stage's type name, for messages. */
    readonly stage: string,
    readonly node: ConfigNode,
  ) {
    if (node.kind === 'map') {
      for (const e of node.entries()) this.fields.set(e.key, { node: e.value, line: e.keyLine });
    } else if (node.kind !== 'null') {
      throw new StageConfigError(`line ${node.line}: the ${stage} stage expects a mapping of options`);
    }
  }

  /** True when the stage was written with no options at all (`- docker:` or `- cri: {}`). */
  get empty(): boolean {
    return this.fields.size === 0;
  }

  has(key: string): boolean {
    return this.fields.has(key);
  }

  /** The raw node of an option (marked as known). */
  raw(key: string): ConfigNode | undefined {
    this.used.add(key);
    return this.fields.get(key)?.node;
  }

  private fail(key: string, what: string): never {
    const f = this.fields.get(key)!;
    throw new StageConfigError(`line ${f.line}: '${key}' ${what}`);
  }

  /** A string option; undefined when absent or null (Go's nil *string). */
  string(key: string): string | undefined {
    const n = this.raw(key);
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind !== 'scalar') this.fail(key, 'expected a string');
    return n.text();
  }

  bool(key: string): boolean | undefined {
    const n = this.raw(key);
    if (n === undefined || n.kind === 'null') return undefined;
    const v = n.kind === 'scalar' ? n.scalar() : undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
    if (typeof v === 'string') {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(v)) return false;
    }
    return this.fail(key, 'expected a boolean');
  }

  number(key: string): number | undefined {
    const n = this.raw(key);
    if (n === undefined || n.kind === 'null') return undefined;
    const v = n.kind === 'scalar' ? n.scalar() : undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return this.fail(key, 'expected a number');
  }

  integer(key: string): number | undefined {
    const v = this.number(key);
    if (v !== undefined && !Number.isInteger(v)) this.fail(key, 'expected an integer');
    return v;
  }

  /** A byte size: a number of bytes or a size such as `256KB` (flagext.ByteSize). */
  byteSize(key: string): number | undefined {
    const n = this.raw(key);
    if (n === undefined || n.kind === 'null') return undefined;
    const v = n.kind === 'scalar' ? n.scalar() : undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      try {
        return parseByteSize(v);
      } catch (err) {
        return this.fail(key, (err as Error).message);
      }
    }
    return this.fail(key, 'expected a byte size');
  }

  /** A list of strings; a single string is accepted as a one-element list when `single` is set. */
  strings(key: string, single = false): string[] | undefined {
    const n = this.raw(key);
    if (n === undefined || n.kind === 'null') return undefined;
    if (n.kind === 'scalar' && single) return [n.text()];
    if (n.kind !== 'seq') this.fail(key, 'expected a list of strings');
    return n.items().map((item) => {
      if (item.kind === 'map' || item.kind === 'seq') this.fail(key, 'expected a list of strings');
      return item.text();
    });
  }

  /** A mapping of strings to strings; null values (`name:`) are kept as null. */
  stringMap(key: string): Map<string, string | null> | undefined {
    const n = this.raw(key);
    if (n === undefined || n.kind === 'null') return undefined;
    return StageOptions.stringMapOf(n, key, this.stage);
  }

  /** Reads a whole node as a mapping of strings (the labels and static_labels stages). */
  static stringMapOf(n: ConfigNode, what: string, stage: string): Map<string, string | null> {
    if (n.kind === 'null') return new Map();
    if (n.kind !== 'map')
      throw new StageConfigError(`line ${n.line}: '${what}' expected a mapping in the ${stage} stage`);
    const out = new Map<string, string | null>();
    for (const e of n.entries()) {
      if (e.value.kind === 'map' || e.value.kind === 'seq') {
        throw new StageConfigError(`line ${e.keyLine}: '${e.key}' expected a string value`);
      }
      out.set(e.key, e.value.kind === 'null' ? null : e.value.text());
    }
    return out;
  }

  /** Fails on the first option that was never read: a key the stage does not have. */
  finish(): void {
    for (const [key, f] of this.fields) {
      if (this.used.has(key)) continue;
      const known = [...this.used].sort().join(', ');
      throw new StageConfigError(
        `line ${f.line}: unknown option '${key}' in the ${this.stage} stage${known ? ` (options: ${known})` : ''}`,
      );
    }
  }
}
