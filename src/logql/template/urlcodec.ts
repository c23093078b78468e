// net/url's QueryEscape and QueryUnescape, byte for byte.

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;
const HEX = '0123456789ABCDEF';

/** url.QueryEscape: everything but [A-Za-z0-9-_.~] is %XX-escaped, spaces become '+'. */
export function queryEscape(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      !(
        (c >= 0x30 && c <= 0x39) ||
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x61 && c <= 0x7a) ||
        c === 0x2d ||
        c === 0x5f ||
        c === 0x2e ||
        c === 0x7e
      )
    ) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(b);
    if (b === 0x20) out += '+';
    else if (b < 0x80 && UNRESERVED.test(ch)) out += ch;
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

function ishex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function unhex(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c <= 0x46) return c - 0x41 + 10;
  return c - 0x61 + 10;
}

/** url.QueryUnescape. Throws Error("invalid URL escape \"%zz\"") as Go's EscapeError. */
export function queryUnescape(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 0x25) {
      if (i + 2 >= src.length || !ishex(src[i + 1]!) || !ishex(src[i + 2]!)) {
        const bad = src.subarray(i, Math.min(i + 3, src.length)).toString('latin1');
        throw new Error(`invalid URL escape ${goQuoteBytes(bad)}`);
      }
      out.push(unhex(src[i + 1]!) * 16 + unhex(src[i + 2]!));
      i += 2;
    } else if (c === 0x2b) out.push(0x20);
    else out.push(c);
  }
  return Buffer.from(out).toString('utf8');
}

/** strconv.Quote of a byte string given as latin1 characters (bytes >= 0x80 print as \x..). */
function goQuoteBytes(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += `\\${s[i]}`;
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}
