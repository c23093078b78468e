// The LogQL log pipeline: parsers, label filters, formatting stages and
// sample extraction, applied per line with Loki's semantics.
export { type CompiledStages, type PipelineDeps, reorderStages } from './compile-stages.js';
export {
  DUPLICATE_SUFFIX,
  ERROR_DETAILS_LABEL,
  ERROR_LABEL,
  JSON_PARSER_ERR,
  LABEL_FILTER_ERR,
  LOGFMT_PARSER_ERR,
  PRESERVE_ERROR_LABEL,
  SAMPLE_EXTRACTION_ERR,
  StageCompileError,
  TEMPLATE_FORMAT_ERR,
} from './errors.js';
export { durationToSeconds, parseGoDuration } from './go-duration.js';
export { parseGoFloat } from './go-float.js';
export { parseHumanBytes } from './human-bytes.js';
export type { CompileIpMatcher, IpMatcher } from './label-filter.js';
export { LabelsResult } from './labels-result.js';
export type {
  ComparisonOp,
  ExtractionParam,
  GroupingOptions,
  LabelFilterExpr,
  LabelFormatOp,
  LineMatcher,
  MatchOp,
  NamedLabelMatcher,
  SampleOptions,
  StageOptions,
} from './options.js';
export { compilePipeline, type Pipeline, type StreamPipeline, streamKey } from './pipeline.js';
export {
  compileSampleExtractor,
  type SampleExtractor,
  type SampleExtractorOptions,
  type StreamSampleExtractor,
} from './sample-extractor.js';
export type { CompileTemplate, LineTemplate, TemplateContext } from './template.js';
