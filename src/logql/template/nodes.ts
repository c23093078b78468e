// Parse tree of a template, mirroring text/template/parse's node types.
// `pos` is the UTF-16 offset in the template text; nodeString renders a node
// the way Go's Node.String does, for "executing ... at <...>" contexts.
import { quote } from './strconv.js';

export interface ListNode {
  kind: 'list';
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  kind: 'text';
  pos: number;
  text: string;
}
export interface ActionNode {
  kind: 'action';
  pos: number;
  line: number;
  pipe: PipeNode;
}
export interface PipeNode {
  kind: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  kind: 'command';
  pos: number;
  args: ArgNode[];
}
export interface BranchNode {
  kind: 'if' | 'range' | 'with';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode {
  kind: 'template';
  pos: number;
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode {
  kind: 'break' | 'continue';
  pos: number;
  line: number;
}
export interface IdentifierNode {
  kind: 'identifier';
  pos: number;
  ident: string;
}
export interface VariableNode {
  kind: 'variable';
  pos: number;
  ident: string[];
}
export interface FieldNode {
  kind: 'field';
  pos: number;
  ident: string[];
}
export interface ChainNode {
  kind: 'chain';
  pos: number;
  node: ArgNode;
  field: string[];
}
export interface DotNode {
  kind: 'dot';
  pos: number;
}
export interface NilNode {
  kind: 'nil';
  pos: number;
}
export interface BoolNode {
  kind: 'bool';
  pos: number;
  value: boolean;
}
export interface StringNode {
  kind: 'string';
  pos: number;
  /** The literal as written, quotes included. */
  quoted: string;
  text: string;
}
export interface NumberNode {
  kind: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  /** Real and imaginary parts when isComplex. */
  complex: [number, number];
}

/** Operands of a command. */
export type ArgNode =
  | IdentifierNode
  | VariableNode
  | FieldNode
  | ChainNode
  | DotNode
  | NilNode
  | BoolNode
  | StringNode
  | NumberNode
  | PipeNode;

export type Node = ListNode | TextNode | ActionNode | BranchNode | TemplateNode | BreakNode;

export type AnyNode = Node | ArgNode | CommandNode;

function pipeString(p: PipeNode): string {
  let s = '';
  if (p.decl.length > 0) {
    s += p.decl.map((v) => v.ident.join('.')).join(', ');
    s += p.isAssign ? ' = ' : ' := ';
  }
  return s + p.cmds.map(commandString).join(' | ');
}

function commandString(c: CommandNode): string {
  return c.args.map((a) => (a.kind === 'pipe' ? `(${pipeString(a)})` : nodeString(a))).join(' ');
}

/** Go's Node.String(). */
export function nodeString(n: AnyNode): string {
  switch (n.kind) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return `{{${pipeString(n.pipe)}}}`;
    case 'pipe':
      return pipeString(n);
    case 'command':
      return commandString(n);
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.kind} ${pipeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return `${s}{{end}}`;
    }
    case 'template':
      return `{{template ${quote(n.name)}${n.pipe ? ` ${pipeString(n.pipe)}` : ''}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'field':
      return `.${n.ident.join('.')}`;
    case 'chain': {
      const base = n.node.kind === 'pipe' ? `(${pipeString(n.node)})` : nodeString(n.node);
      return base + n.field.map((f) => `.${f}`).join('');
    }
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
  }
}
