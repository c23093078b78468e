// What `line_format` and `label_format` need from the Go template engine
// (built in src/logql/template/), injected when a pipeline is compiled.

/** The line and timestamp behind the template functions `__line__` and `__timestamp__`. */
export interface TemplateContext {
  /** The line as it is at this stage of the pipeline. */
  readonly line: string;
  /** Nanoseconds since the epoch. */
  readonly timestampNs: bigint;
}

export interface LineTemplate {
  /**
   * Renders the template over the labels (Go's `missingkey=zero`: a missing
   * label renders as ""). Throws an Error whose message is Go's execution
   * error, which becomes `__error_details__`.
   */
  execute(labels: ReadonlyMap<string, string>, ctx: TemplateContext): string;
  /**
   * Every field name the template mentions (`{{.a.b}}` gives "a" and "b"), as
   * Loki lists them to decide which labels parsers must extract. When absent,
   * parsers extract everything.
   */
  readonly referencedFields?: readonly string[];
}

/**
 * Parses a template; `name` is Go's template name ("line" for line_format,
 * "label" for label_format), which appears in error messages. Throws an Error
 * with Go's parse error message.
 */
export type CompileTemplate = (text: string, name: 'line' | 'label') => LineTemplate;
