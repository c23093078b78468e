import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttributePolicyCache,
  compileAttributePolicy,
  DEFAULT_INDEX_LABEL_ATTRIBUTES,
  EMPTY_OTLP_CONFIG,
  type OtlpAttributesRule,
  type OtlpConfig,
  OtlpConfigMessages,
  validateOtlpConfig,
} from './config.js';

const GLOBAL = { default_resource_attributes_as_index_labels: DEFAULT_INDEX_LABEL_ATTRIBUTES };

function config(
  parts: Partial<OtlpConfig> & { ignoreDefaults?: boolean; resource?: OtlpAttributesRule[] },
): OtlpConfig {
  return {
    ...EMPTY_OTLP_CONFIG,
    ...parts,
    resource_attributes: { ignore_defaults: parts.ignoreDefaults ?? false, attributes_config: parts.resource ?? [] },
  };
}

const rule = (action: string, attributes: string[] = [], regex = ''): OtlpAttributesRule => ({
  action,
  attributes,
  regex,
});

describe('compileAttributePolicy', () => {
  it('indexes Loki default resource attributes and keeps everything else as structured metadata', () => {
    const p = compileAttributePolicy(EMPTY_OTLP_CONFIG, GLOBAL);
    for (const a of DEFAULT_INDEX_LABEL_ATTRIBUTES) assert.equal(p.resourceAction(a), 'index_label', a);
    assert.equal(p.resourceAction('host.name'), 'structured_metadata');
    assert.equal(p.scopeAction('anything'), 'structured_metadata');
    assert.equal(p.logAction('service.name'), 'structured_metadata');
    assert.equal(p.severityTextAsLabel, false);
  });

  it('lists the current Loki defaults', () => {
    assert.equal(DEFAULT_INDEX_LABEL_ATTRIBUTES.length, 18);
    assert.ok(DEFAULT_INDEX_LABEL_ATTRIBUTES.includes('deployment.environment.name'));
    assert.ok(DEFAULT_INDEX_LABEL_ATTRIBUTES.includes('k8s.cronjob.name'));
  });

  it('puts the defaults first, so a tenant rule cannot demote a default attribute', () => {
    const p = compileAttributePolicy(config({ resource: [rule('drop', ['service.name', 'host.name'])] }), GLOBAL);
    assert.equal(p.resourceAction('service.name'), 'index_label');
    assert.equal(p.resourceAction('host.name'), 'drop');
  });

  it('applies only the tenant rules with ignore_defaults', () => {
    const p = compileAttributePolicy(
      config({ ignoreDefaults: true, resource: [rule('index_label', ['host.name'])] }),
      GLOBAL,
    );
    assert.equal(p.resourceAction('service.name'), 'structured_metadata');
    assert.equal(p.resourceAction('host.name'), 'index_label');
  });

  it('takes the defaults from distributor.otlp_config', () => {
    const p = compileAttributePolicy(EMPTY_OTLP_CONFIG, { default_resource_attributes_as_index_labels: ['team'] });
    assert.equal(p.resourceAction('team'), 'index_label');
    assert.equal(p.resourceAction('service.name'), 'structured_metadata');
  });

  it('matches regexes against the whole attribute name, first matching rule wins', () => {
    const p = compileAttributePolicy(
      config({
        log_attributes: [rule('structured_metadata', [], '.*_id'), rule('drop', [], '.*')],
        scope_attributes: [rule('drop', [], 'drop\\..*')],
      }),
      GLOBAL,
    );
    assert.equal(p.logAction('user_id'), 'structured_metadata');
    assert.equal(p.logAction('user_id_x'), 'drop');
    assert.equal(p.logAction('anything'), 'drop');
    assert.equal(p.scopeAction('drop.me'), 'drop');
    assert.equal(p.scopeAction('keep.drop.me'), 'structured_metadata');
  });

  it('lets a regex rule match names across newlines, as Prometheus anchors it with (?s)', () => {
    const p = compileAttributePolicy(config({ log_attributes: [rule('drop', [], 'a.*b')] }), GLOBAL);
    assert.equal(p.logAction('a\nb'), 'drop');
  });

  it('reads an empty action as structured_metadata', () => {
    const p = compileAttributePolicy(
      config({ ignoreDefaults: true, resource: [rule('', ['service.name'])], log_attributes: [rule('drop', ['x'])] }),
      GLOBAL,
    );
    assert.equal(p.resourceAction('service.name'), 'structured_metadata');
  });

  it('carries severity_text_as_label', () => {
    assert.equal(compileAttributePolicy(config({ severity_text_as_label: true }), GLOBAL).severityTextAsLabel, true);
  });

  it('refuses to compile an invalid config', () => {
    assert.throws(
      () => compileAttributePolicy(config({ scope_attributes: [rule('index_label', ['x'])] }), GLOBAL),
      /index_label action is only supported for resource_attributes/,
    );
  });
});

describe('validateOtlpConfig', () => {
  it('accepts Loki default and a typical tenant config', () => {
    assert.equal(validateOtlpConfig(EMPTY_OTLP_CONFIG), null);
    assert.equal(
      validateOtlpConfig(
        config({
          resource: [rule('index_label', ['team']), rule('drop', [], 'process\\..*')],
          log_attributes: [rule('index_label', ['level'])],
        }),
      ),
      null,
    );
  });

  it('reports Loki messages for invalid rules', () => {
    assert.equal(
      validateOtlpConfig(config({ resource: [rule('promote', ['x'])] })),
      OtlpConfigMessages.unsupportedAction,
    );
    assert.equal(validateOtlpConfig(config({ log_attributes: [rule('drop')] })), 'attributes or regex must be set');
    assert.equal(
      validateOtlpConfig(config({ scope_attributes: [rule('drop', ['a'], 'b')] })),
      'only one of attributes or regex must be set',
    );
    assert.equal(
      validateOtlpConfig(config({ scope_attributes: [rule('index_label', ['a'])] })),
      'index_label action is only supported for resource_attributes',
    );
    assert.match(
      validateOtlpConfig(config({ log_attributes: [rule('drop', [], '(')] })) ?? '',
      /^error parsing regexp/,
    );
  });
});

describe('AttributePolicyCache', () => {
  it('compiles a config once and reuses the policy', () => {
    const cache = new AttributePolicyCache(GLOBAL);
    const cfg = config({ log_attributes: [rule('drop', ['x'])] });
    assert.equal(cache.policyFor(cfg), cache.policyFor(cfg));
    assert.notEqual(cache.policyFor(cfg), cache.policyFor(EMPTY_OTLP_CONFIG));
  });
});
