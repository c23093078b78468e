// JMESPath, the expression language of the json stage
// (https://jmespath.org/specification.html): identifiers and quoted
// identifiers, sub-expressions, index and slice expressions, list and object
// projections, flatten, filters, multi-select lists and hashes, pipes,
// `||` `&&` `!`, comparisons, literals, raw strings, `@`, and all built-in
// functions of the specification.
import { visit } from './interpreter.js';
import { parseJmespath } from './parser.js';

export { JmespathRuntimeError } from './interpreter.js';
export { JmespathSyntaxError } from './lexer.js';

export interface JmespathExpression {
  readonly source: string;
  /** Evaluates against decoded JSON; throws JmespathRuntimeError on type errors. */
  search(data: unknown): unknown;
}

/** Parses an expression; throws JmespathSyntaxError. */
export function compileJmespath(source: string): JmespathExpression {
  const ast = parseJmespath(source);
  return { source, search: (data) => visit(ast, data) };
}
