// Evaluation of parsed JMESPath expressions over decoded JSON values.
import { callFunction, type ExpressionRef } from './functions.js';
import type { Node } from './parser.js';

export class JmespathRuntimeError extends Error {
  override name = 'JmespathRuntimeError';
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JMESPath falsiness: null, false, "", [] and {}; every number is true. */
export function isFalse(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function slice(arr: unknown[], start: number | null, stop: number | null, step: number | null): unknown[] {
  const s = step ?? 1;
  if (s === 0) throw new JmespathRuntimeError('Invalid slice, step cannot be 0');
  const len = arr.length;
  const cap = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + len, s < 0 ? -1 : 0);
    return Math.min(v, s < 0 ? len - 1 : len);
  };
  const from = cap(start, s < 0 ? len - 1 : 0);
  const to = cap(stop, s < 0 ? -1 : len);
  const out: unknown[] = [];
  if (s > 0) for (let i = from; i < to; i += s) out.push(arr[i]);
  else for (let i = from; i > to; i += s) out.push(arr[i]);
  return out;
}

function project(items: unknown[], right: Node): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    const v = visit(right, item);
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

export function visit(node: Node, value: unknown): unknown {
  switch (node.type) {
    case 'field':
      return isObject(value) ? (value[node.name] ?? null) : null;
    case 'subexpression':
      return visit(node.right, visit(node.left, value));
    case 'index_expression':
      return visit(node.right, visit(node.left, value));
    case 'index': {
      if (!Array.isArray(value)) return null;
      const i = node.value < 0 ? value.length + node.value : node.value;
      return value[i] ?? null;
    }
    case 'slice':
      return Array.isArray(value) ? slice(value, node.start, node.stop, node.step) : null;
    case 'projection': {
      const base = visit(node.left, value);
      return Array.isArray(base) ? project(base, node.right) : null;
    }
    case 'value_projection': {
      const base = visit(node.left, value);
      return isObject(base) ? project(Object.values(base), node.right) : null;
    }
    case 'filter_projection': {
      const base = visit(node.left, value);
      if (!Array.isArray(base)) return null;
      return project(
        base.filter((item) => !isFalse(visit(node.condition, item))),
        node.right,
      );
    }
    case 'flatten': {
      const base = visit(node.child, value);
      if (!Array.isArray(base)) return null;
      const out: unknown[] = [];
      for (const item of base) {
        if (Array.isArray(item)) out.push(...item);
        else out.push(item);
      }
      return out;
    }
    case 'identity':
    case 'current':
      return value;
    case 'literal':
      return node.value;
    case 'multi_select_list':
      return value === null ? null : node.children.map((c) => visit(c, value));
    case 'multi_select_hash': {
      if (value === null) return null;
      const out: Record<string, unknown> = {};
      for (const p of node.pairs) out[p.key] = visit(p.value, value);
      return out;
    }
    case 'pipe':
      return visit(node.right, visit(node.left, value));
    case 'or': {
      const left = visit(node.left, value);
      return isFalse(left) ? visit(node.right, value) : left;
    }
    case 'and': {
      const left = visit(node.left, value);
      return isFalse(left) ? left : visit(node.right, value);
    }
    case 'not':
      return isFalse(visit(node.child, value));
    case 'comparator': {
      const a = visit(node.left, value);
      const b = visit(node.right, value);
      if (node.op === 'eq') return deepEqual(a, b);
      if (node.op === 'ne') return !deepEqual(a, b);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      if (node.op === 'gt') return a > b;
      if (node.op === 'gte') return a >= b;
      if (node.op === 'lt') return a < b;
      return a <= b;
    }
    case 'function': {
      const args = node.args.map((a): unknown =>
        a.type === 'expref' ? ({ expref: a.child } satisfies ExpressionRef) : visit(a, value),
      );
      return callFunction(node.name, args);
    }
    case 'expref':
      return { expref: node.child } satisfies ExpressionRef;
  }
}
