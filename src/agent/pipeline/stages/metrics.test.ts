import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LabelSet } from '../../labels/label-set.js';
import { testStageContext } from '../../test-support.js';
import { pipelineFromYaml } from '../build.js';
import { LogEntry } from '../entry.js';

async function run(stages: string, lines: Array<[string, Record<string, string>]>) {
  const ctx = testStageContext();
  const pipeline = await pipelineFromYaml(stages, ctx);
  for (const [line, labels] of lines) {
    pipeline.process(LogEntry.fromText(LabelSet.fromRecord(labels), { sec: 1, nanos: 0 }, line), () => {});
  }
  return ctx.metrics.render();
}

describe('metrics stage', () => {
  it('counts lines and bytes per stream, leaving out __ labels', async () => {
    const text = await run(
      `
- metrics:
    log_lines_total:
      type: Counter
      description: total number of log lines
      prefix: my_promtail_custom_
      max_idle_duration: 24h
      config:
        match_all: true
        action: inc
    log_bytes_total:
      type: Counter
      description: total bytes of log lines
      config:
        match_all: true
        count_entry_bytes: true
        action: add
`,
      [
        ['hello', { job: 'a', __tenant_id__: 't' }],
        ['hi', { job: 'a', __tenant_id__: 't' }],
        ['x', { job: 'b' }],
      ],
    );
    assert.match(
      text,
      /# HELP my_promtail_custom_log_lines_total total number of log lines\n# TYPE my_promtail_custom_log_lines_total counter/,
    );
    assert.match(text, /my_promtail_custom_log_lines_total\{job="a"\} 2/);
    assert.match(text, /my_promtail_custom_log_lines_total\{job="b"\} 1/);
    assert.match(text, /promtail_custom_log_bytes_total\{job="a"\} 7/);
  });

  it('counts matching values and sets, adds and subtracts gauges', async () => {
    const text = await run(
      `
- regex:
    expression: 'level=(?P<level>\\w+) queue=(?P<queue>[\\d.]+)'
- metrics:
    errors_total:
      type: Counter
      source: level
      config:
        value: error
        action: inc
    queue_length:
      type: Gauge
      source: queue
      config:
        action: set
    queue_added:
      type: Gauge
      source: queue
      config:
        action: add
`,
      [
        ['level=error queue=3', { job: 'q' }],
        ['level=info queue=5.5', { job: 'q' }],
        ['level=error queue=1', { job: 'q' }],
      ],
    );
    assert.match(text, /promtail_custom_errors_total\{job="q"\} 2/);
    assert.match(text, /promtail_custom_queue_length\{job="q"\} 1\n/);
    assert.match(text, /promtail_custom_queue_added\{job="q"\} 9.5/);
  });

  it('observes histograms with the configured buckets, durations in seconds', async () => {
    const text = await run(
      `
- regex:
    expression: 'took=(?P<took>\\S+)'
- metrics:
    request_seconds:
      type: Histogram
      source: took
      config:
        buckets: [0.1, 1, 10]
`,
      [
        ['took=0.05', { job: 'h' }],
        ['took=2s', { job: 'h' }],
        ['took=500ms', { job: 'h' }],
        ['took=oops', { job: 'h' }],
      ],
    );
    assert.match(text, /promtail_custom_request_seconds_bucket\{job="h",le="0\.1"\} 1/);
    assert.match(text, /promtail_custom_request_seconds_bucket\{job="h",le="1"\} 2/);
    assert.match(text, /promtail_custom_request_seconds_bucket\{job="h",le="10"\} 3/);
    assert.match(text, /promtail_custom_request_seconds_bucket\{job="h",le="\+Inf"\} 3/);
    assert.match(text, /promtail_custom_request_seconds_sum\{job="h"\} 2\.55/);
    assert.match(text, /promtail_custom_request_seconds_count\{job="h"\} 3/);
  });

  it('refuses invalid metric configurations with Promtail wording', async () => {
    const ctx = testStageContext();
    await assert.rejects(
      pipelineFromYaml('- metrics:\n    x:\n      type: Summary\n', ctx),
      /invalid metric type 'summary', metric type must be one of 'counter', 'gauge', or 'histogram'/,
    );
    await assert.rejects(
      pipelineFromYaml(
        '- metrics:\n    x:\n      type: Counter\n      config:\n        match_all: true\n        value: v\n        action: inc\n',
        ctx,
      ),
      /`match_all: true` cannot be combined with `value`/,
    );
    await assert.rejects(
      pipelineFromYaml('- metrics:\n    x:\n      type: Gauge\n      config:\n        action: mul\n', ctx),
      /action mul is not valid/,
    );
  });
});
