// Parser for Go text/template, following text/template/parse/parse.go
// closely enough that the trees, node positions and error messages
// ("template: line:1: function \"foo\" not defined") match Go's.
import { Item, type ItemType, Lexer, type Token, tokenString } from './lexer.js';
import type {
  ActionNode,
  ArgNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import { nodeString } from './nodes.js';
import { parseFloat64, parseInt64, parseUint, quote, StrconvError, unquote, unquoteChar } from './strconv.js';

/** A parse error; the message is Go's, e.g. `template: line:1: unexpected "}" in operand`. */
export class TemplateParseError extends Error {
  override name = 'TemplateParseError';
}

/** The {{else}} and {{end}} markers, which end item lists but never enter a tree. */
interface ElseNode {
  kind: 'else';
  pos: number;
  line: number;
}
interface EndNode {
  kind: 'end';
  pos: number;
}
type ParsedNode = Node | ElseNode | EndNode;

function markerString(n: ParsedNode): string {
  if (n.kind === 'else') return '{{else}}';
  if (n.kind === 'end') return '{{end}}';
  return nodeString(n);
}

/** Nesting limit for parenthesised pipelines, as in Go. */
const MAX_STACK_DEPTH = 10000;

/** Tokens shared by the main tree and the {{define}}/{{block}} trees parsed from the same text. */
class TokenSource {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  next(): Token {
    const t = this.tokens[this.i]!;
    // The last token (EOF or an error) repeats forever, as Go's lexer does.
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
}

const UNICODE_SPACE = /^[\s\u0085]*$/u;

/** parse.IsEmptyTree: only whitespace text and comments. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.kind) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return UNICODE_SPACE.test(n.text);
    default:
      return false;
  }
}

class TreeParser {
  root: ListNode | null = null;
  private readonly token: Token[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(
    public name: string,
    private readonly parseName: string,
    private readonly lex: TokenSource,
    private readonly treeSet: Map<string, ListNode>,
    private readonly hasFunction: (name: string) => boolean,
  ) {}

  // ---- token buffer (three tokens of lookahead, as Go) ----

  private next(): Token {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.lex.next();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Token): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Token, t1: Token): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Token {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.lex.next();
    return this.token[0];
  }

  private nextNonSpace(): Token {
    let t: Token;
    do t = this.next();
    while (t.type === Item.Space);
    return t;
  }

  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  // ---- errors ----

  errorf(msg: string): never {
    this.root = null;
    throw new TemplateParseError(`template: ${this.parseName}:${this.token[0]?.line ?? 1}: ${msg}`);
  }

  private expect(expected: ItemType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== expected) this.unexpected(t, context);
    return t;
  }

  private expectOneOf(a: ItemType, b: ItemType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== a && t.type !== b) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Token, context: string): never {
    if (t.type === Item.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${tokenString(t)}${extra}`);
    }
    this.errorf(`unexpected ${tokenString(t)} in ${context}`);
  }

  private unquoteOrFail(s: string): string {
    try {
      return unquote(s);
    } catch (err) {
      if (err instanceof StrconvError) this.errorf(err.message);
      throw err;
    }
  }

  // ---- trees ----

  /** Adds this tree to the set, refusing a second non-empty definition. */
  add(): void {
    const existing = this.treeSet.get(this.name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.treeSet.set(this.name, this.root!);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  /** The top-level parse: like itemList, but also accepting {{define}}. */
  parse(): void {
    this.root = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== Item.EOF) {
      if (this.peek().type === Item.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().type === Item.Define) {
          const def = new TreeParser('definition', this.parseName, this.lex, this.treeSet, this.hasFunction);
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${markerString(n)}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(Item.String, Item.RawString, context);
    this.name = this.unquoteOrFail(name.val);
    this.expect(Item.RightDelim, context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
    this.add();
  }

  private itemList(): [ListNode, ParsedNode] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== Item.EOF) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): ParsedNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case Item.Text:
        return { kind: 'text', pos: t.pos, text: t.val };
      case Item.LeftDelim:
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      default:
        this.unexpected(t, 'input');
    }
  }

  private action(): ParsedNode {
    const t = this.nextNonSpace();
    switch (t.type) {
      case Item.Block:
        return this.blockControl();
      case Item.Break:
      case Item.Continue:
        return this.breakOrContinue(t);
      case Item.Else:
        return this.elseControl();
      case Item.End:
        return { kind: 'end', pos: this.expect(Item.RightDelim, 'end').pos };
      case Item.If:
        return this.branch('if');
      case Item.Range:
        return this.branch('range');
      case Item.Template:
        return this.templateControl();
      case Item.With:
        return this.branch('with');
    }
    this.backup();
    const first = this.peek();
    const node: ActionNode = {
      kind: 'action',
      pos: first.pos,
      line: first.line,
      pipe: this.pipeline('command', Item.RightDelim),
    };
    return node;
  }

  private breakOrContinue(t: Token): ParsedNode {
    const word = t.type === Item.Break ? 'break' : 'continue';
    const next = this.nextNonSpace();
    if (next.type !== Item.RightDelim) this.unexpected(next, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return { kind: word, pos: t.pos, line: t.line };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, line: first.line, isAssign: false, decl: [], cmds: [] };
    // Declarations or assignments: "$x :=", "$x =", "$i, $v :=".
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== Item.Variable) break;
      this.next();
      // Space is a token, so "$x foo" needs three tokens of lookahead to tell
      // an argument from a declaration.
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === Item.Assign || next.type === Item.Declare) {
        pipe.isAssign = next.type === Item.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === Item.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === Item.Variable || p === Item.RightDelim || p === Item.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === Item.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case Item.Bool:
        case Item.CharConstant:
        case Item.Complex:
        case Item.Dot:
        case Item.Field:
        case Item.Identifier:
        case Item.Number:
        case Item.Nil:
        case Item.RawString:
        case Item.String:
        case Item.Variable:
        case Item.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const k = pipe.cmds[i]!.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private branch(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, Item.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.kind === 'else') {
        // "{{else if}}" and "{{else with}}" nest a new branch that consumes the shared {{end}}.
        const peek = this.peek().type;
        if ((context === 'if' && peek === Item.If) || (context === 'with' && peek === Item.With)) {
          this.next();
          elseList = { kind: 'list', pos: next.pos, nodes: [this.branch(context)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.kind !== 'end') this.errorf(`expected end; found ${markerString(next)}`);
        }
      }
      list = list as ListNode;
      return { kind: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private elseControl(): ElseNode {
    const peek = this.peekNonSpace();
    // "{{else if" and "{{else with" leave the keyword for the enclosing branch.
    if (peek.type === Item.If || peek.type === Item.With) return { kind: 'else', pos: peek.pos, line: peek.line };
    const t = this.expect(Item.RightDelim, 'else');
    return { kind: 'else', pos: t.pos, line: t.line };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    const pipe = this.pipeline(context, Item.RightDelim);
    const block = new TreeParser(name, this.parseName, this.lex, this.treeSet, this.hasFunction);
    const [list, end] = block.itemList();
    block.root = list;
    if (end.kind !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
    block.add();
    return { kind: 'template', pos: t.pos, line: t.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== Item.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, Item.RightDelim);
    }
    return { kind: 'template', pos: t.pos, line: t.line, name, pipe };
  }

  private parseTemplateName(t: Token, context: string): string {
    if (t.type === Item.String || t.type === Item.RawString) return this.unquoteOrFail(t.val);
    this.unexpected(t, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === Item.Space) continue;
      if (t.type === Item.RightDelim || t.type === Item.RightParen) this.backup();
      else if (t.type !== Item.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().type !== Item.Field) return node;
    const chain: ChainNode = { kind: 'chain', pos: this.peek().pos, node, field: [] };
    while (this.peek().type === Item.Field) chain.field.push(this.next().val.slice(1));
    // Fields on fields and variables extend them; literals cannot have fields.
    switch (node.kind) {
      case 'field':
        return this.newField(chain.pos, nodeString(chain));
      case 'variable':
        return this.newVariable(chain.pos, nodeString(chain));
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
        break;
    }
    return chain;
  }

  private term(): ArgNode | null {
    const t = this.nextNonSpace();
    switch (t.type) {
      case Item.Identifier:
        if (!this.hasFunction(t.val)) this.errorf(`function ${quote(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, ident: t.val };
      case Item.Dot:
        return { kind: 'dot', pos: t.pos };
      case Item.Nil:
        return { kind: 'nil', pos: t.pos };
      case Item.Variable:
        return this.useVar(t.pos, t.val);
      case Item.Field:
        return this.newField(t.pos, t.val);
      case Item.Bool:
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case Item.CharConstant:
      case Item.Complex:
      case Item.Number:
        return this.newNumber(t.pos, t.val, t.type);
      case Item.LeftParen: {
        if (this.stackDepth >= MAX_STACK_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', Item.RightParen);
        } finally {
          this.stackDepth--;
        }
      }
      case Item.String:
      case Item.RawString:
        return { kind: 'string', pos: t.pos, quoted: t.val, text: this.unquoteOrFail(t.val) };
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
    return v;
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { kind: 'variable', pos, ident: ident.split('.') };
  }

  private newField(pos: number, ident: string): FieldNode {
    return { kind: 'field', pos, ident: ident.slice(1).split('.') };
  }

  /** parse.newNumber: classifies a literal as int, uint, float and/or complex. */
  private newNumber(pos: number, text: string, type: ItemType): NumberNode {
    const n: NumberNode = {
      kind: 'number',
      pos,
      text,
      isInt: false,
      isUint: false,
      isFloat: false,
      isComplex: false,
      int64: 0n,
      uint64: 0n,
      float64: 0,
      complex: [0, 0],
    };
    if (type === Item.CharConstant) {
      let ch: ReturnType<typeof unquoteChar>;
      try {
        ch = unquoteChar(text, 1, 0x27);
      } catch (err) {
        if (err instanceof StrconvError) this.errorf(err.message);
        throw err;
      }
      if (text.slice(ch.next) !== "'") this.errorf(`malformed character constant: ${text}`);
      n.int64 = n.uint64 = BigInt(ch.value);
      n.float64 = ch.value;
      n.isInt = n.isUint = n.isFloat = true;
      return n;
    }
    if (type === Item.Complex) {
      const m = /^([+-]?[^+-]+(?:[eEpP][+-][0-9_]+)?)([+-].+)i$/.exec(text);
      const re = m ? parseFloat64(m[1]!) : undefined;
      const im = m ? parseFloat64(m[2]!) : undefined;
      if (!re?.ok || !im?.ok) this.errorf(`expected integer`);
      n.isComplex = true;
      n.complex = [re.value, im.value];
      this.simplifyComplex(n);
      return n;
    }
    if (text.endsWith('i')) {
      const f = parseFloat64(text.slice(0, -1));
      if (f.ok) {
        n.isComplex = true;
        n.complex = [0, f.value];
        this.simplifyComplex(n);
        return n;
      }
    }
    const u = parseUint(text);
    if (u.ok) {
      n.isUint = true;
      n.uint64 = u.value;
    }
    const i = parseInt64(text);
    if (i.ok) {
      n.isInt = true;
      n.int64 = i.value;
      if (i.value === 0n) {
        n.isUint = true; // in case of -0
        n.uint64 = u.ok ? u.value : 0n;
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = Number(n.int64);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = Number(n.uint64);
    } else {
      const f = parseFloat64(text);
      if (f.ok) {
        // A float-looking integer too large for int64 is an overflow.
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${quote(text)}`);
        n.isFloat = true;
        n.float64 = f.value;
        const t = Math.trunc(f.value);
        if (t === f.value && t >= -(2 ** 63) && t < 2 ** 63) {
          n.isInt = true;
          n.int64 = BigInt(t);
        }
        if (t === f.value && t >= 0 && t < 2 ** 64) {
          n.isUint = true;
          n.uint64 = BigInt(t);
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.errorf(`illegal number syntax: ${quote(text)}`);
    return n;
  }

  private simplifyComplex(n: NumberNode): void {
    n.isFloat = n.complex[1] === 0;
    if (!n.isFloat) return;
    const f = n.complex[0];
    n.float64 = f;
    const t = Math.trunc(f);
    n.isInt = t === f && t >= -(2 ** 63) && t < 2 ** 63;
    if (n.isInt) n.int64 = BigInt(t);
    n.isUint = t === f && t >= 0 && t < 2 ** 64;
    if (n.isUint) n.uint64 = BigInt(t);
  }
}

export interface ParseResult {
  /** Every template defined in the text, by name; the main one under its own name. */
  trees: Map<string, ListNode>;
}

/**
 * Parses template text into named trees, as text/template's Template.Parse.
 * `hasFunction` answers whether an identifier names a function (builtins
 * included); unknown functions are parse errors, as in Go.
 */
export function parseTemplateText(name: string, text: string, hasFunction: (name: string) => boolean): ParseResult {
  const tokens = new Lexer(text, {
    breakOK: !hasFunction('break'),
    continueOK: !hasFunction('continue'),
  }).tokens();
  const trees = new Map<string, ListNode>();
  const main = new TreeParser(name, name, new TokenSource(tokens), trees, hasFunction);
  main.parse();
  main.add();
  return { trees };
}
