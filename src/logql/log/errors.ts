// The labels and values a pipeline uses to report per-line failures, and the
// error raised when a stage cannot be built. Texts are Loki's: users filter on
// them (`| __error__="JSONParserErr"`) and clients match them.

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
/** Set (to "true") next to `__error__` when the query groups by `__error__`, so errors are kept. */
export const PRESERVE_ERROR_LABEL = '__preserve_error__';

export const JSON_PARSER_ERR = 'JSONParserErr';
export const LOGFMT_PARSER_ERR = 'LogfmtParserErr';
export const SAMPLE_EXTRACTION_ERR = 'SampleExtractionErr';
export const LABEL_FILTER_ERR = 'LabelFilterErr';
export const TEMPLATE_FORMAT_ERR = 'TemplateFormatErr';

/** A parsed label that collides with a stream label or structured metadata gets this suffix. */
export const DUPLICATE_SUFFIX = '_extracted';

/**
 * A stage that cannot be built from its options: an invalid regexp, pattern,
 * template or extraction expression. The message is Loki's, without the
 * "invalid regexp parser: " style prefix that the query parser adds.
 */
export class StageCompileError extends Error {
  override name = 'StageCompileError';
}
