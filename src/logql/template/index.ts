// Go text/template with Loki's template functions, for line_format and
// label_format. See template.ts for the entry points.
export { type MissingKeyMode, TemplateExecError } from './exec.js';
export {
  type ExecContext,
  type FunctionMap,
  fn,
  type ParamType,
  type TemplateFunction,
  TemplateFunctionError,
} from './functions.js';
export { GoTime } from './gotime.js';
export { createLokiFunctions, type LokiFunctionOptions, lokiFunctions } from './loki-functions.js';
export { TemplateParseError } from './parser.js';
export { type CompileOptions, compileTemplate, type LineInput, Template } from './template.js';
export { GoInt, type GoValue, type LabelSource } from './values.js';
