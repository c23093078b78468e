// The expressions of `| logfmt name="expression"`: a key (`level`) or a quoted
// string (`"level"`), as Loki's small yacc grammar reads them, with its error
// texts ("syntax error: unexpected KEY", "unexpected char Ü").

type Token = { kind: 'KEY' | 'STRING' | '$end'; text: string };

/** Parses an extraction expression into its parts; throws Error with Loki's message. */
export function parseLogfmtExpression(expr: string): string[] {
  const lexer = new Lexer(expr);
  const parts: string[] = [];
  let tok = lexer.next();
  if (tok.kind === '$end') throw new Error('syntax error: unexpected $end, expecting STRING or KEY');
  // expressions: key | value | expressions value
  parts.push(tok.text);
  for (;;) {
    tok = lexer.next();
    if (tok.kind === '$end') break;
    if (tok.kind !== 'STRING') throw new Error(`syntax error: unexpected ${tok.kind}`);
    parts.push(tok.text);
  }
  // A lexer error seen where the input may end survives the parse.
  if (lexer.error !== null) throw new Error(lexer.error);
  return parts;
}

class Lexer {
  private pos = 0;
  error: string | null = null;
  private readonly chars: string[];

  constructor(input: string) {
    this.chars = [...input];
  }

  next(): Token {
    while (this.pos < this.chars.length) {
      const ch = this.chars[this.pos]!;
      if (ch === '\0') break;
      if (ch === ' ' || ch === '\t' || ch === '\n') {
        this.pos++;
        continue;
      }
      if (/^[A-Za-z_]$/.test(ch)) {
        let text = '';
        while (this.pos < this.chars.length && /^[A-Za-z0-9_]$/.test(this.chars[this.pos]!))
          text += this.chars[this.pos++];
        return { kind: 'KEY', text };
      }
      if (ch === '"') {
        this.pos++;
        let text = '';
        while (this.pos < this.chars.length) {
          const c = this.chars[this.pos++]!;
          if (c === '\0' || c === '"' || c === ']') break;
          text += c;
        }
        return { kind: 'STRING', text };
      }
      this.error = `unexpected char ${ch}`;
      this.pos = this.chars.length;
      break;
    }
    return { kind: '$end', text: '' };
  }
}
