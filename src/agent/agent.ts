// The agent: scrape configs feeding pipelines feeding clients.
//
// Start-up builds every pipeline and client first (configuration mistakes
// stop start-up), then opens the positions file, starts discovery, the
// receivers and the HTTP server. Shutdown runs the other way: no new lines
// are read, buffered entries are flushed through the pipelines to the
// clients, the clients deliver what they can within the shutdown timeout,
// and the positions file is written with what was delivered.
//
// Parts a configuration may not use (dry runs, file and Kubernetes
// discovery, the syslog and push receivers) are loaded only when it does:
// the push receiver alone brings a protobuf library and the LogQL parser,
// memory an agent that only tails files should not carry.
import { hostname as osHostname } from 'node:os';
import type { Logger } from '../util/log.js';
import type { DryRunPrinter } from './client/dry-run.js';
import { ClientManager, type EntrySink } from './client/manager.js';
import { renderAgentConfig, renderClientConfig } from './config/render.js';
import type { AgentConfig, LoadedScrapeConfig } from './config/types.js';
import { DiscoveryManager } from './discovery/manager.js';
import { StaticDiscoverer } from './discovery/static.js';
import type { Discoverer } from './discovery/target-group.js';
import { FlowControl } from './flow-control.js';
import { ReadlineLimiter } from './limits/readline-limiter.js';
import { AgentMetrics } from './metrics.js';
import { buildPipeline } from './pipeline/build.js';
import type { LogEntry } from './pipeline/entry.js';
import type { Pipeline } from './pipeline/pipeline.js';
import type { Emit, StageContext } from './pipeline/stage.js';
import { AgentServer } from './server/agent-server.js';
import { DirWatcher } from './targets/file/dir-watcher.js';
import { FileJob } from './targets/file/file-job.js';
import { Positions } from './targets/file/positions.js';
import type { PushTarget } from './targets/push/push-target.js';
import type { SyslogTarget } from './targets/syslog/syslog-target.js';

/** Lines without a configured max_line_size are still cut at this length when read. */
const UNLIMITED_LINE_BYTES = 16 << 20;
/** Room above max_line_size for what stages strip (CRI and Docker prefixes) before the client's check. */
const LINE_SLACK_BYTES = 64 << 10;

export interface AgentOptions {
  readonly config: AgentConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly dryRun?: boolean;
  /** Where dry runs print entries. */
  readonly stdout?: (text: string) => void;
  readonly userAgent: string;
  /** The host name targets are matched against (`__host__`, the pod field selector); $HOSTNAME or the OS's. */
  readonly hostname?: string;
  /** Delay between discovery updates (Prometheus: 5s). */
  readonly discoveryUpdateDelayMs?: number;
  /** How long shutdown waits for the clients to deliver. */
  readonly shutdownTimeoutMs?: number;
  /** Start the HTTP server (default: unless `server.disable`). */
  readonly serveHttp?: boolean;
}

interface Job {
  readonly config: LoadedScrapeConfig;
  readonly pipeline: Pipeline;
  readonly input: (entry: LogEntry) => void;
  files?: FileJob;
  discovery?: DiscoveryManager;
  syslog?: SyslogTarget;
  push?: PushTarget;
}

export class Agent {
  readonly metrics = new AgentMetrics();
  readonly flow: FlowControl;
  private readonly jobs: Job[] = [];
  private readonly sink: EntrySink;
  private readonly deliver: Emit;
  private positions: Positions | undefined;
  private server: AgentServer | undefined;
  private readonly dirWatcher: DirWatcher;
  private readonly hostname: string;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly o: AgentOptions,
    printerClass: typeof DryRunPrinter | undefined,
  ) {
    const cfg = o.config;
    const limits = cfg.file.limits_config;
    const batchBytes = Math.max(0, ...cfg.clients.map((c) => c.batchsize));
    // Three full batches per client (one being sent, one waiting, one filling) keep the senders busy;
    // buffering more only costs memory.
    this.flow = new FlowControl(Math.max(1, cfg.clients.length) * Math.max(1 << 20, 3 * batchBytes));
    this.hostname = o.hostname ?? (o.env.HOSTNAME || osHostname());
    this.dirWatcher = new DirWatcher(o.logger.child({ component: 'file_watcher' }));
    let sink: EntrySink;
    if (printerClass !== undefined) {
      // Promtail checks the clients in dry runs too.
      new ClientManager(this.clientOptions()).stop(0).catch(() => {});
      const printer = new printerClass(o.stdout ?? ((t) => process.stdout.write(t)));
      printer.announce(cfg.clients.map(renderClientConfig));
      sink = printer;
    } else {
      sink = new ClientManager(this.clientOptions());
    }
    if (limits.readline_rate_enabled) {
      sink = new ReadlineLimiter(
        limits.readline_rate,
        limits.readline_burst,
        limits.readline_rate_drop,
        sink,
        this.metrics,
        this.flow,
      );
    }
    this.sink = sink;
    this.deliver = (e) => sink.handle(e);
  }

  private clientOptions() {
    const limits = this.o.config.file.limits_config;
    return {
      clients: this.o.config.clients,
      maxStreams: limits.max_streams,
      maxLineSize: limits.max_line_size,
      maxLineSizeTruncate: limits.max_line_size_truncate,
      metrics: this.metrics,
      flow: this.flow,
      logger: this.o.logger,
      userAgent: this.o.userAgent,
    };
  }

  private async buildJob(sc: LoadedScrapeConfig): Promise<Job> {
    const ctx: StageContext = {
      jobName: sc.jobName,
      logger: this.o.logger.child({ component: 'pipeline', job: sc.jobName }),
      metrics: this.metrics,
      flow: this.flow,
    };
    const pipeline = await buildPipeline(sc.stages, ctx);
    const deliver = this.deliver;
    const input = pipeline.size === 0 ? deliver : (entry: LogEntry) => pipeline.process(entry, deliver);
    return { config: sc, pipeline, input };
  }

  /** Builds everything, then starts reading. Throws on configuration errors. */
  static async start(o: AgentOptions): Promise<Agent> {
    const printer = o.dryRun ? (await import('./client/dry-run.js')).DryRunPrinter : undefined;
    const agent = new Agent(o, printer);
    try {
      await agent.run();
    } catch (err) {
      await agent.stop().catch(() => {});
      throw err;
    }
    return agent;
  }

  private get maxLineBytes(): number {
    const max = this.o.config.file.limits_config.max_line_size;
    return max > 0 ? max + LINE_SLACK_BYTES : UNLIMITED_LINE_BYTES;
  }

  private async run(): Promise<void> {
    const cfg = this.o.config.file;
    // Every pipeline first: a stage configuration mistake stops start-up before anything is read.
    for (const sc of this.o.config.scrapeConfigs) this.jobs.push(await this.buildJob(sc));
    const needsPositions = this.jobs.some((j) => j.config.kind === 'files');
    if (needsPositions) {
      this.positions = await Positions.open(
        {
          filename: cfg.positions.filename,
          syncPeriodMs: cfg.positions.sync_period,
          ignoreInvalidYaml: cfg.positions.ignore_invalid_yaml,
          readOnly: this.o.dryRun === true,
        },
        this.o.logger.child({ component: 'positions' }),
      );
      this.positions.start();
    }
    for (const job of this.jobs) {
      const sc = job.config;
      const logger = this.o.logger.child({ job: sc.jobName });
      if (sc.kind === 'files') {
        const files = new FileJob({
          jobName: sc.jobName,
          relabel: sc.relabel,
          hostname: this.hostname,
          handle: job.input,
          positions: this.positions!,
          metrics: this.metrics,
          flow: this.flow,
          logger: logger.child({ component: 'file_target' }),
          dirWatcher: this.dirWatcher,
          syncPeriodMs: cfg.target_config.sync_period,
          pollMinMs: cfg.global.file_watch_config.min_poll_frequency,
          pollMaxMs: cfg.global.file_watch_config.max_poll_frequency,
          maxLineBytes: this.maxLineBytes,
          encoding: sc.config.encoding || undefined,
          // Without stages, lines go straight to the clients, which copy them into their batches.
          linesCopied: job.pipeline.size === 0 && this.sink.copiesLines,
          handleLine: job.pipeline.size === 0 ? this.sink.handleLine?.bind(this.sink) : undefined,
        });
        job.files = files;
        const discoverers: Discoverer[] = [];
        if (sc.config.static_configs.length > 0) discoverers.push(new StaticDiscoverer(sc.config.static_configs));
        if (sc.config.file_sd_configs.length > 0) {
          const { FileSdDiscoverer } = await import('./discovery/file-sd.js');
          for (const f of sc.config.file_sd_configs)
            discoverers.push(new FileSdDiscoverer(f, logger.child({ component: 'file_sd' })));
        }
        if (sc.config.kubernetes_sd_configs.length > 0) {
          const { KubernetesDiscoverer } = await import('./discovery/kubernetes/index.js');
          for (const k of sc.config.kubernetes_sd_configs) {
            discoverers.push(
              new KubernetesDiscoverer(k, {
                hostname: this.hostname,
                env: this.o.env,
                logger: logger.child({ component: 'kubernetes_sd' }),
              }),
            );
          }
        }
        job.discovery = new DiscoveryManager(
          discoverers,
          (groups) => void files.sync(groups),
          logger,
          this.o.discoveryUpdateDelayMs ?? 5000,
        );
        job.discovery.start();
      } else if (sc.kind === 'syslog') {
        const { SyslogTarget } = await import('./targets/syslog/syslog-target.js');
        job.syslog = new SyslogTarget({
          jobName: sc.jobName,
          config: sc.syslog!,
          relabel: sc.relabel,
          handle: job.input,
          metrics: this.metrics,
          logger: logger.child({ component: 'syslog_target' }),
        });
        await job.syslog.start();
      } else {
        const { PushTarget } = await import('./targets/push/push-target.js');
        job.push = new PushTarget({
          jobName: sc.jobName,
          config: sc.push!,
          relabel: sc.relabel,
          handle: job.input,
          logger: logger.child({ component: 'push_target' }),
        });
        await job.push.start();
      }
    }
    const serve = this.o.serveHttp ?? !cfg.server.disable;
    if (serve) {
      this.server = new AgentServer({
        address: cfg.server.http_listen_address,
        port: cfg.server.http_listen_port,
        pathPrefix: cfg.server.http_path_prefix,
        healthCheckTarget: cfg.server.health_check_target !== false,
        metrics: this.metrics,
        ready: () => this.ready,
        configYaml: () => renderAgentConfig(cfg),
        targets: () => this.targets(),
        logger: this.o.logger.child({ component: 'server' }),
      });
      await this.server.start();
    }
  }

  /** Ready when some job is reading (a tailed file, a listening receiver). */
  get ready(): boolean {
    return this.jobs.some((j) => j.files?.ready || j.syslog?.ready || j.push !== undefined);
  }

  get httpAddress(): { port: number; address: string } | undefined {
    return this.server?.address;
  }

  /** The port of a job's receiver (syslog or loki_push_api). */
  receiverPort(jobName: string): number | undefined {
    const job = this.jobs.find((j) => j.config.jobName === jobName);
    return job?.syslog?.address?.port ?? job?.push?.address?.port;
  }

  /** Active and dropped targets per job. */
  targets(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const j of this.jobs) {
      if (!j.files) continue;
      out[j.config.jobName] = {
        active: j.files.activeTargets().map((t) => ({
          path: t.path,
          labels: t.labels.toRecord(),
          ready: t.ready,
          files: t.details(),
        })),
        dropped: j.files.droppedTargets(),
      };
    }
    return out;
  }

  /** Stops reading, delivers what is buffered (within the shutdown timeout) and saves positions. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.discovery?.stop()));
    this.flow.wakeAll();
    await Promise.all(
      this.jobs.map(async (j) => {
        await j.files?.stop();
        await j.syslog?.stop();
        await j.push?.stop();
      }),
    );
    this.dirWatcher.closeAll();
    for (const j of this.jobs) j.pipeline.flush(this.deliver);
    await this.sink.stop(this.o.shutdownTimeoutMs ?? 30_000);
    for (const j of this.jobs) j.pipeline.close();
    await this.positions?.stop();
    await this.server?.stop();
  }
}
