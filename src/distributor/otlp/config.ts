// Which OTLP attributes become index labels, structured metadata or nothing:
// Loki's `limits_config.otlp_config` (per tenant) on top of
// `distributor.otlp_config.default_resource_attributes_as_index_labels`.
//
// Rules are tried in order and the first whose regex or attribute list matches
// decides; an attribute no rule matches is structured metadata. The default
// index-label rule goes first unless `resource_attributes.ignore_defaults` is
// set, so a tenant rule cannot demote a default attribute without it.
import { compileGoRegexp, type GoRegexp } from '../../util/regexp.js';
import { DEFAULT_INDEX_LABEL_ATTRIBUTES } from './default-index-labels.js';

export { DEFAULT_INDEX_LABEL_ATTRIBUTES };

export type AttributeAction = 'index_label' | 'structured_metadata' | 'drop';

/** One `attributes_config` / `scope_attributes` / `log_attributes` rule, as in the YAML. */
export interface OtlpAttributesRule {
  /** `index_label`, `structured_metadata` or `drop`; empty means structured_metadata. */
  readonly action: string;
  readonly attributes: readonly string[];
  /** A Go regular expression matched against the whole attribute name; empty when unset. */
  readonly regex: string;
}

/** `limits_config.otlp_config`. */
export interface OtlpConfig {
  readonly resource_attributes: {
    readonly ignore_defaults: boolean;
    readonly attributes_config: readonly OtlpAttributesRule[];
  };
  readonly scope_attributes: readonly OtlpAttributesRule[];
  readonly log_attributes: readonly OtlpAttributesRule[];
  readonly severity_text_as_label: boolean;
}

/** `distributor.otlp_config`. */
export interface GlobalOtlpConfig {
  readonly default_resource_attributes_as_index_labels: readonly string[];
}

/** An otlp_config with no rules of its own: only the default index labels apply. */
export const EMPTY_OTLP_CONFIG: OtlpConfig = Object.freeze({
  resource_attributes: { ignore_defaults: false, attributes_config: [] },
  scope_attributes: [],
  log_attributes: [],
  severity_text_as_label: false,
});

const ACTIONS: ReadonlySet<string> = new Set(['index_label', 'structured_metadata', 'drop']);

export const OtlpConfigMessages = {
  unsupportedAction: 'unsupported action, it must be one of: drop, index_label, structured_metadata',
  attributesAndRegexNotSet: 'attributes or regex must be set',
  attributesAndRegexBothSet: 'only one of attributes or regex must be set',
  indexLabelOnlyForResources: 'index_label action is only supported for resource_attributes',
} as const;

/** Anchors a pattern the way Prometheus' relabel.Regexp does: whole name, `.` matching newlines. */
function anchored(regex: string): string {
  return `^(?s:${regex})$`;
}

/**
 * Checks an otlp_config as Loki does when it loads one; returns Loki's message
 * for the first problem, or null.
 */
export function validateOtlpConfig(cfg: OtlpConfig): string | null {
  const lists = [cfg.resource_attributes.attributes_config, cfg.scope_attributes, cfg.log_attributes];
  for (const rules of lists) {
    for (const rule of rules) {
      if (rule.action !== '' && !ACTIONS.has(rule.action)) return OtlpConfigMessages.unsupportedAction;
      if (rule.attributes.length === 0 && rule.regex === '') return OtlpConfigMessages.attributesAndRegexNotSet;
      if (rule.attributes.length !== 0 && rule.regex !== '') return OtlpConfigMessages.attributesAndRegexBothSet;
      if (rule.regex !== '') {
        try {
          compileGoRegexp(anchored(rule.regex));
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      }
    }
  }
  if (cfg.scope_attributes.some((r) => r.action === 'index_label'))
    return OtlpConfigMessages.indexLabelOnlyForResources;
  return null;
}

interface CompiledRule {
  readonly action: AttributeAction;
  readonly names: ReadonlySet<string>;
  readonly regex: GoRegexp | null;
}

const MEMO_LIMIT = 4096;

/** Decides the action for attribute names, remembering recent answers. */
class RuleList {
  private memo = new Map<string, AttributeAction>();

  constructor(private readonly rules: readonly CompiledRule[]) {}

  actionFor(attribute: string): AttributeAction {
    const hit = this.memo.get(attribute);
    if (hit !== undefined) return hit;
    const action = this.decide(attribute);
    if (this.memo.size >= MEMO_LIMIT) this.memo = new Map();
    this.memo.set(attribute, action);
    return action;
  }

  private decide(attribute: string): AttributeAction {
    for (const rule of this.rules) {
      if (rule.regex?.test(attribute)) return rule.action;
      if (rule.names.has(attribute)) return rule.action;
    }
    return 'structured_metadata';
  }
}

/** An otlp_config ready to apply: the defaults merged in and the regexes compiled. */
export interface AttributePolicy {
  resourceAction(attribute: string): AttributeAction;
  scopeAction(attribute: string): AttributeAction;
  logAction(attribute: string): AttributeAction;
  readonly severityTextAsLabel: boolean;
}

function compileRules(rules: readonly OtlpAttributesRule[]): RuleList {
  return new RuleList(
    rules.map((r) => ({
      // Loki reads an unset action as structured_metadata.
      action: (r.action === '' ? 'structured_metadata' : r.action) as AttributeAction,
      names: new Set(r.attributes),
      regex: r.regex === '' ? null : compileGoRegexp(anchored(r.regex)),
    })),
  );
}

/**
 * Builds the policy for a tenant's otlp_config. Throws on an invalid config
 * (which configuration validation rejects before it gets here).
 */
export function compileAttributePolicy(cfg: OtlpConfig, global: GlobalOtlpConfig): AttributePolicy {
  const invalid = validateOtlpConfig(cfg);
  if (invalid !== null) throw new Error(`invalid otlp_config: ${invalid}`);
  const defaults = global.default_resource_attributes_as_index_labels;
  const resourceRules: OtlpAttributesRule[] = [];
  if (!cfg.resource_attributes.ignore_defaults && defaults.length > 0) {
    resourceRules.push({ action: 'index_label', attributes: defaults, regex: '' });
  }
  resourceRules.push(...cfg.resource_attributes.attributes_config);
  const resource = compileRules(resourceRules);
  const scope = compileRules(cfg.scope_attributes);
  const log = compileRules(cfg.log_attributes);
  return {
    resourceAction: (a) => resource.actionFor(a),
    scopeAction: (a) => scope.actionFor(a),
    logAction: (a) => log.actionFor(a),
    severityTextAsLabel: cfg.severity_text_as_label,
  };
}

/**
 * Compiled policies per tenant config object: limits objects live as long as
 * the configuration that made them, so the policy is built once per config.
 */
export class AttributePolicyCache {
  private readonly byConfig = new WeakMap<OtlpConfig, AttributePolicy>();

  constructor(private readonly global: GlobalOtlpConfig) {}

  policyFor(cfg: OtlpConfig): AttributePolicy {
    let policy = this.byConfig.get(cfg);
    if (!policy) {
      policy = compileAttributePolicy(cfg, this.global);
      this.byConfig.set(cfg, policy);
    }
    return policy;
  }
}
