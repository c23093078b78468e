// Loki's `runtime_config` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, csv, dur } from './dsl.js';

export const runtimeConfigBlock = block('runtimeconfig.Config', {
  period: dur('10s', 'runtime-config.reload-period'),
  file: csv([], 'runtime-config.file'),
});
