// The runtime configuration file (`runtime_config.file`): per-tenant `overrides:` of
// `limits_config`, per-tenant `configs:` of `operational_config`, and `multi_kv_config`. Each
// tenant's entry starts from the global values of the main config and is decoded and validated
// exactly like `limits_config` itself (same unknown-key errors, same value parsing, same checks).

import { Document, isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { ConfigError } from './errors.js';
import { block, bool, str } from './schema/dsl.js';
import { limitsConfigBlock } from './schema/limits-config.js';
import { operationalConfigBlock } from './schema/operational-config.js';
import type { LimitsConfig, OperationalConfig } from './types.js';
import { validateLimits } from './validate.js';
import { type DecodeIssue, decodeBlockInto, formatDecodeIssues } from './yaml/decode.js';
import { parseYaml, type YamlSource, YamlSyntaxError } from './yaml/document.js';

export interface RuntimeConfig {
  /** Tenant -> effective limits (the global `limits_config` with the tenant's overrides applied). */
  readonly overrides: Readonly<Record<string, LimitsConfig>>;
  /** Tenant -> effective operational config. */
  readonly configs: Readonly<Record<string, OperationalConfig>>;
  readonly multi_kv_config: { readonly primary: string; readonly mirror_enabled: boolean | null };
  /** Things worth logging, e.g. tenants listed without any setting. */
  readonly warnings: readonly string[];
}

export interface RuntimeDefaults {
  /** The main config's `limits_config`: what a tenant without overrides gets. */
  readonly limits: LimitsConfig;
  /** The main config's `operational_config`. */
  readonly operational: OperationalConfig;
}

/** Loki's top-level shape of the runtime file, for "field x not found in type ..." errors. */
const RUNTIME_FILE_TYPE = 'loki.runtimeConfigValues';
const multiKvBlock = block('kv.MultiRuntimeConfig', { primary: str(''), mirror_enabled: bool(false) });

/**
 * Parses and validates the runtime configuration file. Throws ConfigError('parse') with Loki's
 * message when a key is unknown, a value does not parse, or a tenant's limits are invalid.
 */
export function parseRuntimeConfig(text: string, defaults: RuntimeDefaults): RuntimeConfig {
  const source = parseOrThrow(text);
  const overrides: Record<string, LimitsConfig> = {};
  const configs: Record<string, OperationalConfig> = {};
  const multi: { primary: string; mirror_enabled: boolean | null } = { primary: '', mirror_enabled: null };
  const warnings: string[] = [];
  const issues: DecodeIssue[] = [];

  const root = source.root ? source.deref(source.root) : null;
  if (root !== null && !(isScalar(root) && root.value === null)) {
    if (!isMap(root)) throw parseError([typeIssue(source, root, RUNTIME_FILE_TYPE)]);
    for (const pair of (root as YAMLMap<Node, Node | null>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value ? source.deref(pair.value) : null;
      switch (key) {
        case 'overrides':
          forEachTenant(source, value, 'overrides', issues, (tenant, node) => {
            if (node === null) {
              warnings.push(`skipping empty tenant limit definition for tenant ${tenant}`);
              return;
            }
            const limits = structuredClone(defaults.limits);
            issues.push(
              ...decodeBlockInto(source, limitsConfigBlock, limits, node, `overrides.${tenant}`, { strict: true }),
            );
            overrides[tenant] = limits;
          });
          break;
        case 'configs':
          forEachTenant(source, value, 'configs', issues, (tenant, node) => {
            const operational = structuredClone(defaults.operational);
            issues.push(
              ...decodeBlockInto(source, operationalConfigBlock, operational, node, `configs.${tenant}`, {
                strict: true,
              }),
            );
            configs[tenant] = operational;
          });
          break;
        case 'multi_kv_config': {
          const decoded = { primary: '', mirror_enabled: false };
          issues.push(...decodeBlockInto(source, multiKvBlock, decoded, value, 'multi_kv_config', { strict: true }));
          multi.primary = decoded.primary;
          multi.mirror_enabled = hasKey(value, 'mirror_enabled') ? decoded.mirror_enabled : null;
          break;
        }
        default:
          issues.push({
            line: source.lineOf(pair.key as Node),
            path: key,
            message: `field ${key} not found in type ${RUNTIME_FILE_TYPE}`,
            kind: 'unknown-key',
          });
      }
    }
  }
  if (issues.length > 0) throw parseError(issues);
  for (const [tenant, limits] of Object.entries(overrides)) {
    const invalid = validateLimits(limits);
    if (invalid !== null) throw new ConfigError('parse', `invalid override for tenant ${tenant}: ${invalid}`, 1);
  }
  return { overrides, configs, multi_kv_config: multi, warnings };
}

/**
 * One tenant's overrides (YAML text, or data such as parsed JSON) applied on top of `base`,
 * decoded and validated like `limits_config`. Throws ConfigError('parse') with Loki's message.
 */
export function parseTenantLimits(input: string | Record<string, unknown>, base: LimitsConfig): LimitsConfig {
  const source = typeof input === 'string' ? parseOrThrow(input) : sourceFromData(input);
  const limits = structuredClone(base);
  const issues = decodeBlockInto(source, limitsConfigBlock, limits, source.root, '', { strict: true });
  if (issues.length > 0) throw parseError(issues);
  const invalid = validateLimits(limits);
  if (invalid !== null) throw new ConfigError('parse', invalid, 1);
  return limits;
}

function forEachTenant(
  source: YamlSource,
  node: Node | null,
  path: string,
  issues: DecodeIssue[],
  fn: (tenant: string, node: Node | null) => void,
): void {
  if (node === null || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    issues.push(typeIssue(source, node, `map[string]*validation.Limits`, path));
    return;
  }
  for (const pair of (node as YAMLMap<Node, Node | null>).items) {
    const tenant = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value ? source.deref(pair.value) : null;
    fn(tenant, value === null || (isScalar(value) && value.value === null) ? null : value);
  }
}

function hasKey(node: Node | null, key: string): boolean {
  return node !== null && isMap(node) && node.items.some((p) => isScalar(p.key) && p.key.value === key);
}

function typeIssue(source: YamlSource, node: Node, goType: string, path = ''): DecodeIssue {
  const tag = isMap(node) ? '!!map' : isScalar(node) ? `!!str \`${String(node.value)}\`` : '!!seq';
  return { line: source.lineOf(node), path, message: `cannot unmarshal ${tag} into ${goType}`, kind: 'value' };
}

function parseOrThrow(text: string): YamlSource {
  try {
    return parseYaml(text);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new ConfigError('parse', err.message, 1);
    throw err;
  }
}

function sourceFromData(data: Record<string, unknown>): YamlSource {
  const doc = new Document(data);
  return {
    root: (doc.contents as Node | null) ?? null,
    doc: null,
    lineOf: () => 0,
    deref: (n) => n,
  };
}

function parseError(issues: readonly DecodeIssue[]): ConfigError {
  return new ConfigError('parse', formatDecodeIssues(issues), 1);
}
