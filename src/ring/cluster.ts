// How a Skald process takes part in a cluster: the ingester ring in its
// key-value store, this process's ingester in the ring (lifecycler and gRPC
// service), and the paths from its distributor and querier to ingesters.
//
// With `kvstore.store: memberlist` the processes of a deployment (targets
// write, read, backend, or several `all`) gossip the ring and call each
// other's ingesters over gRPC, the ingester of the process itself directly.
// With any other store, Skald runs as one process (Loki's `inmemory`): the
// ring only describes the local ingester (/ring, metrics), and the
// distributor and querier call that ingester in process, as before.
import { networkInterfaces } from 'node:os';
import type { Registry } from 'prom-client';
import type { SkaldConfig } from '../config/index.js';
import type { IngesterClient } from '../distributor/distributor.js';
import type { Ingester } from '../ingester/ingester.js';
import { IngesterClientPool } from '../ingester/remote/client.js';
import { RingPusher } from '../ingester/remote/ring-pusher.js';
import { IngesterService } from '../ingester/remote/server.js';
import { RingIngesterReader } from '../querier/remote/ingester-querier.js';
import { RingTailSource } from '../querier/remote/tail.js';
import type { IngesterReader } from '../querier/sources.js';
import type { TailSource } from '../querier/tail.js';
import { clientOptions, GrpcServer, serverOptions } from '../server/grpc/server.js';
import type { Router } from '../server/router.js';
import type { Logger } from '../util/log.js';
import { firstAddressOf, instanceAddr, joinHostPort } from './addr.js';
import { registerMemberlistPage, registerRingPage } from './http.js';
import { InMemoryKV, type RingKV } from './kv.js';
import { Lifecycler } from './lifecycler.js';
import { MemberlistKV } from './memberlist.js';
import { isHeartbeatHealthy, Ring } from './ring.js';

/** Loki's key of the ingester ring (under the store's prefix). */
export const INGESTER_RING_KEY = 'ring';
/** Loki's key of the distributor ring, where distributors count each other for the global rate strategy. */
export const DISTRIBUTOR_RING_KEY = 'distributor';

/** Whether processes find each other: the ingester ring is gossiped. */
export function isDistributed(cfg: SkaldConfig): boolean {
  return cfg.ingester.lifecycler.ring.kvstore.store === 'memberlist';
}

function privateAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function memberlistKV(cfg: SkaldConfig, registry: Registry, logger: Logger): MemberlistKV {
  const ml = cfg.memberlist;
  const grpc = clientOptions(cfg.ingester_client.grpc_client_config);
  return new MemberlistKV(
    {
      nodeName: ml.node_name,
      randomizeNodeName: ml.randomize_node_name,
      bindAddr: ml.bind_addr[0] ?? '',
      bindPort: ml.bind_port,
      advertiseAddr: ml.advertise_addr,
      advertisePort: ml.advertise_port,
      defaultAdvertiseAddr: privateAddress(),
      joinMembers: ml.join_members,
      clusterLabel: ml.cluster_label,
      clusterLabelVerificationDisabled: ml.cluster_label_verification_disabled,
      gossipIntervalMs: ml.gossip_interval,
      gossipNodes: ml.gossip_nodes,
      pushPullIntervalMs: ml.pull_push_interval,
      retransmitFactor: ml.retransmit_factor,
      streamTimeoutMs: ml.stream_timeout,
      gossipToDeadNodesTimeMs: ml.gossip_to_dead_nodes_time,
      leftIngestersTimeoutMs: ml.left_ingesters_timeout,
      leaveTimeoutMs: ml.leave_timeout,
      broadcastTimeoutOnShutdownMs: ml.broadcast_timeout_for_local_updates_on_shutdown,
      minJoinBackoffMs: ml.min_join_backoff,
      maxJoinBackoffMs: ml.max_join_backoff,
      maxJoinRetries: ml.max_join_retries,
      abortIfJoinFails: ml.abort_if_cluster_join_fails,
      rejoinIntervalMs: ml.rejoin_interval,
      rejoinSeedNodes: ml.rejoin_seed_nodes,
      channelOptions: {
        'grpc.max_receive_message_length': grpc['grpc.max_receive_message_length'],
        'grpc.max_send_message_length': grpc['grpc.max_send_message_length'],
        // Gossip peers come and go: retry a broken connection soon.
        'grpc.initial_reconnect_backoff_ms': 200,
        'grpc.max_reconnect_backoff_ms': 2000,
      },
    },
    registry,
    logger,
  );
}

/**
 * The host a ring entry advertises: the configured address, else the first
 * address of the configured interfaces; when neither resolves and the
 * address need not be reachable from elsewhere, the loopback address.
 */
function ringHost(addr: string, interfaces: readonly string[], inet6: boolean, required: boolean): string {
  try {
    return instanceAddr(addr, interfaces, inet6);
  } catch (err) {
    if (required) throw err;
    return firstAddressOf(['lo', 'lo0'], false) ?? '127.0.0.1';
  }
}

export interface ClusterOptions {
  config: SkaldConfig;
  modules: ReadonlySet<string>;
  registry: Registry;
  router: Router;
  /** This process's ingester, started (its WAL replayed) before it joins the ring. */
  ingester?: Ingester;
  logger: Logger;
}

export class Cluster {
  private grpc: GrpcServer | null = null;
  private service: IngesterService | null = null;
  private lifecycler: Lifecycler | null = null;
  private distributorLifecycler: Lifecycler | null = null;
  private stopped = false;

  private constructor(
    private readonly opts: ClusterOptions,
    readonly distributed: boolean,
    readonly kv: RingKV,
    readonly memberlist: MemberlistKV | null,
    readonly ring: Ring,
    readonly pool: IngesterClientPool,
  ) {}

  /** Joins the cluster (when distributed) and registers this process's ingester in the ring. */
  static async start(opts: ClusterOptions): Promise<Cluster> {
    const cfg = opts.config;
    const lc = cfg.ingester.lifecycler;
    const distributed = isDistributed(cfg);
    const memberlist = distributed
      ? memberlistKV(cfg, opts.registry, opts.logger.child({ component: 'memberlist' }))
      : null;
    if (memberlist) await memberlist.start();
    const kv: RingKV = memberlist ?? new InMemoryKV();
    const key = `${lc.ring.kvstore.prefix}${INGESTER_RING_KEY}`;
    const ring = new Ring(
      kv,
      key,
      {
        replicationFactor: lc.ring.replication_factor,
        heartbeatTimeoutMs: lc.ring.heartbeat_timeout,
        name: 'ingester',
      },
      opts.registry,
    );
    ring.start();
    const ringAddrs = () => new Set([...(ring.snapshot.desc.ingesters.values() ?? [])].map((i) => i.addr));
    const pool = new IngesterClientPool(
      clientOptions(cfg.ingester_client.grpc_client_config),
      cfg.ingester_client.pool_config.client_cleanup_period,
      ringAddrs,
    );
    const cluster = new Cluster(opts, distributed, kv, memberlist, ring, pool);
    try {
      if (opts.ingester) await cluster.registerIngester(opts.ingester, key);
      if (distributed && opts.modules.has('distributor')) await cluster.registerDistributor();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    registerRingPage(opts.router, '/ring', { kv, ringKey: key, heartbeatTimeoutMs: lc.ring.heartbeat_timeout });
    if (cluster.distributorLifecycler) {
      const dr = cfg.distributor.ring;
      registerRingPage(opts.router, '/distributor/ring', {
        kv,
        ringKey: `${dr.kvstore.prefix}${DISTRIBUTOR_RING_KEY}`,
        heartbeatTimeoutMs: dr.heartbeat_timeout,
      });
    }
    if (memberlist) registerMemberlistPage(opts.router, memberlist);
    return cluster;
  }

  private async registerIngester(ingester: Ingester, key: string): Promise<void> {
    const cfg = this.opts.config;
    const lc = cfg.ingester.lifecycler;
    let port = lc.port;
    if (this.distributed) {
      const s = cfg.server;
      const maxSend = Math.min(
        s.grpc_server_max_send_msg_size,
        cfg.ingester_client.grpc_client_config.max_recv_msg_size,
      );
      this.service = new IngesterService(ingester, {
        batchBytes: Math.max(64 << 10, Math.floor(maxSend / 2)),
        logger: this.opts.logger,
      });
      this.grpc = new GrpcServer(s.grpc_listen_address, s.grpc_listen_port, serverOptions(s), this.opts.logger);
      this.grpc.addService(this.service.definition, this.service.implementation());
      const bound = await this.grpc.listen();
      if (port === 0) port = bound;
    } else if (port === 0) {
      port = cfg.server.grpc_listen_port;
    }
    // One process needs no reachable address; a cluster does.
    const host = ringHost(lc.address, lc.interface_names, lc.enable_inet6, this.distributed);
    this.lifecycler = new Lifecycler(
      {
        id: lc.id,
        addr: joinHostPort(host, port),
        zone: lc.availability_zone,
        ringKey: key,
        numTokens: lc.num_tokens,
        heartbeatPeriodMs: lc.heartbeat_period,
        heartbeatTimeoutMs: lc.ring.heartbeat_timeout,
        joinAfterMs: lc.join_after,
        minReadyDurationMs: lc.min_ready_duration,
        readinessCheckRingHealth: lc.readiness_check_ring_health,
        unregisterOnShutdown: lc.unregister_on_shutdown,
        tokensFilePath: lc.tokens_file_path,
      },
      this.kv,
      this.opts.logger.child({ component: 'lifecycler' }),
    );
    await this.lifecycler.start();
  }

  /**
   * Joins the distributor ring, as Loki's distributors do, so that each one
   * knows how many share the tenants' global ingestion rate. One token, no
   * tokens file: the ring is only counted, never used to route.
   */
  private async registerDistributor(): Promise<void> {
    const dr = this.opts.config.distributor.ring;
    const port = dr.instance_port || this.opts.config.server.grpc_listen_port;
    // Nobody connects to a distributor through its ring entry: any address will do.
    const host = ringHost(dr.instance_addr, dr.instance_interface_names, dr.instance_enable_ipv6, false);
    this.distributorLifecycler = new Lifecycler(
      {
        id: dr.instance_id,
        addr: joinHostPort(host, port),
        zone: '',
        ringKey: `${dr.kvstore.prefix}${DISTRIBUTOR_RING_KEY}`,
        numTokens: 1,
        heartbeatPeriodMs: dr.heartbeat_period,
        heartbeatTimeoutMs: dr.heartbeat_timeout,
        joinAfterMs: 0,
        minReadyDurationMs: 0,
        readinessCheckRingHealth: false,
        unregisterOnShutdown: true,
        tokensFilePath: '',
      },
      this.kv,
      this.opts.logger.child({ component: 'distributor-lifecycler' }),
    );
    await this.distributorLifecycler.start();
    await this.distributorLifecycler.autoJoin();
  }

  /**
   * How many distributors share a tenant's global ingestion rate: the healthy
   * ACTIVE members of the distributor ring, at least one (this process).
   */
  healthyDistributors(nowMs = Date.now()): number {
    if (!this.distributorLifecycler) return 1;
    const dr = this.opts.config.distributor.ring;
    const desc = this.kv.get(`${dr.kvstore.prefix}${DISTRIBUTOR_RING_KEY}`);
    let n = 0;
    for (const d of desc?.ingesters.values() ?? []) {
      if (d.state === 'ACTIVE' && isHeartbeatHealthy(d, dr.heartbeat_timeout, nowMs)) n++;
    }
    return Math.max(1, n);
  }

  /** Where the distributor sends streams. */
  ingesterClient(): IngesterClient | undefined {
    const local = this.opts.ingester;
    if (!this.distributed) return local;
    const cfg = this.opts.config;
    return new RingPusher({
      ring: this.ring,
      pool: this.pool,
      local: local && this.lifecycler ? { id: this.lifecycler.id, ingester: local } : undefined,
      timeoutMs: cfg.ingester_client.remote_timeout,
      maxRequestBytes: Math.floor((cfg.server.grpc_server_max_recv_msg_size * 3) / 4),
    });
  }

  /** The ingesters the querier reads. */
  ingesterReader(): IngesterReader | undefined {
    const local = this.opts.ingester;
    if (!this.distributed) return local;
    const cfg = this.opts.config;
    return new RingIngesterReader({
      ring: this.ring,
      pool: this.pool,
      local: local && this.lifecycler ? { id: this.lifecycler.id, reader: local } : undefined,
      timeoutMs: Math.max(cfg.limits_config.query_timeout, cfg.ingester_client.remote_timeout),
      queryIngestersWithinMs: cfg.querier.query_ingesters_within,
    });
  }

  /** Where live tails get their entries. */
  tailSource(): TailSource | undefined {
    const local = this.opts.ingester;
    if (!this.distributed) return local?.tails;
    return new RingTailSource({
      ring: this.ring,
      pool: this.pool,
      local: local && this.lifecycler ? { id: this.lifecycler.id, source: local.tails } : undefined,
      logger: this.opts.logger.child({ component: 'tail' }),
    });
  }

  /** Readiness of this process's ingester in the ring (clusters only; one process is ready as before). */
  notReadyReason(): string | null {
    if (!this.distributed || !this.lifecycler) return null;
    const reason = this.lifecycler.notReadyReason();
    return reason ? `Ingester not ready: ${reason}` : null;
  }

  /** First step of a shutdown: the ingester turns LEAVING, so writes go elsewhere while it flushes. */
  async leaving(): Promise<void> {
    await this.lifecycler?.leaving().catch((err) => this.opts.logger.warn('failed to set LEAVING', { err }));
  }

  /**
   * `/ingester/shutdown`: LEAVING, flush (when asked), stop the ingester and
   * leave the ring; the process keeps serving its other components.
   */
  async shutdownIngester(flush: boolean): Promise<void> {
    const ingester = this.opts.ingester;
    if (!ingester) return;
    await this.leaving();
    if (flush) await ingester.stop();
    this.service?.closeTails();
    await this.lifecycler?.stop();
  }

  /** Last step of a shutdown, after the ingester flushed: leave the ring and the gossip, stop serving gRPC. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.service?.closeTails();
    try {
      await this.lifecycler?.stop();
    } catch (err) {
      this.opts.logger.warn('failed to leave the ring', { err });
    }
    try {
      await this.distributorLifecycler?.stop();
    } catch (err) {
      this.opts.logger.warn('failed to leave the distributor ring', { err });
    }
    await this.memberlist?.stop();
    this.ring.stop();
    this.pool.close();
    await this.grpc?.stop(Math.min(this.opts.config.server.graceful_shutdown_timeout, 5000));
  }
}
