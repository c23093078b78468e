// Loki's `bloom_build` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, int, str } from './dsl.js';
import { grpcClientConfig } from './shared/grpc-client.js';

export const bloomBuildBlock = block('bloombuild.Config', {
  enabled: bool(false, 'bloom-build.enabled'),
  planner: block('planner.Config', {
    planning_interval: dur('8h', 'bloom-build.planner.interval'),
    min_table_offset: int(0, 'bloom-build.planner.min-table-offset'),
    max_table_offset: int(1, 'bloom-build.planner.max-table-offset'),
    retention: block('planner.RetentionConfig', {
      enabled: bool(false, 'bloom-build.planner.retention.enabled'),
      max_lookback_days: int(0, undefined, { hidden: true }),
    }),
    queue: block('queue.Config', {
      max_queued_tasks_per_tenant: int(30000, 'bloom-build.planner.queue.max-tasks-per-tenant'),
      store_tasks_on_disk: bool(false, 'bloom-build.planner.queue.store-tasks-on-disk'),
      tasks_disk_directory: str('/tmp/bloom-planner-queue', 'bloom-build.planner.queue.tasks-disk-directory'),
      clean_tasks_directory: bool(false, 'bloom-build.planner.queue.clean-tasks-directory'),
    }),
  }),
  builder: block('builder.Config', {
    grpc_config: grpcClientConfig('bloom-build.builder.grpc'),
    planner_address: str('', 'bloom-build.builder.planner-address'),
    backoff_config: block('backoff.Config', {
      min_period: dur('100ms', 'bloom-build.builder.backoff.backoff-min-period'),
      max_period: dur('10s', 'bloom-build.builder.backoff.backoff-max-period'),
      max_retries: int(10, 'bloom-build.builder.backoff.backoff-retries'),
    }),
    working_directory: str('', undefined, { hidden: true }),
  }),
});
