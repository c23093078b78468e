// The agent's own metrics, under Promtail's names so that existing
// dashboards and alerts keep working. Each agent has its own registry
// (exposed on its /metrics), which keeps agents started by tests apart.
//
// Hot paths update these per read chunk or per batch, never per line:
// a labelled prom-client update costs more than splitting a line.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class AgentMetrics {
  readonly registry = new Registry();

  // Clients (Promtail's client package).
  readonly encodedBytes: Counter<'host'>;
  readonly sentBytes: Counter<'host'>;
  readonly droppedBytes: Counter<'host' | 'tenant' | 'reason'>;
  readonly sentEntries: Counter<'host'>;
  readonly droppedEntries: Counter<'host' | 'tenant' | 'reason'>;
  readonly mutatedEntries: Counter<'host' | 'tenant' | 'reason'>;
  readonly mutatedBytes: Counter<'host' | 'tenant' | 'reason'>;
  readonly requestDuration: Histogram<'status_code' | 'host'>;
  readonly batchRetries: Counter<'host' | 'tenant'>;

  // File targets.
  readonly readBytes: Gauge<'path'>;
  readonly fileBytes: Gauge<'path'>;
  readonly readLines: Counter<'path'>;
  readonly filesActive: Gauge;
  readonly targetsFailed: Counter<'reason'>;
  readonly targetsActive: Gauge;

  // Pipelines.
  readonly droppedLines: Counter<'reason'>;
  readonly droppedLinesByLabel: Counter<'label_name' | 'label_value'>;

  // Syslog receiver.
  readonly syslogEntries: Counter;
  readonly syslogParsingErrors: Counter;
  readonly syslogEmptyMessages: Counter;

  constructor() {
    const registers = [this.registry];
    this.encodedBytes = new Counter({
      name: 'promtail_encoded_bytes_total',
      help: 'Number of bytes encoded and ready to send.',
      labelNames: ['host'],
      registers,
    });
    this.sentBytes = new Counter({
      name: 'promtail_sent_bytes_total',
      help: 'Number of bytes sent.',
      labelNames: ['host'],
      registers,
    });
    this.droppedBytes = new Counter({
      name: 'promtail_dropped_bytes_total',
      help: 'Number of bytes dropped because failed to be sent to the ingester after all retries.',
      labelNames: ['host', 'tenant', 'reason'],
      registers,
    });
    this.sentEntries = new Counter({
      name: 'promtail_sent_entries_total',
      help: 'Number of log entries sent to the ingester.',
      labelNames: ['host'],
      registers,
    });
    this.droppedEntries = new Counter({
      name: 'promtail_dropped_entries_total',
      help: 'Number of log entries dropped because failed to be sent to the ingester after all retries.',
      labelNames: ['host', 'tenant', 'reason'],
      registers,
    });
    this.mutatedEntries = new Counter({
      name: 'promtail_mutated_entries_total',
      help: 'The total number of log entries that have been mutated.',
      labelNames: ['host', 'tenant', 'reason'],
      registers,
    });
    this.mutatedBytes = new Counter({
      name: 'promtail_mutated_bytes_total',
      help: 'The total number of bytes that have been mutated.',
      labelNames: ['host', 'tenant', 'reason'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'promtail_request_duration_seconds',
      help: 'Duration of send requests.',
      labelNames: ['status_code', 'host'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchRetries = new Counter({
      name: 'promtail_batch_retries_total',
      help: 'Number of times batches has had to be retried.',
      labelNames: ['host', 'tenant'],
      registers,
    });
    this.readBytes = new Gauge({
      name: 'promtail_read_bytes_total',
      help: 'Number of bytes read.',
      labelNames: ['path'],
      registers,
    });
    this.fileBytes = new Gauge({
      name: 'promtail_file_bytes_total',
      help: 'Number of bytes total.',
      labelNames: ['path'],
      registers,
    });
    this.readLines = new Counter({
      name: 'promtail_read_lines_total',
      help: 'Number of lines read.',
      labelNames: ['path'],
      registers,
    });
    this.filesActive = new Gauge({
      name: 'promtail_files_active_total',
      help: 'Number of active files.',
      registers,
    });
    this.targetsFailed = new Counter({
      name: 'promtail_targets_failed_total',
      help: 'Number of failed targets.',
      labelNames: ['reason'],
      registers,
    });
    this.targetsActive = new Gauge({
      name: 'promtail_targets_active_total',
      help: 'Number of active total.',
      registers,
    });
    this.droppedLines = new Counter({
      name: 'logentry_dropped_lines_total',
      help: 'A count of all log lines dropped as a result of a pipeline stage',
      labelNames: ['reason'],
      registers,
    });
    this.droppedLinesByLabel = new Counter({
      name: 'logentry_dropped_lines_by_label_total',
      help: 'A count of all log lines dropped as a result of a pipeline stage',
      labelNames: ['label_name', 'label_value'],
      registers,
    });
    this.syslogEntries = new Counter({
      name: 'promtail_syslog_target_entries_total',
      help: 'Total number of successful entries sent to the syslog target',
      registers,
    });
    this.syslogParsingErrors = new Counter({
      name: 'promtail_syslog_target_parsing_errors_total',
      help: 'Total number of parsing errors while receiving syslog messages',
      registers,
    });
    this.syslogEmptyMessages = new Counter({
      name: 'promtail_syslog_empty_messages_total',
      help: 'Total number of empty messages receiving from syslog',
      registers,
    });
  }

  /** The text exposition format served on /metrics. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
