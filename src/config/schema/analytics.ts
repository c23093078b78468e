// Loki's `analytics` block.
// Keys, Go types (as named in Loki's errors), defaults and flags follow Loki 3.x, in Loki's order.

import { block, bool, str } from './dsl.js';
import { tlsConfig } from './shared/tls.js';

export const analyticsBlock = block('analytics.Config', {
  reporting_enabled: bool(true, 'reporting.enabled'),
  usage_stats_url: str('https://stats.grafana.org/loki-usage-report', 'reporting.usage-stats-url'),
  proxy_url: str('', 'reporting.proxy-url'),
  tls_config: tlsConfig('reporting.tls-config'),
});
