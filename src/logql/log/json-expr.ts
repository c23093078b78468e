// The expressions of `| json name="expression"`: field access (`a.b`,
// `a["b c"]`) and array access (`list[0]`) in any combination, parsed as
// Loki's yacc grammar does, with its error texts. The result is the path in
// the form the JSON reader takes: keys as they are, indexes as "[N]".

type Kind = 'DOT' | 'LSB' | 'RSB' | 'STRING' | 'FIELD' | 'INDEX' | '$end';

interface Token {
  kind: Kind;
  text: string;
}

/** Parses a JSON extraction expression; throws Error with Loki's message. */
export function parseJSONPath(expr: string): string[] {
  const lexer = new Lexer(expr);
  const path: string[] = [];
  let tok = lexer.next();

  // The first element: a field or a bracketed access.
  if (tok.kind === 'FIELD') {
    path.push(tok.text);
  } else if (tok.kind === 'LSB') {
    path.push(bracket(lexer));
  } else {
    throw syntaxError(tok, 'LSB or FIELD');
  }
  for (;;) {
    tok = lexer.next();
    if (tok.kind === '$end') break;
    if (tok.kind === 'LSB') {
      path.push(bracket(lexer));
    } else if (tok.kind === 'DOT') {
      const field = lexer.next();
      if (field.kind !== 'FIELD') throw syntaxError(field, 'FIELD');
      path.push(field.text);
    } else {
      throw new Error(`syntax error: unexpected ${tok.kind}`);
    }
  }
  // A lexer error seen where the input may end survives the parse.
  if (lexer.error !== null) throw new Error(lexer.error);
  return path;
}

function bracket(lexer: Lexer): string {
  const inner = lexer.next();
  if (inner.kind !== 'STRING' && inner.kind !== 'INDEX') throw syntaxError(inner, 'STRING or INDEX');
  const close = lexer.next();
  if (close.kind !== 'RSB') throw syntaxError(close, 'RSB');
  return inner.kind === 'INDEX' ? `[${inner.text}]` : inner.text;
}

function syntaxError(tok: Token, expecting: string): Error {
  return new Error(`syntax error: unexpected ${tok.kind}, expecting ${expecting}`);
}

class Lexer {
  private pos = 0;
  error: string | null = null;
  private readonly chars: string[];

  constructor(input: string) {
    this.chars = [...input];
  }

  private end(): Token {
    this.pos = this.chars.length;
    return { kind: '$end', text: '' };
  }

  private fail(msg: string): Token {
    this.error = msg;
    return this.end();
  }

  next(): Token {
    while (this.pos < this.chars.length) {
      const ch = this.chars[this.pos]!;
      if (ch === '\0') return this.end();
      if (ch === ' ' || ch === '\t' || ch === '\n') {
        this.pos++;
        continue;
      }
      if (ch >= '0' && ch <= '9') return this.index();
      this.pos++;
      if (ch === '[') return { kind: 'LSB', text: ch };
      if (ch === ']') return { kind: 'RSB', text: ch };
      if (ch === '.') return { kind: 'DOT', text: ch };
      if (/^[A-Za-z_]$/.test(ch)) {
        let text = ch;
        while (this.pos < this.chars.length && /^[A-Za-z0-9_]$/.test(this.chars[this.pos]!))
          text += this.chars[this.pos++];
        return { kind: 'FIELD', text };
      }
      if (ch === '"') {
        let text = '';
        while (this.pos < this.chars.length) {
          const c = this.chars[this.pos++]!;
          if (c === '\0' || c === '"' || c === ']') break;
          text += c;
        }
        return { kind: 'STRING', text };
      }
      return this.fail(`unexpected char ${ch}`);
    }
    return this.end();
  }

  private index(): Token {
    let digits = '';
    for (;;) {
      const ch = this.pos < this.chars.length ? this.chars[this.pos]! : '\0';
      if (ch === '.' && digits.length > 0) return this.fail('cannot use float as array index');
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '.' || ch === ']') break;
      if (!(ch >= '0' && ch <= '9')) return this.fail(`non-integer value: ${ch}`);
      digits += ch;
      this.pos++;
    }
    const n = BigInt(digits);
    if (n > 2n ** 63n - 1n) return this.fail(`strconv.Atoi: parsing "${digits}": value out of range`);
    return { kind: 'INDEX', text: n.toString() };
  }
}
