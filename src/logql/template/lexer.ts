// Tokenizer for Go text/template, following text/template/parse/lex.go:
// text outside {{ }}, actions inside, trim markers "{{- " and " -}}",
// comments "{{/* */}}", and the same error messages. Positions are UTF-16
// indices into the template text; lines count from 1.
import { quote } from './strconv.js';

export const Item = {
  Error: 0,
  Bool: 1,
  Char: 2,
  CharConstant: 3,
  Complex: 4,
  Assign: 5,
  Declare: 6,
  EOF: 7,
  Field: 8,
  Identifier: 9,
  LeftDelim: 10,
  LeftParen: 11,
  Number: 12,
  Pipe: 13,
  RawString: 14,
  RightDelim: 15,
  RightParen: 16,
  Space: 17,
  String: 18,
  Text: 19,
  Variable: 20,
  // Keywords sort after everything else.
  Keyword: 21,
  Block: 22,
  Break: 23,
  Continue: 24,
  Dot: 25,
  Define: 26,
  Else: 27,
  End: 28,
  If: 29,
  Nil: 30,
  Range: 31,
  Template: 32,
  With: 33,
} as const;
export type ItemType = (typeof Item)[keyof typeof Item];

const KEYWORDS: ReadonlyMap<string, ItemType> = new Map<string, ItemType>([
  ['.', Item.Dot],
  ['block', Item.Block],
  ['break', Item.Break],
  ['continue', Item.Continue],
  ['define', Item.Define],
  ['else', Item.Else],
  ['end', Item.End],
  ['if', Item.If],
  ['range', Item.Range],
  ['nil', Item.Nil],
  ['template', Item.Template],
  ['with', Item.With],
]);

export interface Token {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

/** How a token prints in "unexpected X in Y" messages. */
export function tokenString(t: Token): string {
  if (t.type === Item.EOF) return 'EOF';
  if (t.type === Item.Error) return t.val;
  if (t.type > Item.Keyword) return `<${t.val}>`;
  const runes = Array.from(t.val);
  if (runes.length > 10) return `${quote(runes.slice(0, 10).join(''))}...`;
  return quote(t.val);
}

const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const EOF = -1;

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

export function isAlphaNumeric(r: number): boolean {
  if (r < 0x80) {
    return r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  }
  return r !== EOF && LETTER_OR_DIGIT.test(String.fromCodePoint(r));
}

/** "%#U" formatting of a rune: U+0041 'A' (the quoted form only when printable). */
export function formatRuneU(r: number): string {
  const hex = r.toString(16).toUpperCase().padStart(4, '0');
  const printable = r < 0x80 ? r >= 0x20 && r < 0x7f : /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(r));
  return printable ? `U+${hex} '${String.fromCodePoint(r)}'` : `U+${hex}`;
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s.charCodeAt(i) === 0x2d && isSpace(s.charCodeAt(i + 1));
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return isSpace(s.charCodeAt(i)) && s.charCodeAt(i + 1) === 0x2d;
}

export interface LexOptions {
  /** False when a function named "break" exists, making the word an identifier. */
  breakOK: boolean;
  continueOK: boolean;
}

/** The lexer's next state, as in Go's state-function design; null ends the scan of one item. */
type State =
  | 'text'
  | 'leftDelim'
  | 'comment'
  | 'rightDelim'
  | 'insideAction'
  | 'space'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'char'
  | 'number'
  | 'quote'
  | 'rawQuote'
  | null;

function rightTrimLength(s: string): number {
  let n = s.length;
  while (n > 0 && isSpace(s.charCodeAt(n - 1))) n--;
  return s.length - n;
}

/** Scans the whole template up front; the parser walks the token list. */
export class Lexer {
  private pos = 0;
  private start = 0;
  private width = 0;
  private line = 1;
  private startLine = 1;
  private parenDepth = 0;
  private insideAction = false;
  private item: Token = { type: Item.EOF, pos: 0, val: 'EOF', line: 1 };
  private done = false;

  constructor(
    private input: string,
    private readonly options: LexOptions,
  ) {}

  /** All tokens up to and including EOF or the first error. */
  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const t = this.nextItem();
      out.push(t);
      if (t.type === Item.EOF || t.type === Item.Error) return out;
    }
  }

  private nextItem(): Token {
    this.item = { type: Item.EOF, pos: this.pos, val: 'EOF', line: this.startLine };
    if (this.done) return this.item;
    let state: State = this.insideAction ? 'insideAction' : 'text';
    while (state !== null) state = this.step(state);
    return this.item;
  }

  private step(state: Exclude<State, null>): State {
    switch (state) {
      case 'text':
        return this.lexText();
      case 'leftDelim':
        return this.lexLeftDelim();
      case 'comment':
        return this.lexComment();
      case 'rightDelim':
        return this.lexRightDelim();
      case 'insideAction':
        return this.lexInsideAction();
      case 'space':
        return this.lexSpace();
      case 'identifier':
        return this.lexIdentifier();
      case 'field':
        return this.lexFieldOrVariable(Item.Field);
      case 'variable':
        return this.atTerminator() ? this.emit(Item.Variable) : this.lexFieldOrVariable(Item.Variable);
      case 'char':
        return this.lexChar();
      case 'number':
        return this.lexNumber();
      case 'quote':
        return this.lexQuote();
      case 'rawQuote':
        return this.lexRawQuote();
    }
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.width = r > 0xffff ? 2 : 1;
    this.pos += this.width;
    if (r === 0x0a) this.line++;
    return r;
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
    if (this.width === 1 && this.input.charCodeAt(this.pos) === 0x0a) this.line--;
  }

  private thisItem(type: ItemType): Token {
    const t: Token = { type, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return t;
  }

  private emit(type: ItemType): State {
    return this.emitItem(this.thisItem(type));
  }

  private emitItem(t: Token): State {
    this.item = t;
    return null;
  }

  /** Skips the pending input, counting its newlines. */
  private ignore(): void {
    this.countNewlines(this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  private countNewlines(from: number, to: number): void {
    for (let i = from; i < to; i++) if (this.input.charCodeAt(i) === 0x0a) this.line++;
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  private acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  private errorf(msg: string): State {
    this.item = { type: Item.Error, pos: this.start, val: msg, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = '';
    this.done = true;
    return null;
  }

  private atRightDelim(): [delim: boolean, trimSpaces: boolean] {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT_DELIM, this.pos + 2)) {
      return [true, true];
    }
    if (this.input.startsWith(RIGHT_DELIM, this.pos)) return [true, false];
    return [false, false];
  }

  /** Whether an identifier may end here; catches "$x+2" and ".a-b". */
  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.input.startsWith(RIGHT_DELIM, this.pos);
  }

  private lexText(): State {
    const x = this.input.indexOf(LEFT_DELIM, this.pos);
    if (x >= 0) {
      if (x > this.pos) {
        let trim = 0;
        if (hasLeftTrimMarker(this.input, x + LEFT_DELIM.length))
          trim = rightTrimLength(this.input.slice(this.start, x));
        this.pos = x - trim;
        this.countNewlines(this.start, this.pos);
        const t = this.thisItem(Item.Text);
        this.pos = x;
        this.ignore();
        if (t.val.length > 0) return this.emitItem(t);
      }
      return 'leftDelim';
    }
    this.pos = this.input.length;
    if (this.pos > this.start) {
      this.countNewlines(this.start, this.pos);
      return this.emit(Item.Text);
    }
    return this.emit(Item.EOF);
  }

  private lexLeftDelim(): State {
    this.pos += LEFT_DELIM.length;
    const afterMarker = hasLeftTrimMarker(this.input, this.pos) ? 2 : 0;
    if (this.input.startsWith(LEFT_COMMENT, this.pos + afterMarker)) {
      this.pos += afterMarker;
      this.ignore();
      return 'comment';
    }
    const t = this.thisItem(Item.LeftDelim);
    this.insideAction = true;
    this.pos += afterMarker;
    this.ignore();
    this.parenDepth = 0;
    return this.emitItem(t);
  }

  private lexComment(): State {
    this.pos += LEFT_COMMENT.length;
    const x = this.input.indexOf(RIGHT_COMMENT, this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.pos = x + RIGHT_COMMENT.length;
    const [delim, trimSpace] = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    if (trimSpace) this.pos += 2;
    this.pos += RIGHT_DELIM.length;
    if (trimSpace) this.skipSpaces();
    this.ignore();
    return 'text';
  }

  private skipSpaces(): void {
    while (this.pos < this.input.length && isSpace(this.input.charCodeAt(this.pos))) this.pos++;
  }

  private lexRightDelim(): State {
    const trimSpace = hasRightTrimMarker(this.input, this.pos);
    if (trimSpace) {
      this.pos += 2;
      this.ignore();
    }
    this.pos += RIGHT_DELIM.length;
    const t = this.thisItem(Item.RightDelim);
    if (trimSpace) {
      this.skipSpaces();
      this.ignore();
    }
    this.insideAction = false;
    return this.emitItem(t);
  }

  private lexInsideAction(): State {
    const [delim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) return 'rightDelim';
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === EOF) return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup(); // Put the space back in case it starts " -}}".
      return 'space';
    }
    switch (r) {
      case 0x3d: // =
        return this.emit(Item.Assign);
      case 0x3a: // :
        if (this.next() !== 0x3d) return this.errorf('expected :=');
        return this.emit(Item.Declare);
      case 0x7c: // |
        return this.emit(Item.Pipe);
      case 0x22: // "
        return 'quote';
      case 0x60: // `
        return 'rawQuote';
      case 0x24: // $
        return 'variable';
      case 0x27: // '
        return 'char';
      case 0x2e: {
        // "." starts a field unless a digit follows (".5" is a number).
        const c = this.input.charCodeAt(this.pos);
        if (this.pos < this.input.length && (c < 0x30 || c > 0x39)) return 'field';
        this.backup();
        return 'number';
      }
      case 0x28: // (
        this.parenDepth++;
        return this.emit(Item.LeftParen);
      case 0x29: // )
        this.parenDepth--;
        if (this.parenDepth < 0) return this.errorf('unexpected right paren');
        return this.emit(Item.RightParen);
    }
    if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      this.backup();
      return 'number';
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return 'identifier';
    }
    if (r >= 0x20 && r < 0x7f) return this.emit(Item.Char);
    return this.errorf(`unrecognized character in action: ${formatRuneU(r)}`);
  }

  private lexSpace(): State {
    let numSpaces = 0;
    while (isSpace(this.peek())) {
      this.next();
      numSpaces++;
    }
    // A trim-marked closing delimiter has a minus after a space.
    if (hasRightTrimMarker(this.input, this.pos - 1) && this.input.startsWith(RIGHT_DELIM, this.pos + 1)) {
      this.backup();
      if (numSpaces === 1) return 'rightDelim';
    }
    return this.emit(Item.Space);
  }

  private lexIdentifier(): State {
    for (;;) {
      const r = this.next();
      if (isAlphaNumeric(r)) continue;
      this.backup();
      const word = this.input.slice(this.start, this.pos);
      if (!this.atTerminator()) return this.errorf(`bad character ${formatRuneU(r)}`);
      const kw = KEYWORDS.get(word);
      if (kw !== undefined && kw > Item.Keyword) {
        if ((kw === Item.Break && !this.options.breakOK) || (kw === Item.Continue && !this.options.continueOK)) {
          return this.emit(Item.Identifier);
        }
        return this.emit(kw);
      }
      if (word[0] === '.') return this.emit(Item.Field);
      if (word === 'true' || word === 'false') return this.emit(Item.Bool);
      return this.emit(Item.Identifier);
    }
  }

  private lexFieldOrVariable(type: ItemType): State {
    if (this.atTerminator()) return this.emit(type === Item.Variable ? Item.Variable : Item.Dot);
    let r: number;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${formatRuneU(r)}`);
    return this.emit(type);
  }

  private lexChar(): State {
    for (;;) {
      const r = this.next();
      if (r === 0x5c) {
        const n = this.next();
        if (n !== EOF && n !== 0x0a) continue;
        return this.errorf('unterminated character constant');
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated character constant');
      if (r === 0x27) return this.emit(Item.CharConstant);
    }
  }

  /** Scans a number loosely ("089", "0x0.2" pass); the parser validates it. */
  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  private lexNumber(): State {
    if (!this.scanNumber()) return this.errorf(`bad number syntax: ${quote(this.input.slice(this.start, this.pos))}`);
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      // Complex: 1+2i. No spaces, must end in 'i'.
      if (!this.scanNumber() || this.input.charCodeAt(this.pos - 1) !== 0x69) {
        return this.errorf(`bad number syntax: ${quote(this.input.slice(this.start, this.pos))}`);
      }
      return this.emit(Item.Complex);
    }
    return this.emit(Item.Number);
  }

  private lexQuote(): State {
    for (;;) {
      const r = this.next();
      if (r === 0x5c) {
        const n = this.next();
        if (n !== EOF && n !== 0x0a) continue;
        return this.errorf('unterminated quoted string');
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated quoted string');
      if (r === 0x22) return this.emit(Item.String);
    }
  }

  private lexRawQuote(): State {
    for (;;) {
      const r = this.next();
      if (r === EOF) return this.errorf('unterminated raw quoted string');
      if (r === 0x60) return this.emit(Item.RawString);
    }
  }
}
