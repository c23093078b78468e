// The loaded agent configuration: the decoded file (with Promtail's
// defaults and the command-line flags applied) plus what loading derived
// from it (compiled relabel rules, the YAML of each pipeline).
import type { ValueOf } from '../../config/schema/dsl.js';
import type { RelabelRule } from '../relabel/relabel.js';
import type { ConfigNode } from './config-node.js';
import type { agentConfigBlock, pushApiBlock, scrapeConfigBlock, syslogBlock } from './schema.js';

export type AgentFileConfig = ValueOf<typeof agentConfigBlock>;
export type ClientConfig = AgentFileConfig['clients'][number];
export type ScrapeConfig = ValueOf<typeof scrapeConfigBlock>;
export type SyslogConfig = ValueOf<typeof syslogBlock>;
export type PushApiConfig = ValueOf<typeof pushApiBlock>;
export type KubernetesSdConfig = ScrapeConfig['kubernetes_sd_configs'][number];
export type FileSdConfig = ScrapeConfig['file_sd_configs'][number];
export type StaticConfig = ScrapeConfig['static_configs'][number];
export type PositionsConfig = AgentFileConfig['positions'];
export type LimitsConfig = AgentFileConfig['limits_config'];
export type ServerConfig = AgentFileConfig['server'];

/** How a scrape config receives its lines. */
export type ScrapeKind = 'files' | 'syslog' | 'push';

export interface LoadedScrapeConfig {
  readonly jobName: string;
  readonly kind: ScrapeKind;
  readonly config: ScrapeConfig;
  readonly syslog: SyslogConfig | undefined;
  readonly push: PushApiConfig | undefined;
  readonly relabel: readonly RelabelRule[];
  /** The `pipeline_stages` YAML, built into a pipeline when the agent starts. */
  readonly stages: ConfigNode | undefined;
}

export interface AgentConfig {
  readonly file: AgentFileConfig;
  /** `clients`, plus the deprecated `client` block when it names a URL. */
  readonly clients: readonly ClientConfig[];
  readonly scrapeConfigs: readonly LoadedScrapeConfig[];
  /** The file read, or null when none was given. */
  readonly configFile: string | null;
  /** Things worth a warning at start-up (deprecated or ignored settings). */
  readonly warnings: readonly string[];
}
