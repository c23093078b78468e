// A read-only view of a YAML node that remembers where it came from, so that
// configuration errors found after decoding (a bad pipeline stage, an unknown
// stage key) can still point at the line of the file.
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseYaml, type YamlSource } from '../../config/yaml/document.js';
import { resolvePlain } from '../../config/yaml/resolve.js';

export type ScalarValue = null | boolean | number | string;

export class ConfigNode {
  private constructor(
    private readonly source: YamlSource,
    private readonly node: Node | null,
  ) {}

  /** The node of a whole YAML document (null for an empty one). */
  static parse(text: string): ConfigNode {
    const source = parseYaml(text);
    return new ConfigNode(source, source.root);
  }

  /** An absent node (what an omitted option reads as). */
  static empty(): ConfigNode {
    return ConfigNode.parse('');
  }

  static of(source: YamlSource, node: Node | null): ConfigNode {
    return new ConfigNode(source, node ? source.deref(node) : null);
  }

  /** The underlying node and its document, for decoding it with the shared config decoder. */
  raw(): { source: YamlSource; node: Node | null } {
    return { source: this.source, node: this.node };
  }

  /** 1-based line of the node in its file (0 when unknown). */
  get line(): number {
    return this.source.lineOf(this.node);
  }

  get kind(): 'map' | 'seq' | 'scalar' | 'null' {
    if (this.node === null) return 'null';
    if (isMap(this.node)) return 'map';
    if (isSeq(this.node)) return 'seq';
    if (isScalar(this.node) && this.scalar() === null) return 'null';
    return 'scalar';
  }

  /** The scalar's value with YAML 1.1 resolution (`yes` is true, `010` is 8, quoted text stays text). */
  scalar(): ScalarValue {
    const n = this.node;
    if (n === null || !isScalar(n)) return null;
    const s = n as Scalar;
    if (s.type === 'PLAIN' && !s.tag) return resolvePlain(s.source ?? String(s.value)).value;
    if (s.value === null || s.value === undefined) return '';
    return typeof s.value === 'string' || typeof s.value === 'number' || typeof s.value === 'boolean'
      ? s.value
      : String(s.value);
  }

  /** The scalar as written (for plain scalars, its source text). */
  text(): string {
    const n = this.node;
    if (n === null || !isScalar(n)) return '';
    const s = n as Scalar;
    if (s.type === 'PLAIN') return s.source ?? String(s.value ?? '');
    return s.value === null || s.value === undefined ? '' : String(s.value);
  }

  /** Key/value pairs of a mapping, in file order (aliases followed). */
  entries(): Array<{ key: string; keyLine: number; value: ConfigNode }> {
    if (this.node === null || !isMap(this.node)) return [];
    return (this.node as YAMLMap).items.map((pair: Pair) => {
      const keyNode = pair.key as Node | null;
      const key = keyNode && isScalar(keyNode) ? String((keyNode as Scalar).value ?? '') : '';
      return {
        key,
        keyLine: this.source.lineOf(keyNode),
        value: ConfigNode.of(this.source, pair.value as Node | null),
      };
    });
  }

  /** The value under `key` of a mapping, or undefined when the key is absent. */
  get(key: string): ConfigNode | undefined {
    return this.entries().find((e) => e.key === key)?.value;
  }

  items(): ConfigNode[] {
    if (this.node === null || !isSeq(this.node)) return [];
    return (this.node as YAMLSeq).items.map((item) => ConfigNode.of(this.source, item as Node | null));
  }

  /** Plain JavaScript data (maps become objects, YAML 1.1 scalars resolved). */
  toJSON(): unknown {
    switch (this.kind) {
      case 'null':
        return null;
      case 'scalar':
        return this.scalar();
      case 'seq':
        return this.items().map((i) => i.toJSON());
      case 'map': {
        const out: Record<string, unknown> = {};
        for (const e of this.entries()) out[e.key] = e.value.toJSON();
        return out;
      }
    }
  }
}
