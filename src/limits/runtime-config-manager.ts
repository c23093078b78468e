// Loads the runtime configuration files (`runtime_config.file`) and reloads them
// every `runtime_config.period`, so that per-tenant limits change without a
// restart. A file that fails to load at start stops the process (as Loki); a
// reload that fails keeps the last good overrides and says so in the log and
// in `loki_runtime_config_last_reload_successful`.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Gauge, type Registry } from 'prom-client';
import {
  type LimitsConfig,
  type OperationalConfig,
  parseRuntimeConfig,
  type RuntimeConfig,
  renderRuntimeOverridesYaml,
} from '../config/index.js';
import type { Logger } from '../util/log.js';
import type { Overrides } from './overrides.js';

export interface RuntimeConfigManagerOptions {
  files: readonly string[];
  periodMs: number;
  defaults: { limits: LimitsConfig; operational: OperationalConfig };
  overrides: Overrides;
  registry: Registry;
  logger: Logger;
}

export class RuntimeConfigManager {
  private current: RuntimeConfig | null = null;
  private lastHash = '';
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;
  private readonly reloadOk: Gauge;
  private readonly hash: Gauge;

  constructor(private readonly opts: RuntimeConfigManagerOptions) {
    this.reloadOk = new Gauge({
      name: 'loki_runtime_config_last_reload_successful',
      help: 'Whether the last runtime-config reload attempt was successful.',
      registers: [opts.registry],
    });
    this.hash = new Gauge({
      name: 'loki_runtime_config_hash',
      help: 'Hash of the currently active runtime configuration, merged from all configured files.',
      labelNames: ['sha256'],
      registers: [opts.registry],
    });
  }

  /** Whether any runtime file is configured. */
  get enabled(): boolean {
    return this.opts.files.length > 0;
  }

  /** Loads the files once (throws on a bad file) and starts the reload loop. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    await this.load();
    if (this.opts.periodMs > 0) {
      this.timer = setInterval(() => void this.reload(), this.opts.periodMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reloads now; a failure is logged and the previous overrides stay. */
  async reload(): Promise<void> {
    if (this.reloading) return this.reloading;
    this.reloading = this.load()
      .catch((err: unknown) => {
        this.reloadOk.set(0);
        this.opts.logger.error('failed to load runtime config; keeping the previous one', {
          err: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  private async load(): Promise<void> {
    const texts: string[] = [];
    for (const file of this.opts.files) texts.push(await readFile(file, 'utf8'));
    const digest = createHash('sha256');
    for (const t of texts) digest.update(t);
    const sha = digest.digest('hex');
    if (sha === this.lastHash && this.current) {
      this.reloadOk.set(1);
      return;
    }
    const merged = mergeRuntimeConfigs(texts.map((t) => parseRuntimeConfig(t, this.opts.defaults)));
    for (const w of merged.warnings) this.opts.logger.warn(w);
    this.current = merged;
    this.opts.overrides.setOverrides(new Map(Object.entries(merged.overrides)));
    this.lastHash = sha;
    this.reloadOk.set(1);
    this.hash.reset();
    this.hash.set({ sha256: sha }, 1);
    this.opts.logger.info('runtime config loaded', { tenants: Object.keys(merged.overrides).length });
  }

  /**
   * The body of `GET /runtime_config`: every tenant's effective limits, or
   * with `diff` what differs from `limits_config`; null without a runtime file.
   */
  render(mode: 'all' | 'diff'): string | null {
    if (!this.current) return null;
    return renderRuntimeOverridesYaml(this.current.overrides, this.opts.defaults.limits, mode);
  }
}

/** Several runtime files act as one: a tenant listed in a later file takes that file's entry. */
function mergeRuntimeConfigs(configs: readonly RuntimeConfig[]): RuntimeConfig {
  if (configs.length === 1) return configs[0]!;
  const overrides: Record<string, LimitsConfig> = {};
  const operational: Record<string, OperationalConfig> = {};
  const warnings: string[] = [];
  let multi: RuntimeConfig['multi_kv_config'] = { primary: '', mirror_enabled: null };
  for (const c of configs) {
    Object.assign(overrides, c.overrides);
    Object.assign(operational, c.configs);
    warnings.push(...c.warnings);
    if (c.multi_kv_config.primary !== '' || c.multi_kv_config.mirror_enabled !== null) multi = c.multi_kv_config;
  }
  return { overrides, configs: operational, multi_kv_config: multi, warnings };
}
