// The contract between the executor and the functions a template can call.
import type { GoValue } from './values.js';

/**
 * Go parameter types that the executor converts arguments to, with Go's
 * rules: literals are typed by the parameter (`repeat 3 "x"`), other values
 * must already have the type ("wrong type for value; expected int; got
 * string"). `interface {}` accepts anything (nil included); `reflect.Value`
 * is the same but passes "no value" through untouched, as Go's builtins see it.
 */
export type ParamType =
  | 'string'
  | 'int'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'time.Time'
  | 'interface {}'
  | 'reflect.Value';

/** What a function can read about the log line being formatted. */
export interface ExecContext {
  /** The current log line (Loki's __line__). */
  readonly line: string;
  /** The current entry's timestamp in nanoseconds since the epoch (Loki's __timestamp__). */
  readonly timestampNs: bigint;
}

export interface TemplateFunction {
  /** Fixed parameters. */
  readonly params: readonly ParamType[];
  /** Element type of a trailing variadic parameter (`...interface {}`), if any. */
  readonly variadic?: ParamType;
  /**
   * Called with converted arguments. The array belongs to the executor and is
   * not kept after the call. Throw TemplateFunctionError (or anything) for
   * Go's error results and panics; the executor reports
   * "error calling NAME: MESSAGE".
   */
  readonly call: (args: GoValue[], ctx: ExecContext) => GoValue;
}

/** Functions by name, as a Go template.FuncMap. */
export type FunctionMap = Readonly<Record<string, TemplateFunction>>;

/** An error result (or panic) of a template function, carrying Go's error text. */
export class TemplateFunctionError extends Error {
  override name = 'TemplateFunctionError';
}

/** Shorthand for declaring a function. */
export function fn(
  params: readonly ParamType[],
  call: (args: GoValue[], ctx: ExecContext) => GoValue,
  variadic?: ParamType,
): TemplateFunction {
  return variadic === undefined ? { params, call } : { params, variadic, call };
}
