// Unicode character classes as Go's `unicode.IsLetter`, `IsNumber` and
// `IsPunct` define them (general categories L, N and P), for the tokenizer's
// hot loop: ASCII answers come from a table, other code points are classified
// once by the engine's Unicode tables and remembered.

export const LETTER = 1;
export const NUMBER = 2;
export const PUNCT = 4;

const letter = /\p{L}/u;
const number = /\p{N}/u;
const punct = /\p{P}/u;

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  return (letter.test(ch) ? LETTER : 0) | (number.test(ch) ? NUMBER : 0) | (punct.test(ch) ? PUNCT : 0);
}

const ascii = new Uint8Array(128);
for (let cp = 0; cp < 128; cp++) ascii[cp] = classify(cp);

// Logs use a small alphabet, so this stays small; the bound only guards
// against a stream that walks the whole of Unicode.
const seen = new Map<number, number>();
const SEEN_LIMIT = 65_536;

/** The LETTER / NUMBER / PUNCT bits of a code point. */
export function runeClass(cp: number): number {
  if (cp < 128) return ascii[cp]!;
  let cls = seen.get(cp);
  if (cls === undefined) {
    cls = classify(cp);
    if (seen.size < SEEN_LIMIT) seen.set(cp, cls);
  }
  return cls;
}
