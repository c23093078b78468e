// A pull parser over JSON text with the behaviour of the json-iterator reader
// the collector's OTLP/JSON decoder is built on, so that Skald accepts and
// refuses the same documents Loki does:
// - numbers are handed over as their source text, so 64-bit integers are exact;
// - integers may also be sent as strings (the proto3 JSON mapping);
// - `null` reads as an empty object, array or string;
// - repeated keys are all visited, unknown ones skipped, and text after the
//   top-level value is ignored;
// - the first error stops everything, and its message has json-iterator's
//   form: "<op>: <what>, error found in #N byte of ...|<near>|..., bigger context ...|<around>|...".

import { goQuote } from '../../util/labels.js';

const WHITESPACE = new Set([' ', '\n', '\t', '\r']);
const MAX_UINT64 = (1n << 64n) - 1n;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export type JsonValueType = 'string' | 'number' | 'null' | 'bool' | 'array' | 'object' | 'invalid';

/** strconv.ParseUint/ParseInt in base 10, with Go's error text. */
function parseGoInteger(text: string, signed: boolean, bits: 32 | 64): bigint | string {
  const fn = signed ? 'strconv.ParseInt' : 'strconv.ParseUint';
  const syntax = signed ? /^[+-]?\d+$/ : /^\d+$/;
  if (!syntax.test(text)) return `${fn}: parsing ${goQuote(text)}: invalid syntax`;
  const v = BigInt(text);
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  if (v > max || v < min) return `${fn}: parsing ${goQuote(text)}: value out of range`;
  return v;
}

export class JsonIterator {
  private pos = 0;
  /** The first error met, in json-iterator's words; null while all is well. */
  error: string | null = null;

  constructor(private readonly text: string) {}

  /** Records the first error; later reads return zero values and loops end. */
  reportError(operation: string, message: string): void {
    if (this.error !== null) return;
    const head = this.pos;
    const peekStart = Math.max(0, head - 10);
    const peek = this.text.slice(peekStart, Math.min(this.text.length, head + 10));
    const context = this.text.slice(Math.max(0, head - 50), Math.min(this.text.length, head + 50));
    this.error = `${operation}: ${message}, error found in #${head - peekStart} byte of ...|${peek}|..., bigger context ...|${context}|...`;
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && WHITESPACE.has(this.text[this.pos]!)) this.pos++;
  }

  /** The next non-blank character, consumed; '' at the end of input or after an error. */
  private nextToken(): string {
    if (this.error !== null) return '';
    this.skipWhitespace();
    if (this.pos >= this.text.length) return '';
    return this.text[this.pos++]!;
  }

  private unread(): void {
    this.pos--;
  }

  private expectLiteral(rest: string, operation: string): void {
    if (this.text.startsWith(rest, this.pos)) {
      this.pos += rest.length;
      return;
    }
    this.reportError(operation, `expect ${rest}`);
  }

  whatIsNext(): JsonValueType {
    if (this.error !== null) return 'invalid';
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '"') return 'string';
    if (c === 'n') return 'null';
    if (c === 't' || c === 'f') return 'bool';
    if (c === '[') return 'array';
    if (c === '{') return 'object';
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return 'number';
    return 'invalid';
  }

  /** The next field name of the current object, or '' at its end (and for null). */
  readObject(): string {
    const c = this.nextToken();
    switch (c) {
      case 'n':
        this.expectLiteral('ull', 'ReadObject');
        return '';
      case '{': {
        const d = this.nextToken();
        if (d === '"') {
          this.unread();
          return this.readFieldName();
        }
        if (d === '}') return '';
        this.reportError('ReadObject', `expect " after {, but found ${d}`);
        return '';
      }
      case ',':
        return this.readFieldName();
      case '}':
        return '';
      default:
        this.reportError('ReadObject', `expect { or , or } or n, but found ${c}`);
        return '';
    }
  }

  private readFieldName(): string {
    const field = this.readString();
    const c = this.nextToken();
    if (c !== ':') this.reportError('ReadObject', `expect : after object field, but found ${c}`);
    return this.error === null ? field : '';
  }

  /** True while the current array has another element (null is an empty array). */
  readArray(): boolean {
    const c = this.nextToken();
    switch (c) {
      case 'n':
        this.expectLiteral('ull', 'ReadArray');
        return false;
      case '[': {
        const d = this.nextToken();
        if (d === ']') return false;
        if (d !== '') this.unread();
        return this.error === null;
      }
      case ']':
        return false;
      case ',':
        return true;
      default:
        this.reportError('ReadArray', `expect [ or , or ] or n, but found ${c}`);
        return false;
    }
  }

  /** A string (null reads as ''), with JSON escapes decoded. */
  readString(): string {
    const c = this.nextToken();
    if (c === 'n') {
      this.expectLiteral('ull', 'ReadString');
      return '';
    }
    if (c !== '"') {
      this.reportError('ReadString', `expects " or n, but found ${c}`);
      return '';
    }
    return this.readStringBody();
  }

  /** A string token's raw text, escapes left as they are (json-iterator's ReadStringAsSlice). */
  readRawString(): string {
    const c = this.nextToken();
    if (c !== '"') {
      this.reportError('ReadStringAsSlice', `expects " but found ${c}`);
      return '';
    }
    const end = this.text.indexOf('"', this.pos);
    if (end < 0) {
      this.pos = this.text.length;
      this.reportError('ReadStringAsSlice', 'incomplete string');
      return '';
    }
    const s = this.text.slice(this.pos, end);
    this.pos = end + 1;
    return s;
  }

  private readStringBody(): string {
    let out = '';
    for (;;) {
      const quote = this.text.indexOf('"', this.pos);
      if (quote < 0) {
        this.pos = this.text.length;
        this.reportError('ReadString', 'unexpected end of input');
        return '';
      }
      const segment = this.text.slice(this.pos, quote);
      const backslash = segment.indexOf('\\');
      if (backslash < 0) {
        this.pos = quote + 1;
        return out + segment;
      }
      // Up to the escape, then the escape; the quote found may itself be escaped.
      out += segment.slice(0, backslash);
      this.pos += backslash + 1;
      const escaped = this.readEscape();
      if (escaped === null) return '';
      out += escaped;
    }
  }

  private readHex4(): number {
    const hex = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
      this.reportError('readU4', `expects 0~9 or a~f, but found ${hex.slice(0, 1)}`);
      return -1;
    }
    this.pos += 4;
    return Number.parseInt(hex, 16);
  }

  /** One escape after a backslash; null after an error. Unpaired surrogates become U+FFFD (Go runes). */
  private readEscape(): string | null {
    const c = this.text[this.pos++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        return c;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const r = this.readHex4();
        if (r < 0) return null;
        if (r < 0xd800 || r > 0xdfff) return String.fromCharCode(r);
        if (this.text[this.pos] !== '\\') return '\ufffd';
        if (this.text[this.pos + 1] !== 'u') {
          this.pos++;
          const next = this.readEscape();
          return next === null ? null : `\ufffd${next}`;
        }
        this.pos += 2;
        const r2 = this.readHex4();
        if (r2 < 0) return null;
        if (r <= 0xdbff && r2 >= 0xdc00 && r2 <= 0xdfff) return String.fromCharCode(r, r2);
        const second = r2 >= 0xd800 && r2 <= 0xdfff ? '\ufffd' : String.fromCharCode(r2);
        return `\ufffd${second}`;
      }
      default:
        this.reportError('readEscapedChar', 'invalid escape char after \\');
        return null;
    }
  }

  readBool(): boolean {
    const c = this.nextToken();
    if (c === 't') {
      this.expectLiteral('rue', 'ReadBool');
      return this.error === null;
    }
    if (c === 'f') {
      this.expectLiteral('alse', 'ReadBool');
      return false;
    }
    this.reportError('ReadBool', `expect t or f, but found ${c}`);
    return false;
  }

  /** The source text of a number token ('' after an error). */
  private readNumberText(operation: string): string {
    this.skipWhitespace();
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) {
      this.reportError(operation, 'unexpected character');
      return '';
    }
    this.pos += m[0].length;
    return m[0];
  }

  private readInteger(operation: string, signed: boolean, bits: 32 | 64): bigint {
    switch (this.whatIsNext()) {
      case 'number': {
        const text = this.readNumberText(operation);
        if (text === '') return 0n;
        if (!/^-?\d+$/.test(text) || (!signed && text.startsWith('-'))) {
          this.reportError(operation, `unexpected character in ${text}`);
          return 0n;
        }
        const v = BigInt(text);
        const max = signed ? (bits === 64 ? MAX_INT64 : 0x7fffffffn) : bits === 64 ? MAX_UINT64 : 0xffffffffn;
        const min = signed ? (bits === 64 ? MIN_INT64 : -0x80000000n) : 0n;
        if (v > max || v < min) {
          this.reportError(operation, `overflow: ${text}`);
          return 0n;
        }
        return v;
      }
      case 'string': {
        const parsed = parseGoInteger(this.readString(), signed, bits);
        if (typeof parsed === 'string') {
          this.reportError(operation, parsed);
          return 0n;
        }
        return parsed;
      }
      default:
        this.reportError(operation, 'unsupported value type');
        return 0n;
    }
  }

  readUint64(): bigint {
    return this.readInteger('ReadUint64', false, 64);
  }

  readInt64(): bigint {
    return this.readInteger('ReadInt64', true, 64);
  }

  readUint32(): number {
    return Number(this.readInteger('ReadUint32', false, 32));
  }

  readInt32(): number {
    return Number(this.readInteger('ReadInt32', true, 32));
  }

  readFloat64(): number {
    switch (this.whatIsNext()) {
      case 'number': {
        const text = this.readNumberText('ReadFloat64');
        return text === '' ? 0 : Number(text);
      }
      case 'string': {
        const text = this.readString();
        const v = parseGoFloat(text);
        if (v === null) {
          this.reportError('ReadFloat64', `strconv.ParseFloat: parsing ${goQuote(text)}: invalid syntax`);
          return 0;
        }
        return v;
      }
      default:
        this.reportError('ReadFloat64', 'unsupported value type');
        return 0;
    }
  }

  /** An enum as its number or its name in `values`. */
  readEnum(values: ReadonlyMap<string, number>): number {
    switch (this.whatIsNext()) {
      case 'number':
        return this.readInt32();
      case 'string': {
        const v = values.get(this.readString());
        if (v === undefined) {
          this.reportError('ReadEnumValue', 'unknown string value');
          return 0;
        }
        return v;
      }
      default:
        this.reportError('ReadEnumValue', 'unsupported value type');
        return 0;
    }
  }

  /** Skips the next value, whatever it is. */
  skip(): void {
    switch (this.whatIsNext()) {
      case 'string':
        this.readString();
        return;
      case 'number':
        this.readNumberText('Skip');
        return;
      case 'null':
        this.pos++;
        this.expectLiteral('ull', 'Skip');
        return;
      case 'bool':
        this.readBool();
        return;
      case 'array':
        while (this.readArray()) this.skip();
        return;
      case 'object':
        while (this.readObject() !== '') this.skip();
        return;
      default:
        this.reportError('Skip', `do not know how to skip: ${this.text[this.pos] ?? ''}`);
    }
  }
}

/** Go's strconv.ParseFloat for the forms JSON clients send, including "NaN" and "Infinity". */
function parseGoFloat(text: string): number | null {
  if (/^[+-]?(?:inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return Number(text);
  return null;
}
