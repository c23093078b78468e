// The tokenizer Loki uses for streams whose first line is a JSON object: it
// looks for the first of the tenant's message fields (`log`, `message`, `msg`,
// ... by default) that holds a string, and tokenizes only that message. The
// pattern is the message's pattern between two placeholders, which stand for
// the rest of the object.
import { toByteString } from './byte-string.js';
import { topLevelStringField } from './json-field.js';
import { type LineTokenizer, PARAM, type TokenBuffer } from './line-tokenizer.js';
import { PunctuationTokenizer } from './punctuation-tokenizer.js';

export class JsonTokenizer implements LineTokenizer {
  private readonly message: PunctuationTokenizer;
  private readonly fields: readonly string[];

  constructor(
    private readonly maxLineLength: number,
    fieldsToTokenize: readonly string[],
  ) {
    this.message = new PunctuationTokenizer(maxLineLength);
    this.fields = fieldsToTokenize.map(toByteString);
  }

  tokenize(line: string, out: TokenBuffer): boolean {
    let message: string | null = null;
    for (const field of this.fields) {
      message = topLevelStringField(line, field);
      if (message !== null) break;
    }
    if (message === null || message.length > this.maxLineLength) return false;
    return this.message.tokenize(message, out);
  }

  join(tokens: readonly string[], spaces: readonly number[]): string {
    return PARAM + this.message.join(tokens, spaces) + PARAM;
  }
}
