// Loki's default tokenizer: splits a line at spaces, at `=` and at Unicode
// punctuation, keeping `_ - . : /` inside tokens so that paths, hosts,
// timestamps and dotted names stay whole. Each punctuation mark becomes a
// token of its own; spaces are remembered by position so the pattern can be
// printed with the line's spacing.
import { decodeRune, runeOf, widthOf } from './byte-string.js';
import type { LineTokenizer, TokenBuffer } from './line-tokenizer.js';
import { LETTER, NUMBER, PUNCT, runeClass } from './unicode.js';

/** Once a line has this many tokens, Loki keeps the rest of it as one final token. */
const MAX_SPLIT_TOKENS = 127;

const KEEP = 0; // part of the current token
const SPACE = 1; // ends the current token, recorded for joining
const DELIMITER = 2; // ends the current token and is a token itself
const OTHER = 3; // neither: symbols such as `$ < |` and control characters stay in the token

const asciiAction = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const cls = runeClass(c);
  const ch = String.fromCharCode(c);
  if (cls & (LETTER | NUMBER) || '_-.:/'.includes(ch)) asciiAction[c] = KEEP;
  else if (ch === ' ') asciiAction[c] = SPACE;
  else if (ch === '=' || cls & PUNCT) asciiAction[c] = DELIMITER;
  else asciiAction[c] = OTHER;
}

function nonAsciiAction(cp: number): number {
  const cls = runeClass(cp);
  if (cls & (LETTER | NUMBER)) return KEEP;
  return cls & PUNCT ? DELIMITER : OTHER;
}

export class PunctuationTokenizer implements LineTokenizer {
  constructor(private readonly maxLineLength: number) {}

  tokenize(line: string, out: TokenBuffer): boolean {
    if (line.length > this.maxLineLength) return false;
    out.reset();
    const n = line.length;
    let start = 0;
    let i = 0;
    while (i < n) {
      if (out.count >= MAX_SPLIT_TOKENS) break;
      const c = line.charCodeAt(i);
      let width = 1;
      let action: number;
      if (c < 0x80) {
        action = asciiAction[c]!;
      } else {
        const d = decodeRune(line, i);
        width = widthOf(d);
        action = nonAsciiAction(runeOf(d));
      }
      if (action === SPACE || action === DELIMITER) {
        if (i > start) out.push(line.slice(start, i));
        if (action === SPACE) out.pushSpace(out.count - 1);
        // Loki takes one byte here even for a multi-byte mark; the rest of the
        // mark's bytes then open the next token. Kept for identical patterns.
        else out.push(line.slice(i, i + 1));
        start = i + 1;
      }
      i += width;
    }
    if (start < n) out.push(line.slice(start));
    return true;
  }

  join(tokens: readonly string[], spaces: readonly number[]): string {
    let out = '';
    let s = 0;
    for (let i = 0; i < tokens.length; i++) {
      out += tokens[i];
      // A space recorded before the first token (index -1) never matches, and
      // like Loki it then holds back every later space too.
      while (s < spaces.length && spaces[s] === i) {
        out += ' ';
        s++;
      }
    }
    return out;
  }
}
