// Discovery: what Grafana and Logs Drilldown ask before and around queries —
// index statistics, log volumes, detected labels and fields, and the tenant's
// published limits. Data is read through the querier's sources (ingester
// memory and the store together); sizes come from chunk metadata, fields from
// a sample of the newest lines.
export type { ChunkPiece, ChunkSummary, RangeStats, StreamSummary } from './chunk-stats.js';
export { streamStatsInRange, summarizeChunk, summarizeStreams, timeShare } from './chunk-stats.js';
export { type DetectedFieldsRequest, detectFields, detectFieldValues } from './detected-fields.js';
export {
  type DetectedLabel,
  type DetectedLabelsRequest,
  detectedLabels,
  isDetectedLabel,
  isUuid,
  shouldRejectLabel,
} from './detected-labels.js';
export { type DetectedField, FieldDetector, FieldValueCollector, type SampledEntry } from './field-detector.js';
export { type DetectedFieldType, determineFieldType } from './field-types.js';
export { type IndexStats, type IndexStatsRequest, indexStats } from './index-stats.js';
export { LineFieldParser } from './line-fields.js';
export { type LogSampleRequest, sampleNewestEntries } from './log-sample.js';
export {
  checkLineLimit,
  DiscoveryMessages,
  limitTimeRange,
  MATCH_ANY,
  parseDetectedFieldsParams,
  parseDetectedLabelsParams,
  parseIndexStatsParams,
  parseLogQuery,
  parseSelector,
  parseVolumeInstantParams,
  parseVolumeRangeParams,
  toMsRange,
  type VolumeParams,
} from './requests.js';
export {
  detectedFieldsJSON,
  detectedFieldValuesJSON,
  detectedLabelsJSON,
  indexStatsJSON,
  volumeResponseJSON,
} from './responses.js';
export {
  drilldownLimitsJSON,
  type PublishedLimits,
  publishedLimits,
  type TenantLimitsOptions,
  tenantLimitsYAML,
} from './tenant-limits.js';
export {
  queryVolume,
  type VolumeAggregation,
  VolumeMaxSeriesError,
  type VolumeRequest,
  type VolumeResult,
  volumeBuckets,
  volumeGrouping,
} from './volume.js';
