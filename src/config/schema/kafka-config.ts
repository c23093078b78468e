// Loki's `kafka_config` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, int, secret, str } from './dsl.js';

export const kafkaConfigBlock = block('kafka.Config', {
  address: str('', undefined, { hidden: true }),
  topic: str('', 'kafka.topic'),
  client_id: str('', undefined, { hidden: true }),
  dial_timeout: dur('2s', 'kafka.dial-timeout'),
  write_timeout: dur('10s', 'kafka.write-timeout'),
  reader_config: block('kafka.ClientConfig', {
    address: str('localhost:9092', 'kafka.reader.address'),
    client_id: str('', 'kafka.reader.client-id'),
  }),
  writer_config: block('kafka.ClientConfig', {
    address: str('localhost:9092', 'kafka.writer.address'),
    client_id: str('', 'kafka.writer.client-id'),
  }),
  sasl_username: str('', 'kafka.sasl-username'),
  sasl_password: secret('', 'kafka.sasl-password'),
  consumer_group: str('', 'kafka.consumer-group'),
  consumer_group_offset_commit_interval: dur('1s', 'kafka.consumer-group-offset-commit-interval'),
  last_produced_offset_retry_timeout: dur('10s', 'kafka.last-produced-offset-retry-timeout'),
  auto_create_topic_enabled: bool(true, 'kafka.auto-create-topic-enabled'),
  auto_create_topic_default_partitions: int(1000, 'kafka.auto-create-topic-default-partitions'),
  producer_max_record_size_bytes: int(15983616, 'kafka.producer-max-record-size-bytes'),
  producer_max_buffered_bytes: int(1073741824, 'kafka.producer-max-buffered-bytes', { go: 'int64' }),
  max_consumer_lag_at_startup: dur('15s', 'kafka.max-consumer-lag-at-startup'),
  max_consumer_workers: int(1, 'kafka.max-consumer-workers'),
  enable_kafka_histograms: bool(false, 'kafka.enable-kafka-histograms'),
  tracing_enabled: bool(false, 'kafka.tracing-enabled'),
});
