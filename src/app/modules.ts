// Which of Skald's components a target runs. Loki's targets: `all` runs
// everything in one process; the SimpleScalable targets split it into `write`
// (distributor, ingester), `read` (query frontend, querier) and `backend`
// (compactor, index gateway, ruler, query scheduler); any single module name
// runs that module.

const GROUPS: Readonly<Record<string, readonly string[]>> = {
  all: [
    'distributor',
    'ingester',
    'querier',
    'query-frontend',
    'compactor',
    'ruler',
    'index-gateway',
    'query-scheduler',
  ],
  write: ['distributor', 'ingester'],
  read: ['querier', 'query-frontend'],
  backend: ['compactor', 'index-gateway', 'ruler', 'query-scheduler'],
};

export function modulesFor(targets: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  for (const t of targets) for (const m of GROUPS[t] ?? [t]) out.add(m);
  // A query frontend in front of no querier still answers through one (single process).
  if (out.has('query-frontend')) out.add('querier');
  return out;
}
