// A top-down operator precedence parser for JMESPath, following the
// specification's grammar and the binding powers of the reference
// implementations (projections stop at tokens binding weaker than 10).
import { JmespathSyntaxError, type Token, type TokenType, tokenize } from './lexer.js';

export type Node =
  | { type: 'field'; name: string }
  | { type: 'subexpression'; left: Node; right: Node }
  | { type: 'index_expression'; left: Node; right: Node }
  | { type: 'index'; value: number }
  | { type: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { type: 'projection'; left: Node; right: Node }
  | { type: 'value_projection'; left: Node; right: Node }
  | { type: 'filter_projection'; left: Node; right: Node; condition: Node }
  | { type: 'flatten'; child: Node }
  | { type: 'identity' }
  | { type: 'current' }
  | { type: 'literal'; value: unknown }
  | { type: 'multi_select_list'; children: Node[] }
  | { type: 'multi_select_hash'; pairs: Array<{ key: string; value: Node }> }
  | { type: 'pipe'; left: Node; right: Node }
  | { type: 'or'; left: Node; right: Node }
  | { type: 'and'; left: Node; right: Node }
  | { type: 'not'; child: Node }
  | { type: 'comparator'; op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; left: Node; right: Node }
  | { type: 'function'; name: string; args: Node[] }
  | { type: 'expref'; child: Node };

const BINDING_POWER: Readonly<Record<TokenType, number>> = {
  eof: 0,
  unquoted_identifier: 0,
  quoted_identifier: 0,
  literal: 0,
  rbracket: 0,
  rparen: 0,
  comma: 0,
  rbrace: 0,
  number: 0,
  current: 0,
  expref: 0,
  colon: 0,
  pipe: 1,
  or: 2,
  and: 3,
  eq: 5,
  ne: 5,
  gt: 5,
  gte: 5,
  lt: 5,
  lte: 5,
  flatten: 9,
  star: 20,
  filter: 21,
  dot: 40,
  not: 45,
  lbrace: 50,
  lbracket: 55,
  lparen: 60,
};

const IDENTITY: Node = { type: 'identity' };

class Parser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private advance(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private fail(token: Token, message?: string): never {
    throw new JmespathSyntaxError(message ?? `Unexpected token: ${token.type}`, token.start);
  }

  private match(type: TokenType): Token {
    const t = this.peek();
    if (t.type !== type) this.fail(t, `Expected ${type}, got: ${t.type}`);
    return this.advance();
  }

  parse(): Node {
    const node = this.expression(0);
    if (this.peek().type !== 'eof') this.fail(this.peek());
    return node;
  }

  private expression(rbp: number): Node {
    let left = this.nud(this.advance());
    while (rbp < BINDING_POWER[this.peek().type]) {
      left = this.led(this.advance(), left);
    }
    return left;
  }

  private nud(token: Token): Node {
    switch (token.type) {
      case 'literal':
        return { type: 'literal', value: token.value };
      case 'unquoted_identifier':
        return { type: 'field', name: token.value as string };
      case 'quoted_identifier':
        if (this.peek().type === 'lparen') this.fail(token, 'Quoted identifier not allowed for function names.');
        return { type: 'field', name: token.value as string };
      case 'not':
        return { type: 'not', child: this.expression(BINDING_POWER.not) };
      case 'star': {
        const right = this.peek().type === 'rbracket' ? IDENTITY : this.projectionRhs(BINDING_POWER.star);
        return { type: 'value_projection', left: IDENTITY, right };
      }
      case 'filter':
        return this.led(token, IDENTITY);
      case 'lbrace':
        return this.multiSelectHash();
      case 'flatten':
        return {
          type: 'projection',
          left: { type: 'flatten', child: IDENTITY },
          right: this.projectionRhs(BINDING_POWER.flatten),
        };
      case 'lbracket': {
        const next = this.peek().type;
        if (next === 'number' || next === 'colon') return this.projectIfSlice(IDENTITY, this.indexExpression());
        if (next === 'star' && this.peek(1).type === 'rbracket') {
          this.advance();
          this.advance();
          return { type: 'projection', left: IDENTITY, right: this.projectionRhs(BINDING_POWER.star) };
        }
        return this.multiSelectList();
      }
      case 'current':
        return { type: 'current' };
      case 'expref':
        return { type: 'expref', child: this.expression(BINDING_POWER.expref) };
      case 'lparen': {
        const inner = this.expression(0);
        this.match('rparen');
        return inner;
      }
      default:
        return this.fail(token);
    }
  }

  private led(token: Token, left: Node): Node {
    switch (token.type) {
      case 'dot': {
        const rbp = BINDING_POWER.dot;
        if (this.peek().type !== 'star') return { type: 'subexpression', left, right: this.dotRhs(rbp) };
        this.advance();
        return { type: 'value_projection', left, right: this.projectionRhs(rbp) };
      }
      case 'pipe':
        return { type: 'pipe', left, right: this.expression(BINDING_POWER.pipe) };
      case 'or':
        return { type: 'or', left, right: this.expression(BINDING_POWER.or) };
      case 'and':
        return { type: 'and', left, right: this.expression(BINDING_POWER.and) };
      case 'lparen': {
        if (left.type !== 'field') this.fail(token, 'Invalid function name');
        const args: Node[] = [];
        while (this.peek().type !== 'rparen') {
          args.push(this.expression(0));
          if (this.peek().type === 'comma') this.match('comma');
        }
        this.match('rparen');
        return { type: 'function', name: left.name, args };
      }
      case 'filter': {
        const condition = this.expression(0);
        this.match('rbracket');
        const right = this.peek().type === 'flatten' ? IDENTITY : this.projectionRhs(BINDING_POWER.filter);
        return { type: 'filter_projection', left, right, condition };
      }
      case 'flatten':
        return {
          type: 'projection',
          left: { type: 'flatten', child: left },
          right: this.projectionRhs(BINDING_POWER.flatten),
        };
      case 'eq':
      case 'ne':
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return { type: 'comparator', op: token.type, left, right: this.expression(BINDING_POWER[token.type]) };
      case 'lbracket': {
        const next = this.peek().type;
        if (next === 'number' || next === 'colon') return this.projectIfSlice(left, this.indexExpression());
        this.match('star');
        this.match('rbracket');
        return { type: 'projection', left, right: this.projectionRhs(BINDING_POWER.star) };
      }
      default:
        return this.fail(token);
    }
  }

  private indexExpression(): Node {
    if (this.peek().type === 'colon' || this.peek(1).type === 'colon') return this.sliceExpression();
    const n = this.match('number');
    this.match('rbracket');
    return { type: 'index', value: n.value as number };
  }

  private sliceExpression(): Node {
    const parts: Array<number | null> = [null, null, null];
    let index = 0;
    while (this.peek().type !== 'rbracket' && index < 3) {
      const t = this.peek();
      if (t.type === 'colon') {
        index++;
        this.advance();
      } else if (t.type === 'number') {
        parts[index] = t.value as number;
        this.advance();
      } else {
        this.fail(t);
      }
    }
    this.match('rbracket');
    return { type: 'slice', start: parts[0]!, stop: parts[1]!, step: parts[2]! };
  }

  private projectIfSlice(left: Node, right: Node): Node {
    const indexExpr: Node = { type: 'index_expression', left, right };
    if (right.type === 'slice') {
      return { type: 'projection', left: indexExpr, right: this.projectionRhs(BINDING_POWER.star) };
    }
    return indexExpr;
  }

  private projectionRhs(rbp: number): Node {
    const next = this.peek();
    if (BINDING_POWER[next.type] < 10) return IDENTITY;
    if (next.type === 'lbracket' || next.type === 'filter') return this.expression(rbp);
    if (next.type === 'dot') {
      this.match('dot');
      return this.dotRhs(rbp);
    }
    return this.fail(next);
  }

  private dotRhs(rbp: number): Node {
    const next = this.peek().type;
    if (next === 'unquoted_identifier' || next === 'quoted_identifier' || next === 'star') return this.expression(rbp);
    if (next === 'lbracket') {
      this.match('lbracket');
      return this.multiSelectList();
    }
    if (next === 'lbrace') {
      this.match('lbrace');
      return this.multiSelectHash();
    }
    return this.fail(this.peek());
  }

  private multiSelectList(): Node {
    const children: Node[] = [];
    for (;;) {
      children.push(this.expression(0));
      if (this.peek().type === 'rbracket') break;
      this.match('comma');
    }
    this.match('rbracket');
    return { type: 'multi_select_list', children };
  }

  private multiSelectHash(): Node {
    const pairs: Array<{ key: string; value: Node }> = [];
    for (;;) {
      const key = this.advance();
      if (key.type !== 'unquoted_identifier' && key.type !== 'quoted_identifier') {
        this.fail(key, `Expected identifier, got: ${key.type}`);
      }
      this.match('colon');
      pairs.push({ key: key.value as string, value: this.expression(0) });
      if (this.peek().type === 'comma') this.match('comma');
      else if (this.peek().type === 'rbrace') {
        this.match('rbrace');
        break;
      } else this.fail(this.peek());
    }
    return { type: 'multi_select_hash', pairs };
  }
}

export function parseJmespath(expression: string): Node {
  return new Parser(tokenize(expression)).parse();
}
