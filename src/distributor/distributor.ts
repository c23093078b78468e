// The distributor: turns a decoded push into validated streams for the
// ingesters, applying Loki's request-level rules (label parsing, service name
// discovery), per-stream and per-entry validation, and its error precedence:
// an ingester error wins over validation errors, which are a 400 listing what
// was dropped while everything valid is stored.
import { Counter, type Registry } from 'prom-client';
import type { IngestStream } from '../ingester/ingester.js';
import type { DiscardMetrics } from '../limits/discarded.js';
import { Reason } from '../limits/discarded.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { Messages } from '../messages.js';
import { type Label, type Labels, labelsToString, sortLabels } from '../util/labels.js';
import { type FieldDetectionLimits, fieldDetectorFor } from './field-detection.js';
import type { PushRequest } from './push-request.js';
import { entrySize, streamSize } from './push-request.js';
import {
  SERVICE_NAME_LABEL,
  type ValidationLimits,
  validateEntries,
  validateLabels,
  validationContext,
} from './validator.js';

export interface DistributorLimits extends ValidationLimits, FieldDetectionLimits {
  discover_service_name: readonly string[];
  ingestion_rate_strategy: string;
  ingestion_rate_mb: number;
  ingestion_burst_size_mb: number;
}

const MB = 1024 * 1024;

/** Where validated streams go: the local ingester, or ingesters over the network. */
export interface IngesterClient {
  push(tenant: string, streams: readonly IngestStream[]): Promise<void>;
}

export class PushError extends Error {
  override name = 'PushError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface DistributorDeps {
  limits: (tenant: string) => DistributorLimits;
  ingester: IngesterClient;
  discarded: DiscardMetrics;
  registry: Registry;
  /** Parses `{a="b"}` into sorted labels; throws with the parser's message. */
  parseLabels: (text: string) => Labels;
  /** How many distributors share the global ingestion rate (the distributor ring); one when absent. */
  healthyDistributors?: () => number;
  /** Sees every validated stream of an accepted request (Loki's tee, e.g. to the pattern detector). */
  tee?: (tenant: string, streams: readonly IngestStream[]) => void;
}

const UNKNOWN_SERVICE = 'unknown_service';
const LABEL_CACHE_SIZE = 10_000;

export class Distributor {
  private readonly bytesReceived: Counter;
  private readonly linesReceived: Counter;
  private readonly metadataBytesReceived: Counter;
  private labelCache = new Map<string, { labels: Labels; key: string } | { error: string }>();
  private readonly rateLimiters = new Map<string, RateLimiter>();

  constructor(private readonly deps: DistributorDeps) {
    const r = [deps.registry];
    this.bytesReceived = new Counter({
      name: 'loki_distributor_bytes_received_total',
      help: 'The total number of uncompressed bytes received per tenant.',
      labelNames: ['tenant'],
      registers: r,
    });
    this.linesReceived = new Counter({
      name: 'loki_distributor_lines_received_total',
      help: 'The total number of lines received per tenant.',
      labelNames: ['tenant'],
      registers: r,
    });
    this.metadataBytesReceived = new Counter({
      name: 'loki_distributor_structured_metadata_bytes_received_total',
      help: 'The total number of structured metadata bytes received per tenant.',
      labelNames: ['tenant'],
      registers: r,
    });
  }

  private parse(text: string): { labels: Labels; key: string } | { error: string } {
    let hit = this.labelCache.get(text);
    if (hit) return hit;
    try {
      const labels = this.deps.parseLabels(text);
      hit = { labels, key: labelsToString(labels) };
    } catch (err) {
      hit = { error: err instanceof Error ? err.message : String(err) };
    }
    if (this.labelCache.size >= LABEL_CACHE_SIZE) this.labelCache = new Map();
    this.labelCache.set(text, hit);
    return hit;
  }

  /**
   * Bytes per second a tenant may ingest through this distributor: with the
   * global strategy the tenant's rate is shared by all healthy distributors.
   */
  private rateLimit(limits: DistributorLimits): number {
    const distributors = this.deps.healthyDistributors?.() ?? 1;
    const rate = limits.ingestion_rate_mb * MB;
    return limits.ingestion_rate_strategy === 'global' ? rate / distributors : rate;
  }

  private allowIngestion(tenant: string, limits: DistributorLimits, nowMs: number, bytes: number): boolean {
    const limit = this.rateLimit(limits);
    const burst = limits.ingestion_burst_size_mb * MB;
    let limiter = this.rateLimiters.get(tenant);
    if (!limiter) {
      limiter = new RateLimiter(limit, burst, nowMs);
      this.rateLimiters.set(tenant, limiter);
    } else limiter.setLimits(limit, burst);
    return limiter.allowN(nowMs, bytes);
  }

  /**
   * Validates and stores a push; resolves when durable, throws PushError for a non-204 answer.
   * `discoverServiceName: false` skips service-name discovery (OTLP pushes did it while converting).
   */
  async push(
    tenant: string,
    req: PushRequest,
    nowMs = Date.now(),
    opts: { discoverServiceName?: boolean } = {},
  ): Promise<void> {
    if (req.streams.length === 0) throw new PushError(422, Messages.missingStreams);
    const limits = this.deps.limits(tenant);

    // Request level (Loki's ParseLokiRequest): unparsable labels fail the whole request.
    const parsed: Array<{ labels: Labels; key: string }> = [];
    for (const s of req.streams) {
      const p = this.parse(s.labels);
      if ('error' in p) {
        this.deps.discarded.add(Reason.InvalidLabels, tenant, s.entries.length, streamSize(s));
        throw new PushError(400, Messages.couldNotParseLabels(p.error));
      }
      parsed.push(opts.discoverServiceName === false ? p : withServiceName(p, limits.discover_service_name));
    }

    const ctx = validationContext(tenant, limits, nowMs, this.deps.discarded);
    const detector = fieldDetectorFor(limits);
    const streams: IngestStream[] = [];
    let lines = 0;
    let bytes = 0;
    let metadataBytes = 0;
    let detectedBytes = 0;
    req.streams.forEach((s, i) => {
      if (s.entries.length === 0) return;
      const { labels, key } = parsed[i]!;
      if (!validateLabels(ctx, labels, key, s.entries)) return;
      const entries = validateEntries(ctx, key, s.entries);
      if (entries.length === 0) return;
      for (const e of entries) {
        const size = entrySize(e);
        bytes += size;
        metadataBytes += size - e.line.length;
      }
      // As in Loki, fields are detected after validation (they do not count toward the structured
      // metadata limits) and are not bytes received, but they do count toward the ingestion rate.
      if (detector) detectedBytes += detector.detect(labels, entries);
      lines += entries.length;
      streams.push({ labels, key, entries });
    });
    if (lines > 0) {
      this.bytesReceived.inc({ tenant }, bytes);
      this.linesReceived.inc({ tenant }, lines);
      if (metadataBytes > 0) this.metadataBytesReceived.inc({ tenant }, metadataBytes);
    }
    const validationError = ctx.errors.empty ? null : new PushError(400, ctx.errors.toString());
    if (streams.length === 0) {
      if (validationError) throw validationError;
      return;
    }
    // The tenant's ingestion rate applies to the whole request, valid entries only (as Loki).
    const validatedBytes = bytes + detectedBytes;
    if (!this.allowIngestion(tenant, limits, nowMs, validatedBytes)) {
      for (const st of streams) {
        let b = 0;
        for (const e of st.entries) b += entrySize(e);
        this.deps.discarded.add(Reason.RateLimited, tenant, st.entries.length, b);
      }
      throw new PushError(429, Messages.rateLimited(tenant, Math.trunc(this.rateLimit(limits)), lines, validatedBytes));
    }
    this.deps.tee?.(tenant, streams);
    try {
      await this.deps.ingester.push(tenant, streams);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (typeof status === 'number') throw new PushError(status, (err as Error).message);
      throw err;
    }
    if (validationError) throw validationError;
  }
}

/**
 * Loki 3's service name discovery: a stream without `service_name` gets one
 * from the first configured label it has, else `unknown_service`.
 */
function withServiceName(
  p: { labels: Labels; key: string },
  discover: readonly string[],
): { labels: Labels; key: string } {
  if (discover.length === 0 || p.labels.some((l) => l.name === SERVICE_NAME_LABEL)) return p;
  let service = UNKNOWN_SERVICE;
  for (const name of discover) {
    const v = p.labels.find((l) => l.name === name)?.value;
    if (v) {
      service = v;
      break;
    }
  }
  const labels: Label[] = sortLabels([...p.labels, { name: SERVICE_NAME_LABEL, value: service }]);
  return { labels, key: labelsToString(labels) };
}
