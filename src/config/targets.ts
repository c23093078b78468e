// Loki's module names for `-target` and their dependencies, for validating targets and for
// `-list-targets`. Skald accepts every name Loki accepts; which modules Skald actually runs is the
// entry point's business.

/** Module -> the modules it starts with it (direct dependencies), as Loki wires them. */
const DEPENDENCIES: Readonly<Record<string, readonly string[]>> = {
  ring: ['runtime-config', 'server', 'memberlist-kv'],
  analytics: [],
  overrides: ['runtime-config'],
  'overrides-exporter': ['overrides', 'server', 'ui-ring'],
  'tenant-configs': ['runtime-config'],
  ui: ['server', 'memberlist-kv', 'ui-ring'],
  'ui-ring': ['server', 'memberlist-kv'],
  distributor: [
    'ring',
    'server',
    'overrides',
    'tenant-configs',
    'pattern-ring-client',
    'pattern-ingester-tee',
    'analytics',
    'partition-ring',
    'dataobj-consumer-ring',
    'dataobj-consumer-partition-ring',
    'ingest-limits-frontend-ring',
    'ui-ring',
  ],
  'ingest-limits-ring': ['runtime-config', 'server', 'memberlist-kv'],
  'ingest-limits': ['memberlist-kv', 'overrides', 'server'],
  'ingest-limits-frontend': ['ingest-limits-ring', 'overrides', 'server', 'memberlist-kv'],
  'ingest-limits-frontend-ring': ['runtime-config', 'server', 'memberlist-kv'],
  store: ['overrides', 'index-gateway-ring'],
  ingester: ['store', 'server', 'memberlist-kv', 'tenant-configs', 'analytics', 'partition-ring', 'ui-ring'],
  querier: [
    'store',
    'ring',
    'server',
    'ingester-querier',
    'pattern-ring-client',
    'overrides',
    'analytics',
    'cache-generation-loader',
    'query-scheduler-ring',
    'ui-ring',
  ],
  'query-frontend-tripperware': ['server', 'overrides', 'tenant-configs'],
  'query-frontend': [
    'query-frontend-tripperware',
    'analytics',
    'cache-generation-loader',
    'query-scheduler-ring',
    'ui-ring',
  ],
  'query-scheduler': ['server', 'overrides', 'memberlist-kv', 'analytics', 'query-scheduler-ring', 'ui-ring'],
  'query-engine': ['query-engine-scheduler'],
  'query-engine-worker': ['server', 'overrides', 'tenant-configs', 'analytics'],
  'query-engine-scheduler': ['server', 'overrides', 'tenant-configs', 'analytics'],
  ruler: ['ring', 'server', 'ruler-storage', 'rule-evaluator', 'overrides', 'tenant-configs', 'analytics', 'ui-ring'],
  'rule-evaluator': ['ring', 'server', 'store', 'ingester-querier', 'overrides', 'tenant-configs', 'analytics'],
  'table-manager': ['server', 'analytics', 'ui-ring'],
  compactor: ['server', 'overrides', 'memberlist-kv', 'analytics', 'ui-ring'],
  'index-gateway': [
    'server',
    'store',
    'bloom-store',
    'index-gateway-ring',
    'index-gateway-interceptors',
    'analytics',
    'ui-ring',
  ],
  'bloom-gateway': ['server', 'bloom-store', 'analytics', 'ui-ring'],
  'bloom-planner': ['server', 'bloom-store', 'analytics', 'store', 'ui-ring'],
  'bloom-builder': ['server', 'bloom-store', 'analytics', 'store', 'ui-ring'],
  'bloom-store': ['index-gateway-ring', 'bloom-gateway-client'],
  'pattern-ring-client': ['server', 'memberlist-kv', 'analytics'],
  'pattern-ingester-tee': ['server', 'overrides', 'memberlist-kv', 'analytics', 'pattern-ring-client'],
  'pattern-ingester': [
    'server',
    'memberlist-kv',
    'analytics',
    'pattern-ring-client',
    'pattern-ingester-tee',
    'overrides',
    'ui-ring',
  ],
  'ingester-querier': ['ring', 'partition-ring', 'overrides'],
  'query-scheduler-ring': ['overrides', 'memberlist-kv'],
  'index-gateway-ring': ['overrides', 'memberlist-kv'],
  'partition-ring': ['memberlist-kv', 'server', 'ring'],
  'memberlist-kv': ['server'],
  'dataobj-explorer': ['server', 'ui-ring'],
  'dataobj-consumer-ring': ['runtime-config', 'server', 'memberlist-kv'],
  'dataobj-consumer-partition-ring': ['memberlist-kv', 'server', 'ring'],
  'dataobj-consumer': ['memberlist-kv', 'scratch-store', 'partition-ring', 'server', 'ui'],
  'dataobj-index-builder': ['scratch-store', 'server', 'ui-ring'],
  'scratch-store': [],
  read: ['query-frontend', 'querier'],
  write: ['ingester', 'distributor', 'pattern-ingester'],
  backend: [
    'query-scheduler',
    'ruler',
    'compactor',
    'index-gateway',
    'bloom-planner',
    'bloom-builder',
    'bloom-gateway',
  ],
  all: [
    'query-scheduler',
    'query-frontend',
    'querier',
    'ingester',
    'pattern-ingester',
    'distributor',
    'ruler',
    'compactor',
    'ui',
  ],
};

/** Modules Loki registers but does not offer as targets in `-list-targets`. */
const INTERNAL_MODULES = new Set([
  'server',
  'internal-server',
  'runtime-config',
  'memberlist-kv',
  'ring',
  'ingest-limits-ring',
  'ingest-limits-frontend-ring',
  'overrides',
  'tenant-configs',
  'store',
  'ingester-querier',
  'ingester-grpc-interceptors',
  'query-frontend-tripperware',
  'ruler-storage',
  'rule-evaluator',
  'bloom-store',
  'index-gateway-ring',
  'index-gateway-interceptors',
  'query-scheduler-ring',
  'analytics',
  'cache-generation-loader',
  'pattern-ring-client',
  'pattern-ingester-tee',
  'partition-ring',
  'ui-ring',
  'query-limiter',
  'query-limits-interceptors',
  'query-limits-tripperware',
]);

/** Every module name `-target` accepts. */
export const ALL_TARGETS: readonly string[] = [
  ...new Set([...Object.keys(DEPENDENCIES), ...Object.values(DEPENDENCIES).flat(), ...INTERNAL_MODULES]),
].sort();

/** The targets `-list-targets` shows: the user-visible modules, sorted. */
export const USER_TARGETS: readonly string[] = ALL_TARGETS.filter((m) => !INTERNAL_MODULES.has(m));

/** Every module a target starts, directly or through other modules, sorted. */
export function targetDependencies(target: string): string[] {
  const seen = new Set<string>();
  const visit = (m: string) => {
    for (const dep of DEPENDENCIES[m] ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      visit(dep);
    }
  };
  visit(target);
  return [...seen].sort();
}

/** The text of `-list-targets`: each user-visible target followed by its user-visible dependencies. */
export function listTargetsText(): string {
  const lines: string[] = [];
  for (const m of USER_TARGETS) {
    lines.push(m);
    for (const dep of targetDependencies(m)) if (!INTERNAL_MODULES.has(dep)) lines.push(`  ${dep}`);
  }
  return `${lines.join('\n')}\n`;
}
