// Default and zero values of a spec tree.

import type { Spec, ValueOf } from './dsl.js';

/** A fresh copy of the spec's default value (lists and maps are never shared between calls). */
export function defaultValue<S extends Spec>(spec: S): ValueOf<S> {
  return build(spec) as ValueOf<S>;
}

/** `defaultValue` for code that walks the tree without knowing which spec it holds. */
export function untypedDefault(spec: Spec): unknown {
  return build(spec);
}

function build(spec: Spec): unknown {
  switch (spec.kind) {
    case 'block': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(spec.fields)) out[key] = build(field);
      return out;
    }
    case 'list':
      return [];
    case 'map':
      return {};
    default:
      return cloneScalar(spec.default);
  }
}

/** What Go leaves in a field whose YAML value is null: the type's zero value. */
export function zeroValue(spec: Spec): unknown {
  switch (spec.kind) {
    case 'block':
      return build(spec);
    case 'list':
    case 'strings':
    case 'csv':
      return [];
    case 'map':
    case 'string_map':
      return {};
    case 'string':
    case 'secret':
    case 'url':
    case 'daytime':
      return '';
    case 'bool':
      return false;
    case 'any':
      return undefined;
    default:
      return 0;
  }
}

function cloneScalar(value: unknown): unknown {
  if (Array.isArray(value)) return [...value];
  if (value !== null && typeof value === 'object') return { ...value };
  return value;
}
