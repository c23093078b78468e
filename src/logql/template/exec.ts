// Executes parsed templates with Go's text/template semantics (exec.go):
// evaluation order, variable scoping, missing-key handling, argument
// conversion, and error messages with Go's "executing ... at <...>" context.
//
// One Executor belongs to one compiled template and is reused for every
// execution: the variable stack and output buffer are reset per run, so a
// run allocates little beyond the output string.

import { formatValue } from './fmt.js';
import type { ExecContext, ParamType, TemplateFunction } from './functions.js';
import { methodOf } from './methods.js';
import type {
  AnyNode,
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
import { quote } from './strconv.js';
import {
  elementsAreInterfaces,
  GoInt,
  type GoValue,
  int64,
  isMapValue,
  isTrue,
  Kind,
  kindOf,
  mapGet,
  mapZero,
  sortedEntries,
  typeName,
} from './values.js';

/** How a missing map key evaluates, as Go's Option("missingkey=..."). */
export type MissingKeyMode = 'default' | 'zero' | 'error';

/** A runtime error with Go's message. */
export class TemplateExecError extends Error {
  override name = 'TemplateExecError';
}

/** Go's limit on nested {{template}} calls. */
const MAX_EXEC_DEPTH = 100000;

/** Marks the absence of a piped-in final argument (Go's missingVal). */
const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

/** Control signals of {{break}} and {{continue}}, returned up to the enclosing range. */
const NONE = 0;
const BREAK = 1;
const CONTINUE = 2;
type Signal = typeof NONE | typeof BREAK | typeof CONTINUE;

export interface ExecutorConfig {
  /** The name of the main template (Loki: "line" or "label"). */
  name: string;
  /** The template text, for error positions. */
  text: string;
  trees: ReadonlyMap<string, ListNode>;
  functions: ReadonlyMap<string, TemplateFunction>;
  builtins: ReadonlyMap<string, TemplateFunction>;
  missingKey: MissingKeyMode;
}

export class Executor implements ExecContext {
  private out = '';
  private node: AnyNode | null = null;
  private tmplName: string;
  private depth = 0;
  // The variable stack, as parallel arrays to avoid an object per variable.
  private readonly varNames: string[] = [];
  private readonly varValues: GoValue[] = [];
  private readonly varIfaces: boolean[] = [];
  private nvars = 0;
  /** Variables below this index belong to the template that called {{template}}. */
  private frameBase = 0;
  /** Whether dot holds an interface value (a range element of an interface slice or map). */
  private dotIface = false;
  /** Whether the last field evaluation read an interface element. */
  private lastIface = false;
  private lineInput: string | Uint8Array = '';
  private lineString: string | undefined;
  timestampNs = 0n;

  constructor(private readonly cfg: ExecutorConfig) {
    this.tmplName = cfg.name;
  }

  get line(): string {
    if (this.lineString === undefined) {
      const l = this.lineInput;
      this.lineString = typeof l === 'string' ? l : Buffer.from(l.buffer, l.byteOffset, l.byteLength).toString('utf8');
    }
    return this.lineString;
  }

  execute(data: GoValue, line: string | Uint8Array, timestampNs: bigint): string {
    this.out = '';
    this.node = null;
    this.tmplName = this.cfg.name;
    this.depth = 0;
    this.nvars = 0;
    this.frameBase = 0;
    this.dotIface = false;
    this.lineInput = line;
    this.lineString = typeof line === 'string' ? line : undefined;
    this.timestampNs = timestampNs;
    this.push('$', data, false);
    const root = this.cfg.trees.get(this.cfg.name);
    if (!root) this.errorf(`${quote(this.cfg.name)} is an incomplete or empty template`);
    try {
      this.walk(data, root);
    } catch (err) {
      if (err instanceof RangeError && this.depth > 0 && /call stack/i.test(err.message)) {
        this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
      }
      throw err;
    }
    const out = this.out;
    this.out = '';
    return out;
  }

  // ---- errors ----

  private errorf(msg: string): never {
    const name = this.tmplName;
    if (this.node === null) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const [location, context] = this.errorContext(this.node);
    throw new TemplateExecError(`template: ${location}: executing ${quote(name)} at <${context}>: ${msg}`);
  }

  /** Go's Tree.ErrorContext: "name:line:byteColumn" and the node's text. */
  private errorContext(n: AnyNode): [string, string] {
    const before = this.cfg.text.slice(0, n.pos);
    const nl = before.lastIndexOf('\n');
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1), 'utf8');
    let line = 1;
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 0x0a) line++;
    return [`${this.cfg.name}:${line}:${col}`, nodeString(n)];
  }

  // ---- variables ----

  private push(name: string, value: GoValue, iface: boolean): void {
    const i = this.nvars++;
    this.varNames[i] = name;
    this.varValues[i] = value;
    this.varIfaces[i] = iface;
  }

  private setVar(name: string, value: GoValue): void {
    for (let i = this.nvars - 1; i >= this.frameBase; i--) {
      if (this.varNames[i] === name) {
        this.varValues[i] = value;
        this.varIfaces[i] = false;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: GoValue, iface: boolean): void {
    this.varValues[this.nvars - n] = value;
    this.varIfaces[this.nvars - n] = iface;
  }

  /** The index of a variable on the stack; errors when undefined. */
  private varIndex(name: string): number {
    for (let i = this.nvars - 1; i >= this.frameBase; i--) if (this.varNames[i] === name) return i;
    this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking ----

  private walk(dot: GoValue, node: Node): Signal {
    this.node = node;
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return NONE;
      }
      case 'text':
        this.out += node.text;
        return NONE;
      case 'list': {
        const nodes = node.nodes;
        for (let i = 0; i < nodes.length; i++) {
          const sig = this.walk(dot, nodes[i]!);
          if (sig !== NONE) return sig;
        }
        return NONE;
      }
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        this.walkTemplate(dot, node);
        return NONE;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
    }
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): Signal {
    const mark = this.nvars;
    const val = this.evalPipeline(dot, node.pipe);
    let sig: Signal = NONE;
    if (isTrue(val)) {
      if (node.kind === 'with') {
        const saved = this.dotIface;
        this.dotIface = false;
        sig = this.walk(val, node.list);
        this.dotIface = saved;
      } else sig = this.walk(dot, node.list);
    } else if (node.elseList) {
      sig = this.walk(dot, node.elseList);
    }
    this.nvars = mark;
    return sig;
  }

  private walkRange(dot: GoValue, r: BranchNode): Signal {
    this.node = r;
    const outer = this.nvars;
    const val = this.evalPipeline(dot, r.pipe);
    const mark = this.nvars;
    const decl = r.pipe.decl;
    const savedIface = this.dotIface;
    const oneIteration = (index: GoValue, elem: GoValue, elemIface: boolean): Signal => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
        else this.setTopVar(1, elem, elemIface);
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.setTopVar(2, index, false);
      }
      this.dotIface = elemIface;
      const sig = this.walk(elem, r.list);
      this.dotIface = savedIface;
      this.nvars = mark;
      return sig;
    };
    let iterated = false;
    switch (kindOf(val)) {
      case Kind.Int:
      case Kind.Uint: {
        if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        const n = typeof val === 'bigint' ? val : (val as GoInt).value;
        for (let i = 0n; i < n; i++) {
          iterated = true;
          const elem = typeof val === 'bigint' ? i : new GoInt((val as GoInt).type, i);
          if (oneIteration(undefined, elem, false) === BREAK) break;
        }
        break;
      }
      case Kind.Slice: {
        const arr = val as readonly GoValue[];
        for (let i = 0; i < arr.length; i++) {
          iterated = true;
          if (oneIteration(BigInt(i), arr[i], true) === BREAK) break;
        }
        break;
      }
      case Kind.Map: {
        const iface = elementsAreInterfaces(val);
        const entries = sortedEntries(val);
        for (const [k, v] of entries) {
          iterated = true;
          if (oneIteration(k, v, iface) === BREAK) break;
        }
        break;
      }
      case Kind.Invalid:
        break;
      default:
        this.errorf(`range can't iterate over ${formatValue(val)}`);
    }
    let sig: Signal = NONE;
    if (!iterated && r.elseList) {
      // A {{continue}} in the else list belongs to an enclosing range; a
      // {{break}} there only ends this one, as Go's recover does.
      sig = this.walk(dot, r.elseList);
      if (sig === BREAK) sig = NONE;
    }
    this.nvars = outer;
    return sig;
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.node = t;
    const tree = this.cfg.trees.get(t.name);
    if (!tree) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { frameBase: this.frameBase, name: this.tmplName, iface: this.dotIface };
    // No dynamic scoping: the called template sees only its own $.
    this.frameBase = this.nvars;
    this.push('$', newDot, false);
    this.tmplName = t.name;
    this.dotIface = false;
    this.depth++;
    this.walk(newDot, tree);
    this.depth--;
    this.nvars = this.frameBase;
    this.frameBase = saved.frameBase;
    this.tmplName = saved.name;
    this.dotIface = saved.iface;
  }

  private printValue(n: Node, v: GoValue): void {
    this.node = n;
    if (typeof v === 'string') this.out += v;
    else if (v === undefined) this.out += '<no value>';
    else this.out += formatValue(v);
  }

  // ---- evaluation ----

  private evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.node = pipe;
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i]!, value);
      // An interface value is unwrapped; a nil interface becomes "no value".
      if (value === null) value = undefined;
    }
    const v = value as GoValue;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, v);
      else this.push(variable.ident[0]!, v, false);
    }
    return v;
  }

  private notAFunction(args: readonly ArgNode[] | null, final: Final): void {
    if ((args !== null && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first.ident, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  /** An untyped numeric constant: float64 if it looks like one, else int. */
  private idealConstant(n: NumberNode): GoValue {
    this.node = n;
    if (n.isComplex) this.errorf(`complex constant ${n.text} is not supported`);
    const t = n.text;
    const hexInt = t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X') && !/[pP]/.test(t);
    if (n.isFloat && !hexInt && t[0] !== "'" && /[.eEpP]/.test(t)) return n.float64;
    if (n.isInt) return n.int64;
    if (n.isUint) this.errorf(`${t} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: readonly ArgNode[] | null, final: Final): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, 0, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: readonly ArgNode[] | null, final: Final): GoValue {
    this.node = chain;
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.field, 0, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: readonly ArgNode[] | null, final: Final): GoValue {
    this.node = v;
    const i = this.varIndex(v.ident[0]!);
    const value = this.varValues[i];
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, this.varIfaces[i]!, v, v.ident, 1, args, final);
  }

  /** Evaluates .X.Y.Z from `from`; only the last element receives the arguments. */
  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    iface: boolean,
    node: AnyNode,
    ident: readonly string[],
    from: number,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    const n = ident.length;
    for (let i = from; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver, iface);
      iface = this.lastIface;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, iface);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: AnyNode,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver: GoValue,
    iface: boolean,
  ): GoValue {
    this.lastIface = false;
    if (receiver === undefined) {
      if (this.cfg.missingKey === 'error') this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    const method = methodOf(receiver, fieldName);
    if (method) return this.evalCall(dot, method, false, node, fieldName, args, final);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (isMapValue(receiver)) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      let result = mapGet(receiver, fieldName);
      if (result === undefined) {
        switch (this.cfg.missingKey) {
          case 'zero':
            result = mapZero(receiver);
            break;
          case 'error':
            this.errorf(`map has no entry for key ${quote(fieldName)}`);
        }
      }
      this.lastIface = elementsAreInterfaces(receiver);
      return result;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : typeName(receiver)}`);
  }

  private evalFunction(
    dot: GoValue,
    name: string,
    node: AnyNode,
    cmd: AnyNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = node;
    const user = this.cfg.functions.get(name);
    const fn = user ?? this.cfg.builtins.get(name);
    if (!fn) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, fn, user === undefined, cmd, name, args, final);
  }

  /** Calls a function or method: checks the argument count, converts arguments, wraps errors. */
  private evalCall(
    dot: GoValue,
    fn: TemplateFunction,
    isBuiltin: boolean,
    node: AnyNode,
    name: string,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    const numArgs = args === null ? 0 : args.length - 1;
    const hasFinal = final !== MISSING;
    const numIn = numArgs + (hasFinal ? 1 : 0);
    const params = fn.params;
    let numFixed = numArgs;
    if (fn.variadic !== undefined) {
      numFixed = params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${numArgs}`);
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
    }

    // and/or short-circuit: arguments are evaluated only as far as needed.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue;
      for (let i = 1; i <= numArgs; i++) {
        v = this.evalArg(dot, 'reflect.Value', args![i]!);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (hasFinal) v = this.validateType(final, 'reflect.Value');
      return v;
    }

    const argv: GoValue[] = new Array(numIn + (isBuiltin && name === 'call' ? 1 : 0));
    let o = 0;
    if (isBuiltin && name === 'call') {
      // call receives the callee's name first, for its error messages.
      argv[o++] = numArgs === 0 ? formatValue(final as GoValue) : nodeString(args![1]!);
    }
    let i = 0;
    for (; i < numFixed && i < numArgs; i++) argv[o++] = this.evalArg(dot, params[i]!, args![i + 1]!);
    if (fn.variadic !== undefined) for (; i < numArgs; i++) argv[o++] = this.evalArg(dot, fn.variadic, args![i + 1]!);
    if (hasFinal) {
      let t: ParamType;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? params[numIn - 1]! : fn.variadic;
      else t = params[params.length - 1]!;
      argv[o++] = this.validateType(final, t);
    }
    try {
      return fn.call(argv, this);
    } catch (err) {
      if (err instanceof TemplateExecError) throw err;
      this.node = node;
      this.errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Go's validateType: checks a computed value against a parameter type. */
  private validateType(value: Final, typ: ParamType | null): GoValue {
    const v = value as GoValue;
    if (typ === null || typ === 'reflect.Value') return v;
    if (v === undefined) {
      if (typ === 'interface {}') return null;
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === 'interface {}') return v;
    const actual = v === null ? 'interface {}' : typeName(v);
    if (actual !== typ) this.errorf(`wrong type for value; expected ${typ}; got ${actual}`);
    return v;
  }

  /** Evaluates an argument for a parameter of type `typ` (null: untyped). */
  private evalArg(dot: GoValue, typ: ParamType | null, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'interface {}') return null;
        if (typ === 'reflect.Value') return undefined;
        this.errorf(`cannot assign nil to ${typ}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n.ident, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    switch (typ) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
        break;
      case 'string':
        if (n.kind === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
        break;
      case 'int':
      case 'int64':
        if (n.kind === 'number' && n.isInt) return typ === 'int' ? n.int64 : int64(n.int64);
        this.errorf(`expected integer; found ${nodeString(n)}`);
        break;
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
        break;
      case 'interface {}':
      case 'reflect.Value':
        return this.evalEmptyInterface(dot, n);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }

  private evalEmptyInterface(dot: GoValue, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'dot':
        return dot;
      case 'field':
        return this.evalFieldNode(dot, n, null, MISSING);
      case 'identifier':
        return this.evalFunction(dot, n.ident, n, n, null, MISSING);
      case 'nil':
        this.errorf("evalEmptyInterface: nil (can't happen)");
        break;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      case 'variable':
        return this.evalVariableNode(dot, n, null, MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }
}
