// `limits_config.readline_rate*`: one rate limit over every line the agent
// ships, applied after the pipelines. Over the limit a line is dropped
// (`readline_rate_drop`, the default) or waits for its turn.
import type { EntrySink } from '../client/manager.js';
import type { FlowControl } from '../flow-control.js';
import type { AgentMetrics } from '../metrics.js';
import type { LogEntry } from '../pipeline/entry.js';
import { DelayQueue } from './delay-queue.js';
import { TokenBucket } from './token-bucket.js';

const DROP_REASON = 'global_rate_limiter_drop';

export class ReadlineLimiter implements EntrySink {
  private readonly bucket: TokenBucket;
  private readonly delays: DelayQueue | undefined;
  private readonly forward = (e: LogEntry) => this.next.handle(e);
  /** Delayed entries are held; dropped ones are not. */
  readonly copiesLines: boolean;

  constructor(
    rate: number,
    burst: number,
    drop: boolean,
    private readonly next: EntrySink,
    private readonly metrics: AgentMetrics,
    flow: FlowControl,
  ) {
    this.bucket = new TokenBucket(rate, burst);
    if (!drop) this.delays = new DelayQueue(this.bucket, flow);
    this.copiesLines = drop && next.copiesLines;
  }

  handle(entry: LogEntry): void {
    if (this.delays !== undefined) {
      this.delays.push(entry, this.forward);
      return;
    }
    if (this.bucket.allow()) this.next.handle(entry);
    else {
      this.metrics.droppedLines.inc({ reason: DROP_REASON });
      entry.ack.done();
    }
  }

  async stop(timeoutMs: number): Promise<void> {
    this.delays?.flush();
    this.delays?.close();
    await this.next.stop(timeoutMs);
  }
}
