import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { formatRFC3339Nano, parseRFC3339Nano } from '../../util/time.js';
import { LabelSet } from '../labels/label-set.js';
import { testStageContext } from '../test-support.js';
import { pipelineFromYaml } from './build.js';
import { fromNanos, toNanos, wallClock } from './clock.js';
import { LogEntry } from './entry.js';

interface CaseInput {
  line: string;
  labels?: Record<string, string>;
  time?: string;
}

interface CaseOutput {
  line?: string;
  labels?: Record<string, string>;
  time?: string;
  extracted?: Record<string, unknown>;
  structured_metadata?: Record<string, string>;
}

interface StageCase {
  name: string;
  stages: string;
  inputs?: CaseInput[];
  outputs?: CaseOutput[];
  dropped?: number;
  dropped_reason?: string;
  flush?: boolean;
  error?: string;
}

const cases = parse(readFileSync(new URL('../testdata/stages.yaml', import.meta.url), 'utf8')) as StageCase[];

async function droppedCount(ctx: ReturnType<typeof testStageContext>, reason?: string): Promise<number> {
  const metric = await ctx.metrics.droppedLines.get();
  return metric.values
    .filter((v) => reason === undefined || v.labels.reason === reason)
    .reduce((n, v) => n + v.value, 0);
}

describe('pipeline stages (Promtail documentation examples)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const ctx = testStageContext();
      if (c.error !== undefined) {
        await assert.rejects(pipelineFromYaml(c.stages, ctx), (err: Error) => {
          assert.ok(err.message.includes(c.error!), `"${err.message}" should contain "${c.error}"`);
          return true;
        });
        return;
      }
      const pipeline = await pipelineFromYaml(c.stages, ctx);
      const out: LogEntry[] = [];
      const collect = (e: LogEntry) => out.push(e);
      for (const input of c.inputs ?? []) {
        const ts = input.time ? fromNanos(parseRFC3339Nano(input.time)!) : wallClock();
        const entry = LogEntry.fromBytes(LabelSet.fromRecord(input.labels ?? {}), ts, Buffer.from(input.line));
        pipeline.process(entry, collect);
      }
      if (c.flush) pipeline.flush(collect);
      pipeline.close();
      const expected = c.outputs ?? [];
      assert.equal(
        out.length,
        expected.length,
        `entries out: ${out.map((e) => JSON.stringify(e.lineText)).join(', ')}`,
      );
      expected.forEach((want, i) => {
        const got = out[i]!;
        if (want.line !== undefined) assert.equal(got.lineText, want.line);
        if (want.labels !== undefined) assert.deepEqual(got.labels.toRecord(), want.labels);
        if (want.time !== undefined) assert.equal(formatRFC3339Nano(toNanos(got)), want.time);
        if (want.extracted !== undefined) {
          const extracted = got.extracted();
          for (const [k, v] of Object.entries(want.extracted)) assert.deepEqual(extracted.get(k), v, `extracted ${k}`);
        }
        if (want.structured_metadata !== undefined) {
          const md = Object.fromEntries(got.structuredMetadata.map((l) => [l.name, l.value]));
          assert.deepEqual(md, want.structured_metadata);
        }
      });
      if (c.dropped !== undefined) assert.equal(await droppedCount(ctx, c.dropped_reason), c.dropped);
    });
  }
});
