// A logfmt reader with the rules of go-logfmt's Decoder, which Promtail's
// logfmt stage uses: records are lines, a key without `=` (or with nothing
// after it) has an empty value, quoted values take JSON escapes, and a stray
// `=` or `"` stops decoding with a syntax error (pairs read before it are kept).

export class LogfmtSyntaxError extends Error {
  override name = 'LogfmtSyntaxError';
}

const QUOTE = 0x22;
const EQUAL = 0x3d;
const BACKSLASH = 0x5c;

function unquote(quoted: string): string | undefined {
  try {
    const v: unknown = JSON.parse(quoted);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onPair` for every key/value pair of the text; throws
 * LogfmtSyntaxError at the first syntax error.
 */
export function decodeLogfmt(text: string, onPair: (key: string, value: string) => void): void {
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    decodeRecord(line, onPair);
  }
}

function decodeRecord(line: string, onPair: (key: string, value: string) => void): void {
  let pos = 0;
  const n = line.length;
  const fail = (what: string, at: number): never => {
    throw new LogfmtSyntaxError(`logfmt syntax error at pos ${at + 1} on line 1: ${what}`);
  };
  for (;;) {
    while (pos < n && line.charCodeAt(pos) <= 0x20) pos++;
    if (pos >= n) return;
    // key
    const keyStart = pos;
    while (pos < n) {
      const c = line.charCodeAt(pos);
      if (c === EQUAL || c <= 0x20) break;
      if (c === QUOTE) fail(`unexpected '"'`, pos);
      pos++;
    }
    const key = line.slice(keyStart, pos);
    if (pos >= n || line.charCodeAt(pos) <= 0x20) {
      onPair(key, '');
      continue;
    }
    // at '='
    if (key === '') fail(`unexpected '='`, pos);
    pos++;
    if (pos >= n || line.charCodeAt(pos) <= 0x20) {
      onPair(key, '');
      continue;
    }
    if (line.charCodeAt(pos) === QUOTE) {
      const start = pos;
      let escaped = false;
      let hasEscape = false;
      let end = -1;
      for (let i = pos + 1; i < n; i++) {
        const c = line.charCodeAt(i);
        if (escaped) escaped = false;
        else if (c === BACKSLASH) {
          escaped = true;
          hasEscape = true;
        } else if (c === QUOTE) {
          end = i;
          break;
        }
      }
      if (end < 0) fail('unterminated quoted value', n);
      pos = end + 1;
      if (hasEscape) {
        const v = unquote(line.slice(start, end + 1));
        if (v === undefined) fail('invalid quoted value', pos);
        onPair(key, v!);
      } else {
        onPair(key, line.slice(start + 1, end));
      }
      continue;
    }
    const valueStart = pos;
    while (pos < n) {
      const c = line.charCodeAt(pos);
      if (c === EQUAL || c === QUOTE) fail(`unexpected '${String.fromCharCode(c)}'`, pos);
      if (c <= 0x20) break;
      pos++;
    }
    onPair(key, line.slice(valueStart, pos));
  }
}
