// Which tokenizer a stream gets, from the format of its first line.
import { JsonTokenizer } from './json-tokenizer.js';
import type { LineTokenizer } from './line-tokenizer.js';
import type { LogFormat } from './log-format.js';
import { LogfmtTokenizer } from './logfmt-tokenizer.js';
import { PunctuationTokenizer } from './punctuation-tokenizer.js';

export function tokenizerFor(
  format: LogFormat,
  maxLineLength: number,
  jsonMessageFields: readonly string[],
): LineTokenizer {
  switch (format) {
    case 'json':
      return new JsonTokenizer(maxLineLength, jsonMessageFields);
    case 'logfmt':
      return new LogfmtTokenizer(maxLineLength);
    default:
      return new PunctuationTokenizer(maxLineLength);
  }
}
