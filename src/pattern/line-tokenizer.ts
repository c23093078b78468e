// The contract between Drain and the three line tokenizers Loki picks by a
// stream's detected format (punctuation, logfmt, JSON), and the buffer they
// fill. All lines and tokens are byte strings (see byte-string.ts).

/** The placeholder that stands for a variable token in a pattern, as Loki renders it. */
export const PARAM = '<_>';

/**
 * The tokens of one line. Drain keeps one buffer and refills it for every
 * line, so training allocates nothing but the token strings themselves; the
 * arrays may hold stale entries past `count` / `spaceCount`.
 */
export class TokenBuffer {
  readonly tokens: string[] = [];
  count = 0;
  /**
   * For the punctuation tokenizer: one entry per space in the line, holding
   * the index of the token the space follows (-1 for spaces before the first
   * token). Joining puts the spaces back.
   */
  readonly spaces: number[] = [];
  spaceCount = 0;

  reset(): void {
    this.count = 0;
    this.spaceCount = 0;
  }

  push(token: string): void {
    this.tokens[this.count++] = token;
  }

  pushSpace(afterToken: number): void {
    this.spaces[this.spaceCount++] = afterToken;
  }

  /** The current tokens as an array of their own. */
  tokenList(): string[] {
    return this.tokens.slice(0, this.count);
  }

  /** The current space positions as an array of their own. */
  spaceList(): number[] {
    return this.spaces.slice(0, this.spaceCount);
  }
}

export interface LineTokenizer {
  /**
   * Splits `line` into `out`. Returns false when Loki would skip the line for
   * pattern detection (too long, undecodable logfmt, no message field in JSON).
   */
  tokenize(line: string, out: TokenBuffer): boolean;
  /** Puts a cluster's tokens back together into a pattern (before placeholder de-duplication). */
  join(tokens: readonly string[], spaces: readonly number[]): string;
}
