// End to end: the official OpenTelemetry JS exporters (OTLP/HTTP protobuf and
// JSON) send logs to a Skald server process at /otlp/v1/logs, as they would to
// Loki, and the logs come back from /loki/api/v1/query_range with Loki's labels
// and structured metadata.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPHttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { type SkaldProcess, startSkald } from './helpers/skald-process.js';

type ProtoExporterConfig = NonNullable<ConstructorParameters<typeof OTLPProtoLogExporter>[0]>;
/** CompressionAlgorithm.GZIP, an enum of a package the exporter brings along. */
const GZIP = 'gzip' as ProtoExporterConfig['compression'];

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
const NOW_MS = Date.now();
/** A log time with nanosecond digits a double could not carry. */
const LOG_TIME: [number, number] = [Math.floor(NOW_MS / 1000), 123_456_789];
const LOG_TIME_NS = `${LOG_TIME[0]}123456789`;

interface Stream {
  stream: Record<string, string>;
  values: [string, string][];
}

/** Log records as the SDK builds them for a service, ready to hand to an exporter. */
async function recordsFor(service: string, instance: string): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'service.namespace': 'shop',
      'service.instance.id': instance,
      'deployment.environment.name': 'e2e',
      'host.name': 'node-7',
      'process.pid': 4242,
    }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('shop.checkout', '2.1.0');
  const spanContext = trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  logger.emit({
    timestamp: LOG_TIME,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'payment retried',
    attributes: { 'payment.attempt': 2, 'user.id': 'u-17' },
    context: spanContext,
  });
  logger.emit({
    timestamp: [LOG_TIME[0], LOG_TIME[1] + 1],
    severityNumber: SeverityNumber.INFO,
    body: { event: 'order.placed', total: 12.5, items: ['book', 'pen'] },
  });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

function exportWith(exporter: LogRecordExporter, records: ReadableLogRecord[]): Promise<void> {
  return new Promise((resolve, reject) => {
    exporter.export(records, (result) => {
      // ExportResultCode.SUCCESS is 0.
      if (result.code === 0) resolve();
      else reject(result.error ?? new Error(`export failed with code ${result.code}`));
    });
  });
}

describe('OTLP log ingestion through the OpenTelemetry exporters', () => {
  let skald: SkaldProcess;

  before(async () => {
    skald = await startSkald({
      limits: { discover_service_name: ['service', 'app'], reject_old_samples: false },
    });
  });

  after(async () => {
    await skald?.stop();
    await skald?.cleanup();
  });

  async function queryStreams(query: string): Promise<Stream[]> {
    const qs = new URLSearchParams({
      query,
      start: String((NOW_MS - 3_600_000) * 1e6),
      end: String((NOW_MS + 3_600_000) * 1e6),
      direction: 'forward',
    });
    const res = await fetch(`${skald.url}/loki/api/v1/query_range?${qs}`);
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { data: { result: Stream[] } }).data.result;
  }

  async function get(path: string): Promise<unknown> {
    const res = await fetch(`${skald.url}${path}`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: unknown }).data;
  }

  /** What Loki answers for the records of `recordsFor(service, instance)`. */
  function expectedStreams(service: string, instance: string): Stream[] {
    const index = {
      service_name: service,
      service_namespace: 'shop',
      service_instance_id: instance,
      deployment_environment_name: 'e2e',
    };
    const resourceAndScope = {
      host_name: 'node-7',
      process_pid: '4242',
      scope_name: 'shop.checkout',
      scope_version: '2.1.0',
    };
    return [
      {
        stream: {
          ...index,
          ...resourceAndScope,
          payment_attempt: '2',
          user_id: 'u-17',
          severity_number: '13',
          severity_text: 'WARN',
          flags: '1',
          trace_id: TRACE_ID,
          span_id: SPAN_ID,
        },
        values: [[LOG_TIME_NS, 'payment retried']],
      },
      {
        stream: { ...index, ...resourceAndScope, severity_number: '9' },
        values: [[String(BigInt(LOG_TIME_NS) + 1n), '{"event":"order.placed","items":["book","pen"],"total":12.5}']],
      },
    ];
  }

  /** Streams without the observed_timestamp metadata, which the SDK sets to the time of emitting. */
  function withoutObservedTime(streams: Stream[]): Stream[] {
    return streams.map((s) => {
      assert.match(s.stream.observed_timestamp ?? '', /^\d{19}$/);
      const { observed_timestamp: _, ...stream } = s.stream;
      return { stream, values: s.values };
    });
  }

  it('stores what the OTLP/HTTP protobuf exporter sends (gzip-compressed)', async () => {
    const exporter = new OTLPProtoLogExporter({ url: `${skald.url}/otlp/v1/logs`, compression: GZIP });
    await exportWith(exporter, await recordsFor('checkout-proto', 'i-1'));
    await exporter.shutdown();
    const streams = await queryStreams('{service_name="checkout-proto"}');
    assert.deepEqual(withoutObservedTime(streams), expectedStreams('checkout-proto', 'i-1'));
  });

  it('stores what the OTLP/HTTP JSON exporter sends', async () => {
    const exporter = new OTLPHttpJsonLogExporter({ url: `${skald.url}/otlp/v1/logs` });
    await exportWith(exporter, await recordsFor('checkout-json', 'i-2'));
    await exporter.shutdown();
    const streams = await queryStreams('{service_name="checkout-json"}');
    assert.deepEqual(withoutObservedTime(streams), expectedStreams('checkout-json', 'i-2'));
  });

  it('indexes only the promoted resource attributes', async () => {
    const names = (await get('/loki/api/v1/labels')) as string[];
    for (const name of ['service_name', 'service_namespace', 'service_instance_id', 'deployment_environment_name']) {
      assert.ok(names.includes(name), `${name} in ${names}`);
    }
    for (const name of ['host_name', 'process_pid', 'trace_id', 'severity_text', 'scope_name']) {
      assert.ok(!names.includes(name), `${name} not in ${names}`);
    }
    const series = (await get(
      `/loki/api/v1/series?match[]=${encodeURIComponent('{service_name="checkout-proto"}')}`,
    )) as Array<Record<string, string>>;
    assert.deepEqual(series, [
      {
        service_name: 'checkout-proto',
        service_namespace: 'shop',
        service_instance_id: 'i-1',
        deployment_environment_name: 'e2e',
      },
    ]);
  });

  it('filters on structured metadata from the export', async () => {
    const streams = await queryStreams(`{service_namespace="shop"} | trace_id="${TRACE_ID}"`);
    assert.deepEqual(streams.flatMap((s) => s.values.map((v) => [s.stream.service_name, v[1]])).sort(), [
      ['checkout-json', 'payment retried'],
      ['checkout-proto', 'payment retried'],
    ]);
  });

  it('labels logs without a service name unknown_service', async () => {
    const body = JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'k8s.namespace.name', value: { stringValue: 'batch' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: LOG_TIME_NS, body: { stringValue: 'no service' } }] }],
        },
      ],
    });
    const res = await fetch(`${skald.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(res.status, 204);
    const streams = await queryStreams('{k8s_namespace_name="batch"}');
    assert.deepEqual(streams, [
      {
        stream: { k8s_namespace_name: 'batch', service_name: 'unknown_service' },
        values: [[LOG_TIME_NS, 'no service']],
      },
    ]);
  });

  it('answers a request it refuses with an OTLP status body', async () => {
    const res = await fetch(`${skald.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    // google.rpc.Status: field 2 (message), length-delimited.
    const message = 'content type: text/plain is not supported';
    assert.deepEqual(
      Buffer.from(await res.arrayBuffer()),
      Buffer.concat([Buffer.from([0x12, message.length]), Buffer.from(message)]),
    );
  });
});
