// Promtail's configuration file, key by key, with Promtail's defaults, flags
// and the Go type names its YAML decoder reports in errors ("field foo not
// found in type client.raw"). The shared vocabulary (block, str, dur, ...)
// and the strict decoder are the ones Skald's server configuration uses.
//
// Durations load as milliseconds, byte sizes as bytes. `pipeline_stages` is
// kept as raw YAML here and read by the pipeline builder, which knows each
// stage's keys.
import {
  any,
  block,
  bool,
  bytesize,
  csv,
  dur,
  float,
  int,
  list,
  mdur,
  secret,
  str,
  strings,
  strMap,
} from '../../config/schema/dsl.js';
import { serverBlock } from '../../config/schema/server.js';

/** Prometheus' HTTP client settings, inlined in client and service discovery configs. */
function httpClientFields() {
  return {
    basic_auth: block('config.BasicAuth', {
      username: str(''),
      username_file: str(''),
      username_ref: str(''),
      password: secret('', undefined, { go: 'config.Secret' }),
      password_file: str(''),
      password_ref: str(''),
    }),
    authorization: block('config.Authorization', {
      type: str(''),
      credentials: secret('', undefined, { go: 'config.Secret' }),
      credentials_file: str(''),
      credentials_ref: str(''),
    }),
    oauth2: any(),
    bearer_token: secret('', undefined, { go: 'config.Secret' }),
    bearer_token_file: str(''),
    tls_config: promTlsConfig(),
    proxy_url: str(''),
    no_proxy: str(''),
    proxy_from_environment: bool(false),
    proxy_connect_header: any(),
    follow_redirects: bool(true),
    enable_http2: bool(true),
    http_headers: any(),
  };
}

/** Prometheus' `tls_config` (common/config.TLSConfig). */
function promTlsConfig() {
  return block('config.plain', {
    ca: str(''),
    cert: str(''),
    key: secret('', undefined, { go: 'config.Secret' }),
    ca_file: str(''),
    cert_file: str(''),
    key_file: str(''),
    ca_ref: str(''),
    cert_ref: str(''),
    key_ref: str(''),
    server_name: str(''),
    insecure_skip_verify: bool(false),
    min_version: str(''),
    max_version: str(''),
  });
}

/**
 * dskit's server block as Promtail embeds it: Loki's keys with Promtail's
 * defaults (dskit listens on port 80 unless told otherwise) plus Promtail's own.
 */
const promtailServerBlock = block('server.Config', {
  ...serverBlock.fields,
  http_listen_port: int(80, 'server.http-listen-port'),
  external_url: str(''),
  health_check_target: any(),
  disable: bool(false, 'server.disable'),
  profiling_enabled: bool(false, 'server.profiling_enabled'),
  enable_runtime_reload: bool(false, 'server.enable-runtime-reload'),
});

/** The server of a `loki_push_api` receiver: the same keys, no flags (one per scrape config). */
const pushServerBlock = block('server.Config', {
  http_listen_network: str('tcp'),
  http_listen_address: str(''),
  http_listen_port: int(80),
  http_listen_conn_limit: int(0),
  grpc_listen_network: str('tcp'),
  grpc_listen_address: str(''),
  grpc_listen_port: int(9095),
  grpc_listen_conn_limit: int(0),
  register_instrumentation: bool(true),
  graceful_shutdown_timeout: dur('30s'),
  http_server_read_timeout: dur('30s'),
  http_server_read_header_timeout: dur('0s'),
  http_server_write_timeout: dur('30s'),
  http_server_idle_timeout: dur('2m'),
  grpc_server_max_recv_msg_size: int(4194304),
  grpc_server_max_send_msg_size: int(4194304),
  grpc_server_max_concurrent_streams: int(100, undefined, { go: 'uint' }),
  log_format: str('logfmt'),
  log_level: str('info', undefined, { go: 'log.Level' }),
  http_path_prefix: str(''),
  http_tls_config: serverBlock.fields.http_tls_config,
});

/**
 * One `clients` entry. The singular `client` block (deprecated) has the same
 * keys and is configured by the `client.*` flags.
 */
function clientBlock(withFlags: boolean) {
  const flag = (name: string) => (withFlags ? name : undefined);
  return block('client.raw', {
    name: str(''),
    url: str('', flag('client.url')),
    batchwait: dur('1s', flag('client.batch-wait')),
    batchsize: int(1048576, flag('client.batch-size-bytes')),
    ...httpClientFields(),
    headers: strMap(),
    backoff_config: block('backoff.Config', {
      min_period: dur('500ms', flag('client.min-backoff')),
      max_period: dur('5m', flag('client.max-backoff')),
      max_retries: int(10, flag('client.max-retries')),
    }),
    external_labels: strMap(flag('client.external-labels')),
    timeout: dur('10s', flag('client.timeout')),
    tenant_id: str('', flag('client.tenant-id')),
    drop_rate_limited_batches: bool(false, flag('client.drop-rate-limited-batches')),
  });
}

export const relabelBlock = block('relabel.plain', {
  source_labels: strings([]),
  separator: str(';'),
  regex: str('(.*)'),
  modulus: int(0, undefined, { go: 'uint64' }),
  target_label: str(''),
  replacement: str('$1'),
  action: str('replace'),
});

const kubernetesSdBlock = block('kubernetes.plain', {
  api_server: str(''),
  role: str(''),
  kubeconfig_file: str(''),
  ...httpClientFields(),
  namespaces: block('kubernetes.NamespaceDiscovery', {
    own_namespace: bool(false),
    names: strings([]),
  }),
  selectors: list(
    block('kubernetes.SelectorConfig', {
      role: str(''),
      label: str(''),
      field: str(''),
    }),
  ),
  attach_metadata: block('kubernetes.AttachMetadataConfig', {
    node: bool(false),
    namespace: bool(false),
  }),
});

const staticConfigBlock = block('targetgroup.Group', {
  targets: strings([]),
  labels: strMap(),
});

const fileSdBlock = block('file.plain', {
  files: strings([]),
  refresh_interval: mdur('5m'),
});

const syslogBlock = block('scrapeconfig.SyslogTargetConfig', {
  listen_address: str(''),
  listen_protocol: str(''),
  idle_timeout: dur('0s'),
  label_structured_data: bool(false),
  labels: strMap(),
  use_incoming_timestamp: bool(false),
  use_rfc5424_message: bool(false),
  syslog_format: str(''),
  max_message_length: int(0),
  tls_config: promTlsConfig(),
});

const pushApiBlock = block('scrapeconfig.PushTargetConfig', {
  server: pushServerBlock,
  labels: strMap(),
  use_incoming_timestamp: bool(false),
  max_send_msg_size: int(0),
});

/** Receivers and discovery mechanisms Promtail has and this agent does not: accepted, refused at start-up. */
export const UNSUPPORTED_SCRAPE_KEYS = [
  'journal',
  'gcplog',
  'windows_events',
  'kafka',
  'azure_event_hubs',
  'gelf',
  'cloudflare',
  'heroku_drain',
  'docker_sd_configs',
  'dns_sd_configs',
  'consul_sd_configs',
  'consulagent_sd_configs',
  'digitalocean_sd_configs',
  'dockerswarm_sd_configs',
  'serverset_sd_configs',
  'nerve_sd_configs',
  'marathon_sd_configs',
  'gce_sd_configs',
  'ec2_sd_configs',
  'openstack_sd_configs',
  'azure_sd_configs',
  'triton_sd_configs',
] as const;

const unsupportedScrapeFields = Object.fromEntries(UNSUPPORTED_SCRAPE_KEYS.map((k) => [k, any()])) as Record<
  (typeof UNSUPPORTED_SCRAPE_KEYS)[number],
  ReturnType<typeof any>
>;

export const scrapeConfigBlock = block('scrapeconfig.plain', {
  job_name: str(''),
  pipeline_stages: any(),
  syslog: any(),
  loki_push_api: any(),
  relabel_configs: list(relabelBlock),
  static_configs: list(staticConfigBlock),
  file_sd_configs: list(fileSdBlock),
  kubernetes_sd_configs: list(kubernetesSdBlock),
  encoding: str(''),
  decompression: block('scrapeconfig.DecompressionConfig', {
    enabled: bool(false),
    initial_delay: dur('0s'),
    format: str(''),
  }),
  ...unsupportedScrapeFields,
});

/** `syslog` and `loki_push_api` are optional blocks: decoded only when present. */
export { pushApiBlock, syslogBlock };

export const agentConfigBlock = block('main.Config', {
  global: block('config.GlobalConfig', {
    file_watch_config: block('file.WatchConfig', {
      min_poll_frequency: dur('250ms', 'file-watch.min_poll_frequency'),
      max_poll_frequency: dur('250ms', 'file-watch.max_poll_frequency'),
    }),
  }),
  server: promtailServerBlock,
  client: clientBlock(true),
  clients: list(clientBlock(false)),
  positions: block('positions.Config', {
    sync_period: dur('10s', 'positions.sync-period'),
    filename: str('/var/log/positions.yaml', 'positions.file'),
    ignore_invalid_yaml: bool(false, 'positions.ignore-invalid-yaml'),
  }),
  scrape_configs: list(scrapeConfigBlock),
  target_config: block('file.Config', {
    sync_period: dur('10s', 'target.sync-period'),
    stdin: bool(false, 'stdin'),
  }),
  limits_config: block('limit.Config', {
    readline_rate: float(10000, 'limit.readline-rate'),
    readline_burst: int(10000, 'limit.readline-burst'),
    readline_rate_enabled: bool(false, 'limit.readline-rate-enabled'),
    readline_rate_drop: bool(true, 'limit.readline-rate-drop'),
    max_streams: int(0, 'max-streams'),
    max_line_size: bytesize('0', 'max-line-size'),
    max_line_size_truncate: bool(false, 'max-line-size-truncate'),
  }),
  options: block('config.Options', {
    stream_lag_labels: csv([], undefined, { deprecated: true }),
  }),
  tracing: block('tracing.Config', {
    enabled: bool(true, 'tracing.enabled'),
  }),
  wal: block('wal.Config', {
    enabled: bool(false),
    dir: str(''),
    cleanSegmentsOlderThan: dur('1h'),
    watchConfig: block('wal.WatchConfig', {
      minReadFrequency: dur('250ms'),
      maxReadFrequency: dur('1s'),
    }),
  }),
});
