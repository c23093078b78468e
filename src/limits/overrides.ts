// Per-tenant limits: the `limits_config` defaults, with a tenant's overrides
// from the runtime configuration file on top.
import type { LimitsConfig } from '../config/index.js';

export class Overrides {
  private perTenant = new Map<string, LimitsConfig>();

  constructor(private defaults: LimitsConfig) {}

  forTenant(tenant: string): LimitsConfig {
    return this.perTenant.get(tenant) ?? this.defaults;
  }

  /** Replaces the per-tenant overrides (from a runtime config reload). */
  setOverrides(overrides: ReadonlyMap<string, LimitsConfig>): void {
    this.perTenant = new Map(overrides);
  }

  setDefaults(defaults: LimitsConfig): void {
    this.defaults = defaults;
  }
}
