// Go-syntax (RE2) regular expressions.
//
// LogQL, templates and relabelling all take Go regular expressions. JavaScript's
// RegExp accepts a different language (no `(?P<name>)`, `(?i)`, `\pL`,
// `[[:alpha:]]`, `\Q..\E`) and can backtrack exponentially, so every pattern
// goes through RE2: the native binding when it is installed (fastest, works on
// Buffers directly), otherwise the pure-JS port. Patterns are always validated
// by the JS port so that syntax errors carry Go's exact wording, e.g.
// "error parsing regexp: missing closing ): `(unclosed`".
import { createRequire } from 'node:module';
import { RE2JS } from 're2js';

interface NativeMatch {
  index: number;
  indices?: Array<[number, number] | undefined>;
}
interface NativeRE2 {
  test(input: string | Buffer): boolean;
  exec(input: string | Buffer): NativeMatch | null;
  lastIndex: number;
}
type NativeRE2Ctor = new (pattern: string, flags?: string) => NativeRE2;

const require = createRequire(import.meta.url);
const NativeRE2Impl: NativeRE2Ctor | undefined = loadNative();

function loadNative(): NativeRE2Ctor | undefined {
  if (process.env.SKALD_RE2 === 'js') return undefined;
  try {
    return require('re2') as NativeRE2Ctor;
  } catch {
    return undefined;
  }
}

/** Which RE2 implementation is in use: "native" or "js". */
export const regexpEngine: 'native' | 'js' = NativeRE2Impl ? 'native' : 'js';

export class RegexpSyntaxError extends Error {
  override name = 'RegexpSyntaxError';
}

/**
 * A compiled Go regular expression. Match positions are UTF-16 indices for
 * strings and byte offsets for Buffers; an unmatched group is -1, -1 (as Go's
 * FindStringSubmatchIndex).
 */
export interface GoRegexp {
  readonly source: string;
  /** Number of capturing groups (not counting the whole match). */
  readonly groupCount: number;
  /** Group names by group index (1-based; index 0 is always undefined). */
  readonly groupNames: ReadonlyArray<string | undefined>;
  test(input: string): boolean;
  testBytes(input: Buffer): boolean;
  /** Leftmost match at or after `from`: [start0, end0, start1, end1, ...] or null. */
  exec(input: string, from?: number): number[] | null;
  execBytes(input: Buffer, from?: number): number[] | null;
}

const cache = new Map<string, GoRegexp>();

/** Compiles a Go regular expression; throws RegexpSyntaxError with Go's message. */
export function compileGoRegexp(pattern: string): GoRegexp {
  let re = cache.get(pattern);
  if (re) return re;
  let js: RE2JS;
  try {
    js = RE2JS.compile(pattern);
  } catch (err) {
    throw new RegexpSyntaxError(err instanceof Error ? err.message : String(err));
  }
  re = NativeRE2Impl ? new NativeRegexp(pattern, js, NativeRE2Impl) : new JsRegexp(pattern, js);
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, re);
  return re;
}

function namesOf(js: RE2JS): Array<string | undefined> {
  const names: Array<string | undefined> = new Array(js.groupCount() + 1).fill(undefined);
  for (const [name, idx] of Object.entries(js.namedGroups())) names[idx] = name;
  return names;
}

class NativeRegexp implements GoRegexp {
  readonly groupCount: number;
  readonly groupNames: ReadonlyArray<string | undefined>;
  private readonly plain: NativeRE2;
  private readonly sticky: NativeRE2;

  constructor(
    readonly source: string,
    js: RE2JS,
    Ctor: NativeRE2Ctor,
  ) {
    this.groupCount = js.groupCount();
    this.groupNames = namesOf(js);
    this.plain = new Ctor(source, 'u');
    this.sticky = new Ctor(source, 'gdu');
  }

  test(input: string): boolean {
    return this.plain.test(input);
  }

  testBytes(input: Buffer): boolean {
    return this.plain.test(input);
  }

  exec(input: string, from = 0): number[] | null {
    return this.run(input, from);
  }

  execBytes(input: Buffer, from = 0): number[] | null {
    return this.run(input, from);
  }

  private run(input: string | Buffer, from: number): number[] | null {
    this.sticky.lastIndex = from;
    const m = this.sticky.exec(input);
    if (!m?.indices) return null;
    const out = new Array<number>((this.groupCount + 1) * 2);
    for (let i = 0; i <= this.groupCount; i++) {
      const pair = m.indices[i];
      out[2 * i] = pair ? pair[0] : -1;
      out[2 * i + 1] = pair ? pair[1] : -1;
    }
    return out;
  }
}

class JsRegexp implements GoRegexp {
  readonly groupCount: number;
  readonly groupNames: ReadonlyArray<string | undefined>;

  constructor(
    readonly source: string,
    private readonly js: RE2JS,
  ) {
    this.groupCount = js.groupCount();
    this.groupNames = namesOf(js);
  }

  test(input: string): boolean {
    return this.js.matcher(input).find();
  }

  testBytes(input: Buffer): boolean {
    return this.js.matcher(input.toString('utf8')).find();
  }

  exec(input: string, from = 0): number[] | null {
    const m = this.js.matcher(input);
    if (!m.find(from)) return null;
    const out = new Array<number>((this.groupCount + 1) * 2);
    for (let i = 0; i <= this.groupCount; i++) {
      const s = m.start(i);
      out[2 * i] = s;
      out[2 * i + 1] = s < 0 ? -1 : m.end(i);
    }
    return out;
  }

  execBytes(input: Buffer, from = 0): number[] | null {
    // Byte offsets are required: translate through the UTF-8 prefix lengths.
    const str = input.toString('utf8');
    const fromChar = Buffer.from(input.subarray(0, from)).toString('utf8').length;
    const m = this.exec(str, fromChar);
    if (!m) return null;
    return m.map((i) => (i < 0 ? -1 : Buffer.byteLength(str.slice(0, i))));
  }
}
