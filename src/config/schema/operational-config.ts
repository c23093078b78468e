// Loki's `operational_config` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, strings } from './dsl.js';

export const operationalConfigBlock = block('runtime.Config', {
  log_stream_creation: bool(false, 'operation-config.log-stream-creation'),
  log_push_request: bool(false, 'operation-config.log-push-request'),
  log_hash_of_labels: bool(false, 'operation-config.log-hash-of-labels'),
  log_push_request_streams: bool(false, 'operation-config.log-push-request-streams'),
  filter_push_request_streams_ips: strings([], 'operation-config.filter-push-request-streams-ips'),
  log_service_name_discovery: bool(false, 'operation-config.log-service-name-discovery'),
  log_duplicate_metrics: bool(false, 'operation-config.log-duplicate-metrics'),
  log_duplicate_stream_info: bool(false, 'operation-config.log-duplicate-stream-info'),
  limited_log_push_errors: bool(true, 'operation-config.limited-log-push-errors'),
});
