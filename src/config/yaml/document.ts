// Parsing a YAML text into a node tree with line numbers, reporting syntax errors the way Go's
// yaml.v2 (libyaml) words the common ones, so operators see the messages they know from Loki.

import { type Document, isAlias, LineCounter, type Node, parseAllDocuments, type YAMLError } from 'yaml';

export interface YamlSource {
  /** The first document's root node, or null for an empty file. */
  readonly root: Node | null;
  readonly doc: Document.Parsed | null;
  /** 1-based line of a node (for mappings and sequences, the line of their first entry). */
  lineOf(node: Node | null | undefined): number;
  /** Follows an alias (`*name`) to the node it names. */
  deref(node: Node): Node;
}

export class YamlSyntaxError extends Error {
  override name = 'YamlSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// libyaml's wording for the mistakes people actually make.
const LIBYAML_MESSAGES: Readonly<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: 'mapping values are not allowed in this context',
  MULTILINE_IMPLICIT_KEY: 'mapping values are not allowed in this context',
  BAD_INDENT: 'did not find expected key',
  TAB_AS_INDENT: 'found character that cannot start any token',
  BAD_SCALAR_START: 'found character that cannot start any token',
  MISSING_CHAR: 'found unexpected end of stream',
  UNEXPECTED_TOKEN: 'did not find expected key',
  DUPLICATE_KEY: 'did not find expected key',
};

/** Parses YAML; throws YamlSyntaxError (`yaml: line N: ...`) on malformed input. */
export function parseYaml(text: string): YamlSource {
  const lines = new LineCounter();
  // yaml.v2 reads only the first document of a stream.
  const docs = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: false,
    lineCounter: lines,
    prettyErrors: false,
    merge: true,
  });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0] ?? null;
  const firstError: YAMLError | undefined = doc?.errors[0];
  if (firstError) {
    const line = lines.linePos(firstError.pos[0]).line;
    const message = LIBYAML_MESSAGES[firstError.code] ?? firstError.message;
    throw new YamlSyntaxError(`yaml: line ${line}: ${message}`, line);
  }
  const root = (doc?.contents as Node | null | undefined) ?? null;
  return {
    root,
    doc,
    lineOf(node) {
      if (!node?.range) return 0;
      return lines.linePos(node.range[0]).line;
    },
    deref(node) {
      let n: Node = node;
      for (let hops = 0; isAlias(n) && doc && hops < 100; hops++) {
        const target = n.resolve(doc);
        if (!target) break;
        n = target;
      }
      return n;
    },
  };
}
