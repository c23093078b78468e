// Loading the agent configuration the way Promtail does: defaults, then the
// file (strict: unknown keys are errors, reported with their line), then the
// command-line flags; then Promtail's checks (unique job names, relabel
// rules, client settings) and its set-up (the deprecated `client` block).
import { existsSync, readFileSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { EnvsubstError, expandEnv } from '../../config/envsubst.js';
import { parseFlagValue } from '../../config/flags/values.js';
import { defaultValue, untypedDefault } from '../../config/schema/defaults.js';
import type { BlockSpec } from '../../config/schema/dsl.js';
import { getPath, setPath } from '../../config/schema/walk.js';
import { decodeBlockInto, formatDecodeIssues } from '../../config/yaml/decode.js';
import { parseYaml, type YamlSource, YamlSyntaxError } from '../../config/yaml/document.js';
import type { AgentCommandLine } from '../cli.js';
import { compileRelabelRule, RelabelConfigError } from '../relabel/relabel.js';
import { ConfigNode } from './config-node.js';
import { agentConfigBlock, pushApiBlock, syslogBlock, UNSUPPORTED_SCRAPE_KEYS } from './schema.js';
import type {
  AgentConfig,
  AgentFileConfig,
  ClientConfig,
  LoadedScrapeConfig,
  PushApiConfig,
  ScrapeConfig,
  ScrapeKind,
  SyslogConfig,
} from './types.js';
import { validateClient } from './validate-client.js';

/** Start-up cannot go on; Promtail prints "Unable to parse config: <message>" and exits 1. */
export class AgentConfigError extends Error {
  override name = 'AgentConfigError';
}

const EXPAND_ENV_HINT =
  '. Use `-config.expand-env=true` flag if you want to expand environment variables in your config file';

export interface LoadOptions {
  /** Reads a file (tests substitute it). */
  readonly readFile?: (path: string) => string;
  readonly exists?: (path: string) => boolean;
}

/** Whether lines can be converted from this IANA encoding (as the tailer does with TextDecoder). */
function isKnownEncoding(name: string): boolean {
  try {
    new TextDecoder(name);
    return true;
  } catch {
    return false;
  }
}

/** Picks the first existing file of a comma-separated `-config.file` value. */
function chooseFile(spec: string, exists: (p: string) => boolean): string {
  for (const candidate of spec.split(',')) {
    const p = candidate.trim();
    if (p !== '' && exists(p)) return p;
  }
  throw new AgentConfigError(`${spec} does not exist, set config.file for custom config path`);
}

function decodeFile(
  file: string,
  text: string,
  config: AgentFileConfig,
  cmd: AgentCommandLine,
  env: NodeJS.ProcessEnv,
): YamlSource {
  const hint = cmd.expandEnv ? '' : EXPAND_ENV_HINT;
  let yamlText = text;
  if (cmd.expandEnv) {
    try {
      yamlText = expandEnv(text, env);
    } catch (err) {
      if (err instanceof EnvsubstError) throw new AgentConfigError(err.message);
      throw err;
    }
  }
  let source: YamlSource;
  try {
    source = parseYaml(yamlText);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw new AgentConfigError(`${file}: ${err.message}${hint}`);
    throw err;
  }
  const issues = decodeBlockInto(
    source,
    agentConfigBlock,
    config as unknown as Record<string, unknown>,
    source.root,
    '',
    {
      strict: true,
    },
  );
  if (issues.length > 0) throw new AgentConfigError(`${file}: ${formatDecodeIssues(issues)}${hint}`);
  return source;
}

/** Applies the config flags in command-line order (flags win over the file). */
function applyFlags(config: AgentFileConfig, cmd: AgentCommandLine): void {
  for (const o of cmd.occurrences) {
    const current = getPath(config, o.path);
    setPath(config, o.path, parseFlagValue(o.spec, current, o.text));
  }
}

/** The YAML node of scrape config `index` (for its optional blocks and pipeline). */
function scrapeNode(root: ConfigNode | undefined, index: number): ConfigNode | undefined {
  return root?.get('scrape_configs')?.items()[index];
}

/** Decodes an optional block (`syslog:`, `loki_push_api:`) that is only configured when present. */
function decodeOptional<T>(
  node: ConfigNode | undefined,
  key: string,
  spec: BlockSpec,
  file: string,
  path: string,
): T | undefined {
  const entry = node?.get(key);
  if (entry === undefined) return undefined;
  const target = untypedDefault(spec) as Record<string, unknown>;
  const { source, node: raw } = entry.raw();
  const issues = decodeBlockInto(source, spec, target, raw, path, { strict: true });
  if (issues.length > 0) throw new AgentConfigError(`${file}: ${formatDecodeIssues(issues)}`);
  return target as T;
}

function scrapeKind(sc: ScrapeConfig, node: ConfigNode | undefined): ScrapeKind {
  const hasSd = sc.static_configs.length > 0 || sc.file_sd_configs.length > 0 || sc.kubernetes_sd_configs.length > 0;
  if (hasSd) return 'files';
  if (node?.get('syslog') !== undefined) return 'syslog';
  if (node?.get('loki_push_api') !== undefined) return 'push';
  throw new AgentConfigError(`no valid target scrape config defined for "${sc.job_name}"`);
}

function loadScrapeConfigs(
  file: AgentFileConfig,
  source: YamlSource | undefined,
  fileName: string,
): LoadedScrapeConfig[] {
  const root = source ? ConfigNode.of(source, source.root) : undefined;
  const seen = new Set<string>();
  return file.scrape_configs.map((sc, i) => {
    if (sc.job_name === '') throw new AgentConfigError('job_name is empty');
    if (seen.has(sc.job_name)) {
      throw new AgentConfigError(`found multiple scrape configs with job name "${sc.job_name}"`);
    }
    seen.add(sc.job_name);
    const node = scrapeNode(root, i);
    for (const key of UNSUPPORTED_SCRAPE_KEYS) {
      if (node?.get(key) !== undefined) {
        throw new AgentConfigError(`scrape config "${sc.job_name}": ${key} is not supported by the Skald agent`);
      }
    }
    if (sc.decompression.enabled) {
      throw new AgentConfigError(`scrape config "${sc.job_name}": decompression is not supported by the Skald agent`);
    }
    if (sc.encoding !== '' && !isKnownEncoding(sc.encoding)) {
      throw new AgentConfigError(
        `error doing IANA encoding: ianaindex: invalid encoding name ${JSON.stringify(sc.encoding)}`,
      );
    }
    for (const k of sc.kubernetes_sd_configs) {
      if (k.role !== 'pod') {
        throw new AgentConfigError(
          k.role === ''
            ? 'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)'
            : `scrape config "${sc.job_name}": kubernetes_sd_configs role "${k.role}" is not supported by the Skald agent (only pod)`,
        );
      }
      if (k.api_server !== '' && k.kubeconfig_file !== '') {
        throw new AgentConfigError("cannot use 'kubeconfig_file' and 'api_server' simultaneously");
      }
    }
    const relabel = sc.relabel_configs.map((rc, j) => {
      try {
        return compileRelabelRule(rc);
      } catch (err) {
        if (err instanceof RelabelConfigError) {
          throw new AgentConfigError(
            `error validating config: ScrapeConfig[${i}].RelabelConfigs[${j}]: ${err.message}`,
          );
        }
        throw err;
      }
    });
    const kind = scrapeKind(sc, node);
    const syslog =
      kind === 'syslog'
        ? decodeOptional<SyslogConfig>(node, 'syslog', syslogBlock, fileName, `scrape_configs[${i}].syslog`)
        : undefined;
    const push =
      kind === 'push'
        ? decodeOptional<PushApiConfig>(
            node,
            'loki_push_api',
            pushApiBlock,
            fileName,
            `scrape_configs[${i}].loki_push_api`,
          )
        : undefined;
    const stages = node?.get('pipeline_stages');
    return { jobName: sc.job_name, kind, config: sc, syslog, push, relabel, stages };
  });
}

/** Promtail's Config.Setup: the deprecated `client` block joins `clients`, its external labels apply to all. */
function effectiveClients(file: AgentFileConfig, warnings: string[]): ClientConfig[] {
  const clients = file.clients.map((c) => ({ ...c, external_labels: { ...c.external_labels } }));
  if (file.client.url !== '') {
    warnings.push(
      'use of CLI client.* and config file Client block are both deprecated in favour of the config file Clients block and will be removed in a future release',
    );
    clients.push(file.client);
  }
  const shared = file.client.external_labels;
  if (Object.keys(shared).length > 0) {
    for (const c of clients) c.external_labels = { ...shared, ...c.external_labels };
  }
  return clients;
}

/** Reads the configuration for a command line; throws AgentConfigError. */
export function loadAgentConfig(cmd: AgentCommandLine, env: NodeJS.ProcessEnv, options: LoadOptions = {}): AgentConfig {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const exists = options.exists ?? existsSync;
  const file = defaultValue(agentConfigBlock);
  let source: YamlSource | undefined;
  let configFile: string | null = null;
  if (cmd.configFile !== null && cmd.configFile !== '') {
    configFile = chooseFile(cmd.configFile, exists);
    let text: string;
    try {
      text = readFile(configFile);
    } catch (err) {
      throw new AgentConfigError((err as Error).message);
    }
    source = decodeFile(configFile, text, file, cmd, env);
  }
  applyFlags(file, cmd);
  const warnings: string[] = [];
  const scrapeConfigs = loadScrapeConfigs(file, source, configFile ?? '');
  const clients = effectiveClients(file, warnings);
  for (const c of clients) validateClient(c);
  if (file.target_config.stdin)
    throw new AgentConfigError('reading from stdin (-stdin) is not supported by the Skald agent');
  if (file.wal.enabled) {
    warnings.push(
      'wal.enabled is ignored: positions only advance once the server acknowledged the lines, so no write-ahead log is needed',
    );
  }
  return { file, clients, scrapeConfigs, configFile, warnings };
}
