// Go's strconv.Quote (what `%q` prints), for error messages that must read
// exactly like Loki's.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrint(cp: number): boolean {
  if (cp < 0x100) return (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa1 && cp !== 0xad);
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const SHORT_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    let cp = ch.codePointAt(0)!;
    if (cp === 0x22 || cp === 0x5c) {
      out += `\\${ch}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot come from UTF-8 input; Go would print U+FFFD.
      out += '\ufffd';
    } else if (isPrint(cp)) {
      out += ch;
    } else if (SHORT_ESCAPES[cp] !== undefined) {
      out += SHORT_ESCAPES[cp];
    } else if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (cp < 0x10000) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else {
      if (cp > 0x10ffff) cp = 0xfffd;
      out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}
