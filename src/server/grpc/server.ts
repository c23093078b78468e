// The gRPC server of a Skald process (server.grpc_listen_address/port), on
// which other Skald processes reach its ingester; and the error conventions
// of Skald's gRPC services: an HTTP status travels in trailing metadata so
// that a distributor answers a push with the status its ingester chose, as
// Loki's httpgrpc errors do.
import {
  type ChannelOptions,
  credentials,
  Server as GrpcJsServer,
  Metadata,
  ServerCredentials,
  type ServerErrorResponse,
  type ServiceDefinition,
  type ServiceError,
  type status as Status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { SkaldConfig } from '../../config/index.js';
import type { Logger } from '../../util/log.js';

export { credentials };

const HTTP_STATUS_KEY = 'skald-http-status';

/** Durations Go treats as "forever" exceed what Node timers take; those options are left unset. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function durationOption(ms: number): number | undefined {
  return ms > 0 && ms < MAX_TIMER_MS ? ms : undefined;
}

/** grpc-js server options from Loki's `server` block. */
export function serverOptions(cfg: SkaldConfig['server']): ChannelOptions {
  const opts: ChannelOptions = {
    'grpc.max_receive_message_length': cfg.grpc_server_max_recv_msg_size,
    'grpc.max_send_message_length': cfg.grpc_server_max_send_msg_size,
    'grpc.max_concurrent_streams': cfg.grpc_server_max_concurrent_streams,
  };
  const optional: Array<[keyof ChannelOptions, number]> = [
    ['grpc.max_connection_idle_ms', cfg.grpc_server_max_connection_idle],
    ['grpc.max_connection_age_ms', cfg.grpc_server_max_connection_age],
    ['grpc.max_connection_age_grace_ms', cfg.grpc_server_max_connection_age_grace],
    ['grpc.keepalive_time_ms', cfg.grpc_server_keepalive_time],
    ['grpc.keepalive_timeout_ms', cfg.grpc_server_keepalive_timeout],
  ];
  for (const [key, ms] of optional) {
    const v = durationOption(ms);
    if (v !== undefined) opts[key] = v;
  }
  return opts;
}

/** grpc-js client options from a Loki `grpc_client_config` block. */
export function clientOptions(cfg: SkaldConfig['ingester_client']['grpc_client_config']): ChannelOptions {
  const opts: ChannelOptions = {
    'grpc.max_receive_message_length': cfg.max_recv_msg_size,
    'grpc.max_send_message_length': cfg.max_send_msg_size,
  };
  const base = durationOption(cfg.connect_backoff_base_delay);
  const max = durationOption(cfg.connect_backoff_max_delay);
  if (base !== undefined) opts['grpc.initial_reconnect_backoff_ms'] = base;
  if (max !== undefined) opts['grpc.max_reconnect_backoff_ms'] = max;
  return opts;
}

export class GrpcServer {
  private readonly server: GrpcJsServer;
  private port = 0;

  constructor(
    private readonly address: string,
    private readonly requestedPort: number,
    options: ChannelOptions,
    private readonly logger: Logger,
  ) {
    this.server = new GrpcJsServer(options);
  }

  addService(def: ServiceDefinition, impl: UntypedServiceImplementation): void {
    this.server.addService(def, impl);
  }

  get listenPort(): number {
    return this.port;
  }

  /** Binds and serves; resolves with the bound port (a requested port of 0 picks a free one). */
  listen(): Promise<number> {
    const host = this.address === '' ? '0.0.0.0' : this.address;
    const target = host.includes(':') ? `[${host}]:${this.requestedPort}` : `${host}:${this.requestedPort}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(target, ServerCredentials.createInsecure(), (err, port) => {
        if (err) {
          reject(new Error(`gRPC server: cannot listen on ${target}: ${err.message}`));
          return;
        }
        this.port = port;
        this.logger.info('gRPC server listening', { address: target.replace(/:\d+$/, `:${port}`) });
        resolve(port);
      });
    });
  }

  /** Stops accepting calls and waits up to `graceMs` for running ones, then cuts them off. */
  stop(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      force.unref();
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

/** An error for a handler to return: a gRPC status, and an HTTP status for the caller's answer when given. */
export function grpcError(code: Status, message: string, httpStatus?: number): ServerErrorResponse {
  const metadata = new Metadata();
  if (httpStatus !== undefined) metadata.set(HTTP_STATUS_KEY, String(httpStatus));
  return Object.assign(new Error(message), { code, details: message, metadata });
}

/** An error raised by a call to another Skald process, with the HTTP status to answer with. */
export class RemoteCallError extends Error {
  override name = 'RemoteCallError';
  constructor(
    readonly status: number,
    message: string,
    readonly code: Status,
  ) {
    super(message);
  }
}

/** Go's names of gRPC codes, so that transport errors read as Loki's do. */
const CODE_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'Canceled',
  2: 'Unknown',
  3: 'InvalidArgument',
  4: 'DeadlineExceeded',
  5: 'NotFound',
  6: 'AlreadyExists',
  7: 'PermissionDenied',
  8: 'ResourceExhausted',
  9: 'FailedPrecondition',
  10: 'Aborted',
  11: 'OutOfRange',
  12: 'Unimplemented',
  13: 'Internal',
  14: 'Unavailable',
  15: 'DataLoss',
  16: 'Unauthenticated',
};

/** Turns a failed call into a RemoteCallError: the remote's HTTP status and message, else a 500 like Loki's. */
export function fromServiceError(err: ServiceError, peer: string): RemoteCallError {
  const http = err.metadata?.get(HTTP_STATUS_KEY)[0];
  if (http !== undefined) return new RemoteCallError(Number(http), err.details, err.code);
  const name = CODE_NAMES[err.code] ?? `Code(${err.code})`;
  return new RemoteCallError(500, `rpc error: code = ${name} desc = ${err.details || err.message} (${peer})`, err.code);
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'details' in err;
}
