// Errors raised while compiling line filters, worded as Loki words them.

/** An invalid line filter: pattern syntax (`|>`), or an operator `ip()` does not support. */
export class LineFilterError extends Error {
  override name = 'LineFilterError';
}

/** Loki's message for `|~ ip(...)` and other operators besides `|=` and `!=`. */
export const IP_INVALID_OPERATION = 'ip: invalid operation';
