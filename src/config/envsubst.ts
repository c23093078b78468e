// `-config.expand-env=true`: environment references in the config text are replaced before the
// YAML is parsed, with the rules of the drone/envsubst library that Loki uses:
//
// - only the braced form is expanded: `${VAR}`; a bare `$VAR` stays as written;
// - `${VAR:-default}`, `${VAR:=default}`, `${VAR=default}`, `${VAR:?text}`, `${VAR:+text}` all mean
//   "the default when VAR is unset or empty" (the library gives every operator that meaning);
//   defaults may themselves contain `${OTHER}`;
// - `${VAR-default}` and `${VAR+text}` are not accepted ("missing closing brace");
// - `${#VAR}` (length), `${VAR:2}`, `${VAR:2:3}` (substring), `${VAR,}` `${VAR,,}` `${VAR^}`
//   `${VAR^^}` (case), `${VAR#glob}` `${VAR##glob}` `${VAR%glob}` `${VAR%%glob}` (trim),
//   `${VAR/a/b}` `${VAR//a/b}` `${VAR/#a/b}` `${VAR/%a/b}` (replace);
// - outside references, `$$` is a literal `$` (so `$${VAR}` stays `${VAR}`), and `\\` and `\/`
//   lose their backslash; `\$` is NOT an escape.
// Unset variables expand to the empty string.

export class EnvsubstError extends Error {
  override name = 'EnvsubstError';
}

const BAD_SUBSTITUTION = 'bad substitution';
const MISSING_BRACE = 'missing closing brace';
const BAD_NAME = 'unable to parse variable name';
const BAD_FUNC_SUBSTITUTION = 'unable to parse substitution within function';

type Lookup = (name: string) => string;

/** Expands `${...}` references in `text` from `env`; throws EnvsubstError with the library's message. */
export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  const lookup: Lookup = (name) => env[name] ?? '';
  return new Expander(text, lookup).expandAll();
}

class Expander {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly lookup: Lookup,
  ) {}

  expandAll(): string {
    let out = '';
    while (this.pos < this.src.length) {
      if (this.startsWith('${')) {
        this.pos += 2;
        out += this.reference();
        continue;
      }
      const c = this.src[this.pos]!;
      const next = this.src[this.pos + 1];
      if ((c === '$' && next === '$') || (c === '\\' && (next === '\\' || next === '/'))) {
        out += next;
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
    return out;
  }

  /** After `${`: one reference up to and including its `}`. */
  private reference(): string {
    if (this.peek() === '#') return this.lengthOf();
    const name = this.identifier();
    if (name === '') throw new EnvsubstError(BAD_NAME);
    const value = this.lookup(name);
    const c = this.peek();
    switch (c) {
      case ':': {
        const after = this.src[this.pos + 1];
        if (after === '=' || after === '-' || after === '?' || after === '+') {
          this.pos += 2;
          return this.defaulted(value);
        }
        this.pos++;
        return this.substring(value);
      }
      case '=':
        this.pos++;
        return this.defaulted(value);
      case ',':
      case '^':
        return this.casing(value, c);
      case '/':
        return this.replace(value);
      case '#':
      case '%':
        return this.trim(value, c);
      case '}':
        this.pos++;
        return value;
      default:
        throw new EnvsubstError(MISSING_BRACE);
    }
  }

  private lengthOf(): string {
    this.pos++;
    const name = this.identifier();
    if (name === '') throw new EnvsubstError(BAD_SUBSTITUTION);
    this.closingBrace();
    return String(Buffer.byteLength(this.lookup(name)));
  }

  private defaulted(value: string): string {
    let fallback = '';
    while (this.peek() !== '}') fallback += this.param((c) => c !== '}');
    this.pos++;
    return value === '' ? fallback : value;
  }

  private substring(value: string): string {
    const start = this.param((c) => c !== ':' && c !== '}');
    let length: string | undefined;
    if (this.peek() === ':') {
      this.pos++;
      length = this.param((c) => c !== '}');
      this.closingBrace();
    } else if (this.peek() === '}') {
      this.pos++;
    } else {
      throw new EnvsubstError(BAD_SUBSTITUTION);
    }
    return goSubstring(value, start, length);
  }

  private casing(value: string, op: string): string {
    const double = this.src[this.pos + 1] === op;
    this.pos += double ? 2 : 1;
    this.closingBrace();
    if (op === ',') return double ? value.toLowerCase() : lowerFirst(value);
    return double ? value.toUpperCase() : upperFirst(value);
  }

  private replace(value: string): string {
    let op = '/';
    this.pos++;
    const c = this.peek();
    if (c === '/' || c === '#' || c === '%') {
      op += c;
      this.pos++;
    }
    const pattern = this.param((ch) => ch !== '/', true);
    if (this.peek() !== '/') throw new EnvsubstError(BAD_SUBSTITUTION);
    this.pos++;
    let replacement: string | undefined;
    if (this.peek() !== '}') replacement = this.param((ch) => ch !== '}', true);
    this.closingBrace();
    const rep = replacement ?? '';
    switch (op) {
      case '/':
        return replacement === undefined && pattern === '' ? value : value.replace(pattern, () => rep);
      case '//':
        return pattern === '' ? interleave(value, rep) : value.split(pattern).join(rep);
      case '/#':
        return replacement !== undefined && value.startsWith(pattern) ? rep + value.slice(pattern.length) : value;
      default:
        return replacement !== undefined && value.endsWith(pattern)
          ? value.slice(0, value.length - pattern.length) + rep
          : value;
    }
  }

  private trim(value: string, op: string): string {
    const double = this.src[this.pos + 1] === op;
    this.pos += double ? 2 : 1;
    const pattern = this.param((c) => c !== '}');
    this.closingBrace();
    if (op === '#') return double ? trimPrefix(value, pattern, true) : trimPrefix(value, pattern, false);
    const reversed = trimPrefix(reverse(value), reverse(pattern), double);
    return reverse(reversed);
  }

  /** A function argument: literal text (with `\/` and `\\` escapes where allowed) or a nested `${...}`. */
  private param(accept: (c: string) => boolean, escapes = false): string {
    if (this.startsWith('${')) {
      this.pos += 2;
      return this.reference();
    }
    let out = '';
    while (this.pos < this.src.length && !this.startsWith('${')) {
      const c = this.src[this.pos]!;
      const next = this.src[this.pos + 1];
      if (escapes && ((c === '\\' && (next === '\\' || next === '/')) || (c === '$' && next === '$'))) {
        out += next;
        this.pos += 2;
        continue;
      }
      if (!accept(c)) break;
      out += c;
      this.pos++;
    }
    if (out === '') throw new EnvsubstError(BAD_FUNC_SUBSTITUTION);
    return out;
  }

  private identifier(): string {
    const start = this.pos;
    while (this.pos < this.src.length && /[\p{L}\p{N}_]/u.test(this.src[this.pos]!)) this.pos++;
    return this.src.slice(start, this.pos);
  }

  private closingBrace(): void {
    if (this.peek() !== '}') throw new EnvsubstError(BAD_SUBSTITUTION);
    this.pos++;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private startsWith(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }
}

/** bash-like `${VAR:pos:len}` with the library's clamping (negative pos counts from the end). */
function goSubstring(value: string, startText: string, lengthText: string | undefined): string {
  if (!/^[-+]?\d+$/.test(startText)) return value;
  let pos = Number(startText);
  if (pos < 0) pos = Math.max(0, value.length + pos);
  if (lengthText === undefined) return pos < value.length ? value.slice(pos) : '';
  if (!/^[-+]?\d+$/.test(lengthText)) return value;
  const length = Number(lengthText);
  if (pos + length >= value.length) return pos < value.length ? value.slice(pos) : '';
  return value.slice(pos, pos + length);
}

/** Removes the shortest (or longest) prefix matching a glob; unchanged when nothing matches. */
function trimPrefix(value: string, glob: string, longest: boolean): string {
  const re = globToRegExp(glob);
  if (re === null) return value;
  let match = '';
  for (let end = value.length; end > 0; end--) {
    const candidate = value.slice(0, end);
    if (re.test(candidate)) {
      if (longest) return value.slice(end);
      match = candidate;
    }
  }
  return match === '' ? value : value.slice(match.length);
}

/** The library's glob dialect: `*` and `?` match any character (slashes included), `[...]` classes, `\x` escapes. */
function globToRegExp(glob: string): RegExp | null {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '\\') {
      i++;
      if (i >= glob.length) return null;
      re += escapeRegExp(glob[i]!);
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) return null;
      let body = glob.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else re += escapeRegExp(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function interleave(value: string, rep: string): string {
  // strings.Replace with an empty pattern inserts the replacement around every character.
  return rep + [...value].join(rep) + rep;
}

function lowerFirst(s: string): string {
  return s === '' ? s : s[0]!.toLowerCase() + s.slice(1);
}

function upperFirst(s: string): string {
  return s === '' ? s : s[0]!.toUpperCase() + s.slice(1);
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}
