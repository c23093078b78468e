// Log pattern detection, as Loki's pattern ingester serves `GET /loki/api/v1/patterns`.
export {
  DEFAULT_JSON_MESSAGE_FIELDS,
  DEFAULT_PATTERN_DETECTOR_CONFIG,
  type JsonMessageFieldLimits,
  jsonMessageFieldsFromLimits,
  type PatternDetectorConfig,
  type PatternIngesterSettings,
  patternDetectorConfig,
  patternIngesterConfigError,
} from './config.js';
export { LOG_LEVELS, type LogLevel, patternLevel } from './levels.js';
export { detectLogFormat, type LogFormat } from './log-format.js';
export { LEVEL_METADATA, PatternDetector, type PatternEntry } from './pattern-detector.js';
export { PatternStream } from './pattern-stream.js';
export {
  MAX_PATTERNS,
  MIN_PATTERN_LINES,
  MIN_STEP_MS,
  mergePatternResponses,
  type PatternSeries,
  queryPatterns,
} from './query.js';
export { encodePatternsResponse } from './response.js';
