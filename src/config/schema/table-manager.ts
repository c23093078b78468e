// Loki's `table_manager` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, dur, float, int, mdur, str } from './dsl.js';

export const tableManagerBlock = block('index.plain', {
  throughput_updates_disabled: bool(false, 'table-manager.throughput-updates-disabled'),
  retention_deletes_enabled: bool(false, 'table-manager.retention-deletes-enabled'),
  retention_period: mdur('0s', 'table-manager.retention-period'),
  poll_interval: dur('2m', 'table-manager.poll-interval'),
  creation_grace_period: dur('10m', 'table-manager.periodic-table.grace-period'),
  index_tables_provisioning: block('config.ProvisionConfig', {
    enable_ondemand_throughput_mode: bool(false, 'table-manager.index-table.enable-ondemand-throughput-mode'),
    provisioned_write_throughput: int(1000, 'table-manager.index-table.write-throughput', { go: 'int64' }),
    provisioned_read_throughput: int(300, 'table-manager.index-table.read-throughput', { go: 'int64' }),
    write_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.index-table.write-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.index-table.write-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.index-table.write-throughput.scale.min-capacity', { go: 'int64' }),
      max_capacity: int(6000, 'table-manager.index-table.write-throughput.scale.max-capacity', { go: 'int64' }),
      out_cooldown: int(1800, 'table-manager.index-table.write-throughput.scale.out-cooldown', { go: 'int64' }),
      in_cooldown: int(1800, 'table-manager.index-table.write-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.index-table.write-throughput.scale.target-value'),
    }),
    read_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.index-table.read-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.index-table.read-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.index-table.read-throughput.scale.min-capacity', { go: 'int64' }),
      max_capacity: int(6000, 'table-manager.index-table.read-throughput.scale.max-capacity', { go: 'int64' }),
      out_cooldown: int(1800, 'table-manager.index-table.read-throughput.scale.out-cooldown', { go: 'int64' }),
      in_cooldown: int(1800, 'table-manager.index-table.read-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.index-table.read-throughput.scale.target-value'),
    }),
    enable_inactive_throughput_on_demand_mode: bool(
      false,
      'table-manager.index-table.inactive-enable-ondemand-throughput-mode',
    ),
    inactive_write_throughput: int(1, 'table-manager.index-table.inactive-write-throughput', { go: 'int64' }),
    inactive_read_throughput: int(300, 'table-manager.index-table.inactive-read-throughput', { go: 'int64' }),
    inactive_write_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.index-table.inactive-write-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.index-table.inactive-write-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.index-table.inactive-write-throughput.scale.min-capacity', {
        go: 'int64',
      }),
      max_capacity: int(6000, 'table-manager.index-table.inactive-write-throughput.scale.max-capacity', {
        go: 'int64',
      }),
      out_cooldown: int(1800, 'table-manager.index-table.inactive-write-throughput.scale.out-cooldown', {
        go: 'int64',
      }),
      in_cooldown: int(1800, 'table-manager.index-table.inactive-write-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.index-table.inactive-write-throughput.scale.target-value'),
    }),
    inactive_read_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.index-table.inactive-read-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.index-table.inactive-read-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.index-table.inactive-read-throughput.scale.min-capacity', { go: 'int64' }),
      max_capacity: int(6000, 'table-manager.index-table.inactive-read-throughput.scale.max-capacity', { go: 'int64' }),
      out_cooldown: int(1800, 'table-manager.index-table.inactive-read-throughput.scale.out-cooldown', { go: 'int64' }),
      in_cooldown: int(1800, 'table-manager.index-table.inactive-read-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.index-table.inactive-read-throughput.scale.target-value'),
    }),
    inactive_write_scale_lastn: int(4, 'table-manager.index-table.inactive-write-throughput.scale-last-n', {
      go: 'int64',
    }),
    inactive_read_scale_lastn: int(4, 'table-manager.index-table.inactive-read-throughput.scale-last-n', {
      go: 'int64',
    }),
  }),
  chunk_tables_provisioning: block('config.ProvisionConfig', {
    enable_ondemand_throughput_mode: bool(false, 'table-manager.chunk-table.enable-ondemand-throughput-mode'),
    provisioned_write_throughput: int(1000, 'table-manager.chunk-table.write-throughput', { go: 'int64' }),
    provisioned_read_throughput: int(300, 'table-manager.chunk-table.read-throughput', { go: 'int64' }),
    write_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.chunk-table.write-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.chunk-table.write-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.chunk-table.write-throughput.scale.min-capacity', { go: 'int64' }),
      max_capacity: int(6000, 'table-manager.chunk-table.write-throughput.scale.max-capacity', { go: 'int64' }),
      out_cooldown: int(1800, 'table-manager.chunk-table.write-throughput.scale.out-cooldown', { go: 'int64' }),
      in_cooldown: int(1800, 'table-manager.chunk-table.write-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.chunk-table.write-throughput.scale.target-value'),
    }),
    read_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.chunk-table.read-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.chunk-table.read-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.chunk-table.read-throughput.scale.min-capacity', { go: 'int64' }),
      max_capacity: int(6000, 'table-manager.chunk-table.read-throughput.scale.max-capacity', { go: 'int64' }),
      out_cooldown: int(1800, 'table-manager.chunk-table.read-throughput.scale.out-cooldown', { go: 'int64' }),
      in_cooldown: int(1800, 'table-manager.chunk-table.read-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.chunk-table.read-throughput.scale.target-value'),
    }),
    enable_inactive_throughput_on_demand_mode: bool(
      false,
      'table-manager.chunk-table.inactive-enable-ondemand-throughput-mode',
    ),
    inactive_write_throughput: int(1, 'table-manager.chunk-table.inactive-write-throughput', { go: 'int64' }),
    inactive_read_throughput: int(300, 'table-manager.chunk-table.inactive-read-throughput', { go: 'int64' }),
    inactive_write_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.chunk-table.inactive-write-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.chunk-table.inactive-write-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.chunk-table.inactive-write-throughput.scale.min-capacity', {
        go: 'int64',
      }),
      max_capacity: int(6000, 'table-manager.chunk-table.inactive-write-throughput.scale.max-capacity', {
        go: 'int64',
      }),
      out_cooldown: int(1800, 'table-manager.chunk-table.inactive-write-throughput.scale.out-cooldown', {
        go: 'int64',
      }),
      in_cooldown: int(1800, 'table-manager.chunk-table.inactive-write-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.chunk-table.inactive-write-throughput.scale.target-value'),
    }),
    inactive_read_scale: block('config.AutoScalingConfig', {
      enabled: bool(false, 'table-manager.chunk-table.inactive-read-throughput.scale.enabled'),
      role_arn: str('', 'table-manager.chunk-table.inactive-read-throughput.scale.role-arn'),
      min_capacity: int(3000, 'table-manager.chunk-table.inactive-read-throughput.scale.min-capacity', { go: 'int64' }),
      max_capacity: int(6000, 'table-manager.chunk-table.inactive-read-throughput.scale.max-capacity', { go: 'int64' }),
      out_cooldown: int(1800, 'table-manager.chunk-table.inactive-read-throughput.scale.out-cooldown', { go: 'int64' }),
      in_cooldown: int(1800, 'table-manager.chunk-table.inactive-read-throughput.scale.in-cooldown', { go: 'int64' }),
      target: float(80, 'table-manager.chunk-table.inactive-read-throughput.scale.target-value'),
    }),
    inactive_write_scale_lastn: int(4, 'table-manager.chunk-table.inactive-write-throughput.scale-last-n', {
      go: 'int64',
    }),
    inactive_read_scale_lastn: int(4, 'table-manager.chunk-table.inactive-read-throughput.scale-last-n', {
      go: 'int64',
    }),
  }),
});
