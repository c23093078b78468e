// JMESPath tokens (https://jmespath.org/specification.html), as the json
// stage's expressions are written.

export type TokenType =
  | 'eof'
  | 'unquoted_identifier'
  | 'quoted_identifier'
  | 'literal'
  | 'number'
  | 'rbracket'
  | 'rparen'
  | 'comma'
  | 'rbrace'
  | 'current'
  | 'expref'
  | 'colon'
  | 'pipe'
  | 'or'
  | 'and'
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'flatten'
  | 'star'
  | 'filter'
  | 'dot'
  | 'not'
  | 'lbrace'
  | 'lbracket'
  | 'lparen';

export interface Token {
  readonly type: TokenType;
  /** Identifier text, number value or literal value. */
  readonly value: unknown;
  readonly start: number;
}

export class JmespathSyntaxError extends Error {
  override name = 'JmespathSyntaxError';
  constructor(message: string, position: number) {
    super(`SyntaxError: ${message} (at position ${position})`);
  }
}

const SINGLE: Readonly<Record<string, TokenType>> = {
  '.': 'dot',
  '*': 'star',
  ',': 'comma',
  ':': 'colon',
  '{': 'lbrace',
  '}': 'rbrace',
  ']': 'rbracket',
  '(': 'lparen',
  ')': 'rparen',
  '@': 'current',
};

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, start: number, value: unknown = undefined) => tokens.push({ type, value, start });
  while (i < expr.length) {
    const c = expr[i]!;
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (IDENT_START.test(c)) {
      while (i < expr.length && IDENT_PART.test(expr[i]!)) i++;
      push('unquoted_identifier', start, expr.slice(start, i));
    } else if (SINGLE[c] !== undefined) {
      push(SINGLE[c], start);
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      i++;
      while (i < expr.length && expr[i]! >= '0' && expr[i]! <= '9') i++;
      const text = expr.slice(start, i);
      if (text === '-') throw new JmespathSyntaxError("Unknown char: '-'", start);
      push('number', start, Number(text));
    } else if (c === '[') {
      const next = expr[i + 1];
      if (next === ']') {
        push('flatten', start);
        i += 2;
      } else if (next === '?') {
        push('filter', start);
        i += 2;
      } else {
        push('lbracket', start);
        i++;
      }
    } else if (c === '"') {
      const end = closing(expr, i, '"');
      const raw = expr.slice(i, end + 1);
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new JmespathSyntaxError(`Invalid quoted identifier: ${raw}`, start);
      }
      push('quoted_identifier', start, value);
      i = end + 1;
    } else if (c === "'") {
      const end = closing(expr, i, "'");
      push('literal', start, expr.slice(i + 1, end).replaceAll("\\'", "'"));
      i = end + 1;
    } else if (c === '`') {
      const end = closing(expr, i, '`');
      const raw = expr.slice(i + 1, end).replaceAll('\\`', '`');
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new JmespathSyntaxError(`Invalid JSON literal: ${raw}`, start);
      }
      push('literal', start, value);
      i = end + 1;
    } else if (c === '|') {
      if (expr[i + 1] === '|') {
        push('or', start);
        i += 2;
      } else {
        push('pipe', start);
        i++;
      }
    } else if (c === '&') {
      if (expr[i + 1] === '&') {
        push('and', start);
        i += 2;
      } else {
        push('expref', start);
        i++;
      }
    } else if (c === '!') {
      if (expr[i + 1] === '=') {
        push('ne', start);
        i += 2;
      } else {
        push('not', start);
        i++;
      }
    } else if (c === '=') {
      if (expr[i + 1] !== '=') throw new JmespathSyntaxError("Unknown char: '='", start);
      push('eq', start);
      i += 2;
    } else if (c === '<' || c === '>') {
      const withEq = expr[i + 1] === '=';
      push(c === '<' ? (withEq ? 'lte' : 'lt') : withEq ? 'gte' : 'gt', start);
      i += withEq ? 2 : 1;
    } else {
      throw new JmespathSyntaxError(`Unknown char: '${c}'`, start);
    }
  }
  push('eof', expr.length);
  return tokens;
}

/** Index of the unescaped `quote` closing the one at `open`. */
function closing(expr: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < expr.length) {
    if (expr[i] === '\\') i += 2;
    else if (expr[i] === quote) return i;
    else i++;
  }
  throw new JmespathSyntaxError(`Unclosed ${quote} delimiter`, open);
}
