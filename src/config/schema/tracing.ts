// Loki's `tracing` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool } from './dsl.js';

export const tracingBlock = block('tracing.Config', {
  enabled: bool(true, 'tracing.enabled'),
  profiling_enabled: bool(false, undefined, { hidden: true, removed: true }),
});
