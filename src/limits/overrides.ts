// Per-tenant limits: the `limits_config` defaults, with a tenant's overrides
// from the runtime configuration file on top.
import type { LimitsConfig } from '../config/index.js';

export class Overrides {
  private perTenant = new Map<string, LimitsConfig>();

  constructor(private defaults: LimitsConfig) {}

  forTenant(tenant: string): LimitsConfig {
    if (tenant.includes('|')) return this.combined(tenant);
    return this.perTenant.get(tenant) ?? this.defaults;
  }

  /**
   * Limits of a cross-tenant query (`a|b`): for each numeric limit the
   * smallest positive value among the tenants, as Loki takes the most
   * restrictive; other settings come from the first tenant.
   */
  private combined(tenants: string): LimitsConfig {
    const all = tenants.split('|').map((t) => this.perTenant.get(t) ?? this.defaults);
    const out: Record<string, unknown> = { ...all[0]! };
    for (const [key, first] of Object.entries(all[0]!)) {
      if (typeof first !== 'number') continue;
      let min = 0;
      for (const l of all) {
        const v = (l as Record<string, unknown>)[key];
        if (typeof v === 'number' && v > 0 && (min === 0 || v < min)) min = v;
      }
      out[key] = min;
    }
    return out as LimitsConfig;
  }

  /** Replaces the per-tenant overrides (from a runtime config reload). */
  setOverrides(overrides: ReadonlyMap<string, LimitsConfig>): void {
    this.perTenant = new Map(overrides);
  }

  setDefaults(defaults: LimitsConfig): void {
    this.defaults = defaults;
  }
}
