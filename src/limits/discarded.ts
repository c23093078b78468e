// Loki's discard accounting: every entry refused anywhere on the write path is
// counted in loki_discarded_samples_total and loki_discarded_bytes_total with
// the reason (Loki's reason names) and the tenant; entries accepted in a changed
// form (truncated lines) in loki_mutated_samples_total and loki_mutated_bytes_total.
import { Counter, type Registry } from 'prom-client';

export const Reason = {
  InvalidLabels: 'invalid_labels',
  MissingLabels: 'missing_labels',
  RateLimited: 'rate_limited',
  LineTooLong: 'line_too_long',
  StreamLimit: 'stream_limit',
  StreamRateLimit: 'per_stream_rate_limit',
  TooFarBehind: 'too_far_behind',
  GreaterThanMaxSampleAge: 'greater_than_max_sample_age',
  TooFarInFuture: 'too_far_in_future',
  MaxLabelNamesPerSeries: 'max_label_names_per_series',
  LabelNameTooLong: 'label_name_too_long',
  LabelValueTooLong: 'label_value_too_long',
  DuplicateLabelNames: 'duplicate_label_names',
  DisallowedStructuredMetadata: 'disallowed_structured_metadata',
  StructuredMetadataTooLarge: 'structured_metadata_too_large',
  StructuredMetadataTooMany: 'structured_metadata_too_many',
  RequestBodyTooLarge: 'request_body_too_large',
} as const;

export type DiscardReason = (typeof Reason)[keyof typeof Reason];

export class DiscardMetrics {
  private readonly samples: Counter;
  private readonly bytes: Counter;
  private readonly mutatedSamples: Counter;
  private readonly mutatedBytes: Counter;

  constructor(registry: Registry) {
    this.samples = new Counter({
      name: 'loki_discarded_samples_total',
      help: 'The total number of samples that were discarded.',
      labelNames: ['reason', 'tenant'],
      registers: [registry],
    });
    this.bytes = new Counter({
      name: 'loki_discarded_bytes_total',
      help: 'The total number of bytes that were discarded.',
      labelNames: ['reason', 'tenant'],
      registers: [registry],
    });
    this.mutatedSamples = new Counter({
      name: 'loki_mutated_samples_total',
      help: 'The total number of samples that have been mutated.',
      labelNames: ['reason', 'tenant'],
      registers: [registry],
    });
    this.mutatedBytes = new Counter({
      name: 'loki_mutated_bytes_total',
      help: 'The total number of bytes that have been mutated.',
      labelNames: ['reason', 'tenant'],
      registers: [registry],
    });
  }

  /** Entries accepted in a changed form (truncated lines), and the bytes removed. */
  mutated(reason: DiscardReason, tenant: string, samples: number, bytes: number): void {
    if (samples > 0) this.mutatedSamples.inc({ reason, tenant }, samples);
    if (bytes > 0) this.mutatedBytes.inc({ reason, tenant }, bytes);
  }

  add(reason: DiscardReason, tenant: string, samples: number, bytes: number): void {
    if (samples > 0) this.samples.inc({ reason, tenant }, samples);
    if (bytes > 0) this.bytes.inc({ reason, tenant }, bytes);
  }
}
