// Compiled Go templates for line_format and label_format.
//
//   const t = compileTemplate('{{ .status | default "-" }} {{ __line__ }}', { functions: lokiFunctions });
//   const out = t.execute(labels, { line, timestampNs });
//
// Compilation parses once; execution walks the tree with a reusable
// executor. Templates made only of text and plain `{{.label}}` actions (the
// common line_format case) skip the executor and concatenate directly.
import { builtinFunctions } from './builtins.js';
import { Executor, type MissingKeyMode } from './exec.js';
import type { FunctionMap, TemplateFunction } from './functions.js';
import type { AnyNode, ListNode, Node, PipeNode } from './nodes.js';
import { parseTemplateText } from './parser.js';
import { GoStringMap, type GoValue, type LabelSource } from './values.js';

export interface CompileOptions {
  /** Functions besides Go's builtins (e.g. lokiFunctions). */
  functions?: FunctionMap;
  /** The template's name in error messages; Loki uses "line" (line_format) and "label" (label_format). */
  name?: string;
  /** Missing map keys: Loki uses "zero" (an empty string for labels), Go's default is "default" (<no value>). */
  missingKey?: MissingKeyMode;
}

/** The log entry a template is executed for. */
export interface LineInput {
  /** The log line, as __line__ returns it. Bytes are decoded as UTF-8 only if the template asks for the line. */
  line: string | Uint8Array;
  /** The entry's timestamp in nanoseconds, as __timestamp__ returns it. */
  timestampNs: bigint;
}

const NO_LINE: LineInput = { line: '', timestampNs: 0n };

/** One piece of a text-and-fields-only template. */
type Piece = string | { field: string };

export class Template {
  /**
   * Label names the template reads through `.name` (or `$.name`), in order of
   * first use. Together with `readsAllFields` this tells the pipeline which
   * labels must be present.
   */
  readonly referencedFields: readonly string[];
  /** True when the template uses the whole label set (`{{ . }}`, `index . "x"`, range over it). */
  readonly readsAllFields: boolean;

  private readonly executor: Executor;
  private readonly labelMap = new GoStringMap(() => undefined);
  private readonly pieces: readonly Piece[] | undefined;
  private busy = false;

  /** @internal Use compileTemplate. */
  constructor(
    readonly name: string,
    readonly text: string,
    private readonly trees: ReadonlyMap<string, ListNode>,
    private readonly functions: ReadonlyMap<string, TemplateFunction>,
    private readonly missingKey: MissingKeyMode,
  ) {
    this.executor = this.newExecutor();
    const { fields, all } = analyseFields(trees, name);
    this.referencedFields = fields;
    this.readsAllFields = all;
    this.pieces = missingKey === 'zero' && trees.size === 1 ? simplePieces(trees.get(name)) : undefined;
  }

  private newExecutor(): Executor {
    return new Executor({
      name: this.name,
      text: this.text,
      trees: this.trees,
      functions: this.functions,
      builtins: builtinFunctions,
      missingKey: this.missingKey,
    });
  }

  /**
   * Executes with a log line's labels as dot (Go's map[string]string).
   * Throws TemplateExecError with Go's message on runtime errors.
   */
  execute(labels: LabelSource, input: LineInput = NO_LINE): string {
    const pieces = this.pieces;
    if (pieces !== undefined) {
      const get = typeof labels === 'function' ? labels : (k: string) => labels.get(k);
      let out = '';
      for (let i = 0; i < pieces.length; i++) {
        const p = pieces[i]!;
        out += typeof p === 'string' ? p : (get(p.field) ?? '');
      }
      return out;
    }
    const map = this.labelMap;
    const previous = map.source;
    map.source = labels;
    try {
      return this.run(map, input);
    } finally {
      map.source = previous;
    }
  }

  /**
   * Executes with arbitrary Go-like data as dot: objects and Maps are
   * map[string]interface {}, arrays []interface {}, numbers float64, bigints int.
   */
  executeData(data: GoValue, input: LineInput = NO_LINE): string {
    return this.run(data, input);
  }

  private run(data: GoValue, input: LineInput): string {
    // A function that re-enters the same template gets its own executor.
    if (this.busy) return this.newExecutor().execute(data, input.line, input.timestampNs);
    this.busy = true;
    try {
      return this.executor.execute(data, input.line, input.timestampNs);
    } finally {
      this.busy = false;
    }
  }
}

/**
 * Parses a template. Throws TemplateParseError with Go's message, e.g.
 * `template: line:1: function "foo" not defined`.
 */
export function compileTemplate(text: string, options: CompileOptions = {}): Template {
  const name = options.name ?? 'line';
  const functions = new Map(Object.entries(options.functions ?? {}));
  const hasFunction = (fn: string): boolean => functions.has(fn) || builtinFunctions.has(fn);
  const { trees } = parseTemplateText(name, text, hasFunction);
  return new Template(name, text, trees, functions, options.missingKey ?? 'zero');
}

/** The pieces of a template made only of text and single-label actions, or undefined. */
function simplePieces(root: ListNode | undefined): Piece[] | undefined {
  if (!root) return undefined;
  const pieces: Piece[] = [];
  for (const n of root.nodes) {
    if (n.kind === 'text') pieces.push(n.text);
    else if (n.kind === 'action') {
      const p = n.pipe;
      if (p.decl.length > 0 || p.cmds.length !== 1 || p.cmds[0]!.args.length !== 1) return undefined;
      const arg = p.cmds[0]!.args[0]!;
      if (arg.kind !== 'field' || arg.ident.length !== 1) return undefined;
      pieces.push({ field: arg.ident[0]! });
    } else return undefined;
  }
  return pieces;
}

/**
 * Which labels a template reads. Fields are collected everywhere (a field
 * inside {{with}} reads the with-value, not a label, but listing it is
 * harmless); the whole set is needed when dot itself is used while it is
 * still the label set, or `$` is used bare.
 */
function analyseFields(trees: ReadonlyMap<string, ListNode>, main: string): { fields: string[]; all: boolean } {
  const fields: string[] = [];
  const seen = new Set<string>();
  let all = false;
  const addField = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name);
      fields.push(name);
    }
  };
  const visit = (n: AnyNode, dotIsRoot: boolean): void => {
    switch (n.kind) {
      case 'list':
        for (const c of n.nodes) visit(c, dotIsRoot);
        return;
      case 'action':
        visit(n.pipe, dotIsRoot);
        return;
      case 'pipe':
        for (const c of n.cmds) visit(c, dotIsRoot);
        return;
      case 'command':
        for (const a of n.args) visit(a, dotIsRoot);
        return;
      case 'if':
        visitBranch(n.pipe, n.list, n.elseList, dotIsRoot, dotIsRoot);
        return;
      case 'with':
      case 'range':
        visitBranch(n.pipe, n.list, n.elseList, dotIsRoot, false);
        return;
      case 'template':
        if (n.pipe) visit(n.pipe, dotIsRoot);
        return;
      case 'field':
        addField(n.ident[0]!);
        return;
      case 'variable':
        if (n.ident.length > 1) addField(n.ident[1]!);
        else if (n.ident[0] === '$') all = true;
        return;
      case 'chain':
        visit(n.node, dotIsRoot);
        return;
      case 'dot':
        if (dotIsRoot) all = true;
        return;
    }
  };
  const visitBranch = (
    pipe: PipeNode,
    list: ListNode,
    elseList: ListNode | null,
    dotIsRoot: boolean,
    bodyDotIsRoot: boolean,
  ): void => {
    visit(pipe, dotIsRoot);
    visit(list, bodyDotIsRoot);
    if (elseList) visit(elseList, dotIsRoot);
  };
  const root = trees.get(main);
  if (root) visit(root, true);
  // Defined templates may be invoked with the label set as dot.
  for (const [name, tree] of trees) if (name !== main) visit(tree as Node, true);
  return { fields, all };
}
