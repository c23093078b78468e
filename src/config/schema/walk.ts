// Navigating the spec tree and config values by dotted path (`limits_config.max_line_size`,
// `schema_config.configs[0].from`, `storage_config.named_stores.aws.store-1.region`).

import type { BlockSpec, ScalarSpec, Spec } from './dsl.js';

/** Splits a dotted path into keys; `[n]` becomes a numeric index. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The spec describing the value at a path, or undefined when the path leaves the schema. */
export function specAt(root: Spec, path: string): Spec | undefined {
  let spec: Spec | undefined = root;
  for (const key of splitPath(path)) {
    if (!spec) return undefined;
    if (spec.kind === 'block')
      spec = typeof key === 'string' && Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
    else if (spec.kind === 'list') spec = typeof key === 'number' ? spec.elem : undefined;
    else if (spec.kind === 'map') spec = typeof key === 'string' ? spec.elem : undefined;
    else return undefined;
  }
  return spec;
}

export function getPath(value: unknown, path: string | readonly (string | number)[]): unknown {
  let cur = value;
  for (const key of typeof path === 'string' ? splitPath(path) : path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

export function setPath(value: unknown, path: string | readonly (string | number)[], next: unknown): void {
  const keys = typeof path === 'string' ? splitPath(path) : path;
  let cur = value as Record<string | number, unknown>;
  for (const key of keys.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  cur[keys[keys.length - 1]!] = next;
}

export interface FlagBinding {
  readonly path: string;
  readonly spec: ScalarSpec;
}

/** Every flag declared in the blocks of a tree (entries of lists and maps have none), by flag name. */
export function collectFlags(root: BlockSpec, basePath = ''): Map<string, FlagBinding> {
  const out = new Map<string, FlagBinding>();
  const walk = (spec: Spec, path: string) => {
    if (spec.kind === 'block') {
      for (const [key, field] of Object.entries(spec.fields)) walk(field, path ? `${path}.${key}` : key);
    } else if (spec.kind !== 'list' && spec.kind !== 'map' && spec.flag !== undefined && !out.has(spec.flag)) {
      out.set(spec.flag, { path, spec });
    }
  };
  walk(root, basePath);
  return out;
}
