// Loki's `profiling` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, int } from './dsl.js';

export const profilingBlock = block('loki.ProfilingConfig', {
  block_profile_rate: int(0, 'profiling.block-profile-rate'),
  cpu_profile_rate: int(0, 'profiling.cpu-profile-rate'),
  mutex_profile_fraction: int(0, 'profiling.mutex-profile-fraction'),
});
