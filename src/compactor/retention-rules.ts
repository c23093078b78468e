// Which retention period applies to a stream, with Loki's rules: the tenant's
// `retention_stream` rules whose selector matches the stream's labels compete,
// the highest `priority` wins and, between rules of equal priority, the
// shortest `period`; without a matching rule the tenant's `retention_period`
// applies. A period of 0 keeps data forever.
import type { LimitsConfig } from '../config/index.js';
import { parseMatchers } from '../logql/syntax/index.js';
import type { Labels } from '../util/labels.js';
import { type CompiledMatcher, compileMatcher } from '../util/matchers.js';

export type RetentionLimits = Pick<LimitsConfig, 'retention_period' | 'retention_stream'>;

interface CompiledRule {
  period: number;
  priority: number;
  matchers: CompiledMatcher[];
}

export class RetentionRules {
  /** Selector text -> matchers; null for a selector that does not parse (the rule is ignored). */
  private readonly selectors = new Map<string, CompiledMatcher[] | null>();

  constructor(
    private readonly limits: (tenant: string) => RetentionLimits,
    private readonly onBadSelector?: (selector: string, err: unknown) => void,
  ) {}

  /** The retention period (ms) of a stream of `tenant`; 0 keeps it forever. */
  periodFor(tenant: string, labels: Labels): number {
    const l = this.limits(tenant);
    let matched: CompiledRule | undefined;
    for (const rule of this.rules(l)) {
      if (!rule.matchers.every((m) => m.matches(labelValue(labels, m.name)))) continue;
      if (matched) {
        if (matched.priority > rule.priority) continue;
        if (matched.priority === rule.priority && matched.period <= rule.period) continue;
      }
      matched = rule;
    }
    return matched ? matched.period : l.retention_period;
  }

  /**
   * The shortest positive period any stream of the tenant can have (0 when
   * nothing expires): data newer than now minus this is never expired, so
   * tables entirely newer can skip the retention scan.
   */
  shortestPeriod(tenant: string): number {
    const l = this.limits(tenant);
    let shortest = l.retention_period;
    for (const r of l.retention_stream) {
      if (r.period <= 0) continue;
      if (shortest <= 0 || r.period < shortest) shortest = r.period;
    }
    return Math.max(0, shortest);
  }

  /**
   * The longest period data of the tenant can be kept (0: some data is kept
   * forever), as Loki's getMaxRetentionInterval: a delete request entirely
   * older than this has nothing left to delete.
   */
  longestPeriod(tenant: string): number {
    const l = this.limits(tenant);
    let longest = l.retention_period;
    if (longest === 0) return 0;
    for (const r of l.retention_stream) {
      if (r.period === 0) return 0;
      if (r.period > longest) longest = r.period;
    }
    return longest;
  }

  private rules(l: RetentionLimits): CompiledRule[] {
    const out: CompiledRule[] = [];
    for (const r of l.retention_stream) {
      const matchers = this.compile(r.selector);
      if (matchers) out.push({ period: r.period, priority: r.priority, matchers });
    }
    return out;
  }

  private compile(selector: string): CompiledMatcher[] | null {
    let m = this.selectors.get(selector);
    if (m === undefined) {
      try {
        m = parseMatchers(selector, { validate: false }).map((x) => compileMatcher(x));
      } catch (err) {
        this.onBadSelector?.(selector, err);
        m = null;
      }
      this.selectors.set(selector, m);
    }
    return m;
  }
}

function labelValue(labels: Labels, name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return '';
}
