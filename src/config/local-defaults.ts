// The configuration Skald starts from when no config file is given (and neither config.yaml nor
// config/config.yaml exists in the working directory): a single process on a laptop, like Loki's
// loki-local-config.yaml but keeping everything under ./data relative to the working directory.
// It is an ordinary Loki config file, loaded through the same path as any other.

export const LOCAL_DEFAULTS_NAME = '<embedded local defaults>';

export const LOCAL_DEFAULTS_YAML = `auth_enabled: false

server:
  http_listen_port: 3100
  grpc_listen_port: 9095

common:
  instance_addr: 127.0.0.1
  path_prefix: ./data
  storage:
    filesystem:
      chunks_directory: ./data/chunks
      rules_directory: ./data/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory

schema_config:
  configs:
    - from: 2024-01-01
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h
`;
