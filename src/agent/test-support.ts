// Shared pieces for the agent's tests: a quiet logger, a stage context, and
// small polling functions. Not used by the agent itself.
import type { LogFields, Logger } from '../util/log.js';
import { FlowControl } from './flow-control.js';
import { AgentMetrics } from './metrics.js';
import type { StageContext } from './pipeline/stage.js';

export interface RecordedLog {
  level: string;
  msg: string;
  fields: LogFields | undefined;
}

/** A logger that records instead of writing. */
export function recordingLogger(records: RecordedLog[] = []): Logger & { records: RecordedLog[] } {
  const make = (base: LogFields): Logger & { records: RecordedLog[] } => ({
    records,
    debug: (msg, fields) => records.push({ level: 'debug', msg, fields: { ...base, ...fields } }),
    info: (msg, fields) => records.push({ level: 'info', msg, fields: { ...base, ...fields } }),
    warn: (msg, fields) => records.push({ level: 'warn', msg, fields: { ...base, ...fields } }),
    error: (msg, fields) => records.push({ level: 'error', msg, fields: { ...base, ...fields } }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return make({});
}

export function testStageContext(overrides: Partial<StageContext> = {}): StageContext {
  return {
    jobName: 'test',
    logger: recordingLogger(),
    metrics: new AgentMetrics(),
    flow: new FlowControl(64 << 20),
    ...overrides,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
