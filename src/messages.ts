// Every message Skald returns to a client, in Loki's words (clients, dashboards
// and runbooks match on them). Formats take their values in Loki's order.

export const Messages = {
  // Tenancy
  noOrgId: 'no org id',
  multipleOrgIds: 'multiple org IDs present',

  // Push: request level
  missingStreams: 'error at least one valid stream is required for ingestion',
  couldNotParseLabels: (err: string) => `couldn't parse labels: ${err}`,
  contentEncodingNotSupported: (enc: string) => `Content-Encoding ${JSON.stringify(enc)} not supported`,
  noMediaType: 'mime: no media type',
  unsupportedContentType: (type: string) =>
    `unsupported Content-Type ${JSON.stringify(type)}: push requests must be application/x-protobuf (snappy-compressed) or application/json`,
  bodyTooLarge: (size: number, limit: number) =>
    `request body too large: message size too large than max (${size} vs ${limit})`,
  decompressedTooLarge: (size: number, limit: number) =>
    `request body too large: decompressed message size too large than max (${size} vs ${limit})`,

  // Push: validation (pkg/validation)
  missingLabels: 'error at least one label pair is required per stream',
  invalidLabels: (labels: string, err: string) => `error parsing labels '${labels}' with error: ${err}`,
  lineTooLong: (max: number, stream: string, len: number) =>
    `max entry size '${max}' bytes exceeded for stream '${stream}' while adding an entry with length '${len}' bytes`,
  tooOld: (stream: string, ts: string, oldest: string) =>
    `entry for stream '${stream}' has timestamp too old: ${ts}, oldest acceptable timestamp is: ${oldest}`,
  tooNew: (stream: string, ts: string) => `entry for stream '${stream}' has timestamp too new: ${ts}`,
  tooManyLabels: (stream: string, n: number, limit: number) =>
    `entry for stream '${stream}' has ${n} label names; limit ${limit}`,
  labelNameTooLong: (stream: string, name: string) => `stream '${stream}' has label name too long: '${name}'`,
  labelValueTooLong: (stream: string, value: string) => `stream '${stream}' has label value too long: '${value}'`,
  duplicateLabelName: (stream: string, name: string) => `stream '${stream}' has duplicate label name: '${name}'`,
  disallowedStructuredMetadata: (stream: string) =>
    `stream '${stream}' includes structured metadata, but this feature is disallowed. Please see \`limits_config.allow_structured_metadata\` or contact your Loki administrator to enable it`,
  structuredMetadataTooLarge: (stream: string, size: number, limit: number) =>
    `stream '${stream}' has structured metadata too large: '${size}' bytes, limit: '${limit}' bytes. Please see \`limits_config.max_structured_metadata_size\` or contact your Loki administrator to increase it`,
  structuredMetadataTooMany: (stream: string, n: number, limit: number) =>
    `stream '${stream}' has too many structured metadata labels: '${n}', limit: '${limit}'. Please see \`limits_config.max_structured_metadata_entries_count\` or contact your Loki administrator to increase it`,
  rateLimited: (tenant: string, limit: number, lines: number, bytes: number) =>
    `ingestion rate limit exceeded for user ${tenant} (limit: ${limit} bytes/sec) while attempting to ingest '${lines}' lines totaling '${bytes}' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased`,
  streamLimit: (stream: string, tenant: string) =>
    `maximum active stream limit exceeded when trying to create stream ${stream}, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased, user: '${tenant}'`,

  // Queries
  limitNotPositive: 'limit must be a positive value',
  maxEntriesLimit: (limit: number, max: number) =>
    `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${max})`,
  endBeforeStart: 'end timestamp must not be before or equal to start time',
  invalidDirection: (d: string) => `invalid direction '${d}'`,
  zeroStep: 'zero or negative query resolution step widths are not accepted. Try a positive integer',
  tooManyPoints:
    'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter',
  negativeInterval: 'interval must be >= 0',
  logQueryNotInstant:
    'log queries are not supported as an instant query type, please change your query to a range query type',
  legacyStreamsOnly: 'legacy endpoints only support streams result type',
  queryTimeout:
    'request timed out, decrease the duration of the request or add more label matchers (prefer exact match over regex match) to reduce the amount of data processed',
  cancelled: 'the request was cancelled by the client',
  queryLength: (length: string, limit: string) =>
    `the query time range exceeds the limit (query length: ${length}, limit: ${limit})`,
  badDuration: (s: string) => `cannot parse ${JSON.stringify(s)} to a valid duration`,
  badTimestamp: (param: string, err: string) => `could not parse '${param}' parameter: ${err}`,

  // HTTP
  notFound: '404 page not found',
} as const;
