// Errors found while turning a parsed query into an executable plan (an
// invalid regular expression, ip() pattern or template) are the client's:
// they are answered with 400, like parse errors, never 500.
import { HttpError } from '../../server/http-error.js';
import { RegexpSyntaxError } from '../../util/regexp.js';
import { IpPatternError, LineFilterError } from '../filter/index.js';

const clientErrors = [RegexpSyntaxError, LineFilterError, IpPatternError];

/** Runs a compile step, turning errors caused by the query text into 400 answers. */
export function compileOrBadRequest<T>(
  compile: () => T,
  extra: ReadonlyArray<new (...args: never[]) => Error> = [],
): T {
  try {
    return compile();
  } catch (err) {
    if ([...clientErrors, ...extra].some((c) => err instanceof c)) throw new HttpError(400, (err as Error).message);
    throw err;
  }
}
