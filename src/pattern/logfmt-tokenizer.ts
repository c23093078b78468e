// The tokenizer Loki uses for streams whose first line is logfmt: every
// key/value pair gives two tokens, key and value, so that Drain compares
// whole values; the values of time and trace-id keys are replaced by the
// placeholder up front because they never repeat. Patterns are printed back
// as logfmt, quoting values the way Go's logfmt encoder does.
import { decodeRune, RUNE_ERROR, runeOf, widthOf } from './byte-string.js';
import { type LineTokenizer, PARAM, type TokenBuffer } from './line-tokenizer.js';
import { LogfmtScanner, SCAN_END, SCAN_PAIR } from './logfmt-scanner.js';

/** Keys whose values are always variable. */
function isVariableKey(key: string): boolean {
  switch (key.length) {
    case 1:
      return key === 't';
    case 2:
      return key.toLowerCase() === 'ts';
    case 4:
      return key.toLowerCase() === 'time';
    case 7:
      return key.toLowerCase() === 'traceid';
    case 9:
      return key.toLowerCase() === 'timestamp';
    default:
      return false;
  }
}

export class LogfmtTokenizer implements LineTokenizer {
  private readonly scanner = new LogfmtScanner();

  constructor(private readonly maxLineLength: number) {}

  tokenize(line: string, out: TokenBuffer): boolean {
    if (line.length > this.maxLineLength) return false;
    out.reset();
    const scanner = this.scanner;
    scanner.reset(line);
    while (!scanner.atEnd()) {
      const result = scanner.next();
      if (result === SCAN_END) break;
      if (result !== SCAN_PAIR) return false;
      out.push(scanner.key);
      out.push(isVariableKey(scanner.key) ? PARAM : scanner.value);
    }
    return true;
  }

  join(tokens: readonly string[], _spaces: readonly number[]): string {
    let out = '';
    for (let i = 0; i < tokens.length; i += 2) {
      const key = cleanKey(tokens[i]!);
      // A key with nothing printable left fails Go's encoder, and Loki then
      // renders the whole pattern as '' (and never reports it).
      if (key === '') return '';
      if (i > 0) out += ' ';
      out += `${key}=${formatValue(tokens[i + 1] ?? '')}`;
    }
    return out;
  }
}

/** Whether the logfmt encoder drops (in keys) or quotes (in values) this rune. */
function isUnsafeRune(cp: number): boolean {
  return cp <= 0x20 || cp === 0x3d || cp === 0x22 || cp === 0x7f || cp === RUNE_ERROR;
}

/** A key without the runes logfmt cannot carry in a key. */
function cleanKey(key: string): string {
  let out = '';
  let changed = false;
  for (let i = 0; i < key.length; ) {
    const d = decodeRune(key, i);
    const w = widthOf(d);
    if (isUnsafeRune(runeOf(d))) changed = true;
    else out += key.slice(i, i + w);
    i += w;
  }
  return changed ? out : key;
}

function formatValue(value: string): string {
  for (let i = 0; i < value.length; ) {
    const d = decodeRune(value, i);
    if (isUnsafeRune(runeOf(d))) return quoteValue(value);
    i += widthOf(d);
  }
  return value;
}

const HEX = '0123456789abcdef';

/** Go logfmt's quoting: JSON-like escapes, and `\ufffd` for anything that is not valid UTF-8. */
function quoteValue(value: string): string {
  let out = '"';
  let start = 0;
  let i = 0;
  while (i < value.length) {
    const b = value.charCodeAt(i);
    if (b < 0x80) {
      if (b >= 0x20 && b !== 0x5c && b !== 0x22 && b !== 0x7f) {
        i++;
        continue;
      }
      out += value.slice(start, i);
      if (b === 0x5c || b === 0x22) out += `\\${value[i]}`;
      else if (b === 0x0a) out += '\\n';
      else if (b === 0x0d) out += '\\r';
      else if (b === 0x09) out += '\\t';
      else out += `\\u00${HEX[b >> 4]}${HEX[b & 0xf]}`;
      i++;
      start = i;
      continue;
    }
    const d = decodeRune(value, i);
    const w = widthOf(d);
    if (runeOf(d) === RUNE_ERROR) {
      out += `${value.slice(start, i)}\\ufffd`;
      start = i + w;
    }
    i += w;
  }
  return `${out + value.slice(start)}"`;
}
