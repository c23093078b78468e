// Stream label sets of push requests: `{app="api", env="prod"}`.
//
// Loki reads them with Prometheus' metric parser (syntax.ParseLabels):
// a label set of `name="value"` pairs, optionally after a metric name, with
// quoted names allowed and a trailing comma tolerated. Labels come back sorted
// by name, and labels with an empty value are dropped (Prometheus treats them
// as absent; keeping them would change the stream's identity). Duplicate
// names are kept: the distributor reports them with its own message, after
// its other per-stream checks, as Loki does.
//
// This runs for every stream of every push, so the common shape is read by
// a dedicated loop; anything unusual goes through the general reader, which
// also produces Prometheus' error messages ("1:9: parse error: ...").
import { goQuote, goQuoteRune, goUnquote } from './gostrconv.js';

export interface StreamLabel {
  name: string;
  value: string;
}

/** A label set Prometheus' parser rejects; `message` is its exact text. */
export class StreamLabelsError extends Error {
  override name = 'StreamLabelsError';
}

/** Loki refuses label strings this long (Prometheus' internal limit). */
const maxStreamLabelsBytes = (1 << 24) - 1;

function byName(a: StreamLabel, b: StreamLabel): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function finish(labels: StreamLabel[]): StreamLabel[] {
  let sorted = true;
  let empty = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i].value === '') empty = true;
    if (i > 0 && labels[i - 1].name > labels[i].name) sorted = false;
  }
  if (!sorted) labels.sort(byName);
  return empty ? labels.filter((l) => l.value !== '') : labels;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The common `{a="b", c="d"}` shape without escapes; null when the text needs the general reader. */
function readSimple(text: string): StreamLabel[] | null {
  const n = text.length;
  if (n < 2 || text.charCodeAt(0) !== 0x7b || text.charCodeAt(n - 1) !== 0x7d) return null;
  const labels: StreamLabel[] = [];
  let i = 1;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i === n - 1) return labels; // `{}` or trailing comma
    const nameStart = i;
    if (!isNameStart(text.charCodeAt(i))) return null;
    i++;
    while (isNamePart(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i);
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x3d || text.charCodeAt(i + 1) === 0x7e) return null; // `=`, not `=~`
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x22) return null;
    const close = text.indexOf('"', i + 1);
    if (close < 0 || close >= n - 1) return null;
    const value = text.slice(i + 1, close);
    if (value.includes('\\') || value.includes('\n') || value.includes('\ufffd')) return null;
    labels.push({ name, value });
    i = close + 1;
    while (isSpace(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (i === n - 1 && c === 0x7d) return labels;
    if (c !== 0x2c) return null;
    i++;
  }
}

/** Parses a push request's stream labels (Loki's `syntax.ParseLabels`). */
export function parseStreamLabels(text: string): StreamLabel[] {
  if (text.length > maxStreamLabelsBytes || Buffer.byteLength(text) > maxStreamLabelsBytes) {
    throw new StreamLabelsError(
      `labels size ${Buffer.byteLength(text) >> 20} MiB exceeds limit of ${maxStreamLabelsBytes >> 20}`,
    );
  }
  const simple = readSimple(text);
  if (simple) return finish(simple);
  return finish(new LabelSetReader(text).read());
}

type ItemKind = 'ident' | 'string' | '{' | '}' | ',' | '=' | 'op' | 'eof' | 'other';

interface Item {
  kind: ItemKind;
  text: string;
  pos: number;
}

/** The general reader: Prometheus' lexer and label-set grammar, for the shapes push requests use. */
class LabelSetReader {
  private i = 0;
  private inBraces = false;

  constructor(private readonly src: string) {}

  private fail(pos: number, msg: string): never {
    const bytePos = Buffer.byteLength(this.src.slice(0, pos));
    const before = this.src.slice(0, pos);
    const line = before.split('\n').length;
    const lastBreak = before.lastIndexOf('\n');
    const col = lastBreak < 0 ? bytePos + 1 : bytePos - Buffer.byteLength(this.src.slice(0, lastBreak));
    throw new StreamLabelsError(`${line}:${col}: parse error: ${msg}`);
  }

  /** Prometheus' description of an item in "unexpected ..." messages. */
  private describe(item: Item): string {
    switch (item.kind) {
      case 'eof':
        return 'end of input';
      case 'ident':
        return `identifier ${goQuote(item.text)}`;
      case 'string':
        // Go's %.10q: the first ten characters, quoted, then an ellipsis.
        return Buffer.byteLength(item.text) > 10
          ? `string ${goQuote(Array.from(item.text).slice(0, 10).join(''))}...`
          : `string ${goQuote(item.text)}`;
      case 'op':
        return `<op:${item.text}>`;
      default:
        return goQuote(item.text);
    }
  }

  private unexpected(item: Item, expected: string): never {
    return this.fail(item.pos, `unexpected ${this.describe(item)} in label set, expected ${expected}`);
  }

  private nextItem(): Item {
    const s = this.src;
    while (this.i < s.length && isSpace(s.charCodeAt(this.i))) this.i++;
    const pos = this.i;
    if (this.i >= s.length) {
      if (this.inBraces) this.fail(pos, 'unexpected end of input inside braces');
      return { kind: 'eof', text: '', pos };
    }
    const c = s.charCodeAt(this.i);
    if (c === 0x22 || c === 0x27 || c === 0x60) return this.readString(pos, c);
    if (this.inBraces) {
      if (isNameStart(c)) return this.readName(pos, false);
      this.i++;
      switch (c) {
        case 0x2c:
          return { kind: ',', text: ',', pos };
        case 0x7d:
          this.inBraces = false;
          return { kind: '}', text: '}', pos };
        case 0x3d:
          if (s.charCodeAt(this.i) === 0x7e) {
            this.i++;
            return { kind: 'op', text: '=~', pos };
          }
          return { kind: '=', text: '=', pos };
        case 0x21: {
          const next = s.codePointAt(this.i) ?? -1;
          if (next === 0x7e || next === 0x3d) {
            this.i++;
            return { kind: 'op', text: next === 0x7e ? '!~' : '!=', pos };
          }
          return this.fail(
            pos,
            `unexpected character after '!' inside braces: ${next < 0 ? "'\\x00'" : goQuoteRune(next)}`,
          );
        }
        case 0x7b:
          return this.fail(pos, "unexpected left brace '{'");
      }
      return this.fail(pos, `unexpected character inside braces: ${goQuoteRune(s.codePointAt(pos)!)}`);
    }
    if (isNameStart(c) || c === 0x3a) return this.readName(pos, true);
    if (c === 0x7b) {
      this.i++;
      this.inBraces = true;
      return { kind: '{', text: '{', pos };
    }
    this.i++;
    return { kind: 'other', text: String.fromCodePoint(s.codePointAt(pos)!), pos };
  }

  private readName(pos: number, metric: boolean): Item {
    const s = this.src;
    this.i++;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (isNamePart(c) || (metric && c === 0x3a)) this.i++;
      else break;
    }
    return { kind: 'ident', text: s.slice(pos, this.i), pos };
  }

  private readString(pos: number, quote: number): Item {
    const s = this.src;
    let i = pos + 1;
    for (;;) {
      if (i >= s.length || (quote !== 0x60 && s.charCodeAt(i) === 0x0a)) {
        this.fail(pos, quote === 0x60 ? 'unterminated raw string' : 'unterminated quoted string');
      }
      const c = s.charCodeAt(i);
      if (c === quote) break;
      // Prometheus' lexer cannot tell U+FFFD from undecodable bytes and rejects both.
      if (c === 0xfffd) this.fail(pos, 'invalid UTF-8 rune');
      if (c === 0x5c && quote !== 0x60) i = this.checkEscape(pos, i + 1, quote);
      else i++;
    }
    this.i = i + 1;
    return { kind: 'string', text: s.slice(pos, this.i), pos };
  }

  private checkEscape(pos: number, i: number, quote: number): number {
    const s = this.src;
    if (i >= s.length) this.fail(pos, 'escape sequence not terminated');
    const c = s.charCodeAt(i);
    if ('abfnrtv\\'.includes(s[i]) || c === quote) return i + 1;
    let digits = 0;
    let base = 16;
    let start = i + 1;
    if (c >= 0x30 && c <= 0x37) {
      digits = 3;
      base = 8;
      start = i;
    } else if (s[i] === 'x') digits = 2;
    else if (s[i] === 'u') digits = 4;
    else if (s[i] === 'U') digits = 8;
    else this.fail(pos, `unknown escape sequence U+${c.toString(16).toUpperCase().padStart(4, '0')} '${s[i]}'`);
    let j = start;
    let value = 0;
    for (let k = 0; k < digits; k++, j++) {
      if (j >= s.length) this.fail(pos, 'escape sequence not terminated');
      const d = Number.parseInt(s[j], base);
      if (Number.isNaN(d)) {
        const cp = s.codePointAt(j)!;
        this.fail(
          pos,
          `illegal character U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}' in escape sequence`,
        );
      }
      value = value * base + d;
    }
    const max = digits <= 3 ? 255 : 0x10ffff;
    if (value > max || (value >= 0xd800 && value < 0xe000)) {
      this.fail(pos, 'escape sequence is an invalid Unicode code point');
    }
    return j;
  }

  read(): StreamLabel[] {
    const labels: StreamLabel[] = [];
    let item = this.nextItem();
    if (item.kind === 'eof') return labels;
    if (item.kind === 'ident') {
      // A metric name before the braces names the series.
      labels.push({ name: '__name__', value: item.text });
      item = this.nextItem();
      if (item.kind === 'eof') return labels;
    }
    if (item.kind !== '{') return this.fail(item.pos, `unexpected ${this.describe(item)}`);
    item = this.nextItem();
    for (;;) {
      if (item.kind === '}') break;
      if (item.kind === 'ident' || item.kind === 'string') {
        const nameItem = item;
        const name = item.kind === 'ident' ? item.text : (goUnquote(item.text) ?? '');
        item = this.nextItem();
        if (item.kind === '=') {
          item = this.nextItem();
          if (item.kind !== 'string') this.unexpected(item, 'string');
          labels.push({ name, value: goUnquote(item.text) ?? '' });
          item = this.nextItem();
        } else if (nameItem.kind === 'string' && (item.kind === ',' || item.kind === '}')) {
          labels.push({ name: '__name__', value: name });
        } else {
          this.unexpected(item, '"="');
        }
      } else {
        this.unexpected(item, 'identifier or "}"');
      }
      if (item.kind === '}') break;
      if (item.kind !== ',') this.unexpected(item, '"," or "}"');
      item = this.nextItem();
    }
    const rest = this.nextItem();
    if (rest.kind !== 'eof') this.fail(rest.pos, `unexpected ${this.describe(rest)}`);
    return labels;
  }
}
