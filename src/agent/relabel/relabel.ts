// Prometheus relabelling (`relabel_configs`), as Promtail applies it to
// discovered targets, syslog messages and pushed streams.
//
// Regular expressions are Go RE2, anchored at both ends and with `.`
// matching newlines (Prometheus wraps them as `^(?s:...)$`). Setting a label
// to the empty string removes it, as Prometheus' label builder does.
import { createHash } from 'node:crypto';
import { compileGoRegexp, type GoRegexp, RegexpSyntaxError } from '../../util/regexp.js';
import { isUtf8LabelName } from '../labels/label-set.js';
import { expandTemplate, hasGroupReference } from './go-expand.js';

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;

export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One `relabel_configs` entry as written in YAML (after defaults). */
export interface RelabelConfig {
  source_labels: string[];
  separator: string;
  regex: string;
  modulus: number;
  target_label: string;
  replacement: string;
  action: string;
}

export const DEFAULT_RELABEL: Readonly<Omit<RelabelConfig, 'source_labels'>> = {
  separator: ';',
  regex: '(.*)',
  modulus: 0,
  target_label: '',
  replacement: '$1',
  action: 'replace',
};

export class RelabelConfigError extends Error {
  override name = 'RelabelConfigError';
}

export interface RelabelRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: GoRegexp;
  readonly modulus: bigint;
  readonly targetLabel: string;
  readonly replacement: string;
}

/** Compiles the regular expression the way Prometheus' relabel.NewRegexp does. */
export function compileRelabelRegex(regex: string): GoRegexp {
  try {
    return compileGoRegexp(`^(?s:${regex})$`);
  } catch (err) {
    if (err instanceof RegexpSyntaxError) throw new RelabelConfigError(err.message);
    throw err;
  }
}

function isAction(s: string): s is RelabelAction {
  return (RELABEL_ACTIONS as readonly string[]).includes(s);
}

/** Validates and compiles one entry; the messages are Prometheus' relabel.Config.Validate wording. */
export function compileRelabelRule(cfg: RelabelConfig): RelabelRule {
  const action = cfg.action.toLowerCase();
  if (action === '') throw new RelabelConfigError('relabel action cannot be empty');
  if (!isAction(action)) throw new RelabelConfigError(`unknown relabel action ${JSON.stringify(cfg.action)}`);
  for (const name of cfg.source_labels) {
    if (!isUtf8LabelName(name)) throw new RelabelConfigError(`${JSON.stringify(name)} is not a valid label name`);
  }
  const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (cfg.modulus === 0 && action === 'hashmod') {
    throw new RelabelConfigError('relabel configuration for hashmod requires non-zero modulus');
  }
  if (needsTarget.includes(action) && cfg.target_label === '') {
    throw new RelabelConfigError(`relabel configuration for ${action} action requires 'target_label' value`);
  }
  const invalidTarget = () =>
    new RelabelConfigError(`${JSON.stringify(cfg.target_label)} is invalid 'target_label' for ${action} action`);
  if (action === 'replace' && !hasGroupReference(cfg.target_label) && !isUtf8LabelName(cfg.target_label)) {
    throw invalidTarget();
  }
  const caseOrEqual = ['lowercase', 'uppercase', 'keepequal', 'dropequal'];
  if (caseOrEqual.includes(action) && !isUtf8LabelName(cfg.target_label)) throw invalidTarget();
  if (caseOrEqual.includes(action) && cfg.replacement !== DEFAULT_RELABEL.replacement) {
    throw new RelabelConfigError(`'replacement' can not be set for ${action} action`);
  }
  if (action === 'labelmap' && !hasGroupReference(cfg.replacement) && !isUtf8LabelName(cfg.replacement)) {
    throw new RelabelConfigError(`${JSON.stringify(cfg.replacement)} is invalid 'replacement' for ${action} action`);
  }
  if (action === 'hashmod' && !isUtf8LabelName(cfg.target_label)) throw invalidTarget();
  if (
    (action === 'keepequal' || action === 'dropequal') &&
    (cfg.regex !== DEFAULT_RELABEL.regex ||
      cfg.modulus !== DEFAULT_RELABEL.modulus ||
      cfg.separator !== DEFAULT_RELABEL.separator ||
      cfg.replacement !== DEFAULT_RELABEL.replacement)
  ) {
    throw new RelabelConfigError(
      `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`,
    );
  }
  if (
    (action === 'labeldrop' || action === 'labelkeep') &&
    (cfg.source_labels.length > 0 ||
      cfg.target_label !== DEFAULT_RELABEL.target_label ||
      cfg.modulus !== DEFAULT_RELABEL.modulus ||
      cfg.separator !== DEFAULT_RELABEL.separator ||
      cfg.replacement !== DEFAULT_RELABEL.replacement)
  ) {
    throw new RelabelConfigError(`${action} action requires only 'regex', and no other fields`);
  }
  return {
    action,
    sourceLabels: [...cfg.source_labels],
    separator: cfg.separator,
    regex: compileRelabelRegex(cfg.regex),
    modulus: BigInt(Math.trunc(cfg.modulus)),
    targetLabel: cfg.target_label,
    replacement: cfg.replacement,
  };
}

/** Sets a label the way Prometheus' labels.Builder does: an empty value removes it. */
function setLabel(labels: Map<string, string>, name: string, value: string): void {
  if (value === '') labels.delete(name);
  else labels.set(name, value);
}

/** The last eight bytes of the MD5 digest as an unsigned 64-bit number (Prometheus' sum64). */
function md5Sum64(text: string): bigint {
  const digest = createHash('md5').update(text).digest();
  return digest.readBigUInt64BE(8);
}

function applyRule(rule: RelabelRule, labels: Map<string, string>): boolean {
  let value = '';
  for (let i = 0; i < rule.sourceLabels.length; i++) {
    if (i > 0) value += rule.separator;
    value += labels.get(rule.sourceLabels[i]!) ?? '';
  }
  switch (rule.action) {
    case 'drop':
      return !rule.regex.test(value);
    case 'keep':
      return rule.regex.test(value);
    case 'dropequal':
      return (labels.get(rule.targetLabel) ?? '') !== value;
    case 'keepequal':
      return (labels.get(rule.targetLabel) ?? '') === value;
    case 'replace': {
      const match = rule.regex.exec(value);
      if (!match) return true;
      const target = expandTemplate(rule.regex, rule.targetLabel, value, match);
      if (!isUtf8LabelName(target)) return true;
      setLabel(labels, target, expandTemplate(rule.regex, rule.replacement, value, match));
      return true;
    }
    case 'lowercase':
      setLabel(labels, rule.targetLabel, value.toLowerCase());
      return true;
    case 'uppercase':
      setLabel(labels, rule.targetLabel, value.toUpperCase());
      return true;
    case 'hashmod':
      setLabel(labels, rule.targetLabel, String(md5Sum64(value) % rule.modulus));
      return true;
    case 'labelmap':
      for (const [name, v] of [...labels]) {
        const match = rule.regex.exec(name);
        if (match) setLabel(labels, expandTemplate(rule.regex, rule.replacement, name, match), v);
      }
      return true;
    case 'labeldrop':
      for (const name of [...labels.keys()]) if (rule.regex.test(name)) labels.delete(name);
      return true;
    case 'labelkeep':
      for (const name of [...labels.keys()]) if (!rule.regex.test(name)) labels.delete(name);
      return true;
  }
}

/**
 * Applies the rules in order to `labels` (modified in place). Returns false
 * when a rule drops the target; later rules are then not applied.
 */
export function relabel(rules: readonly RelabelRule[], labels: Map<string, string>): boolean {
  for (const rule of rules) if (!applyRule(rule, labels)) return false;
  return true;
}
