import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushRequest } from '../push-request.js';
import {
  compileAttributePolicy,
  DEFAULT_INDEX_LABEL_ATTRIBUTES,
  EMPTY_OTLP_CONFIG,
  type OtlpAttributesRule,
  type OtlpConfig,
} from './config.js';
import { otlpToPushRequest } from './convert.js';
import { OtlpRequestError } from './errors.js';
import { humanizeBytes } from './humanize.js';
import type { LogRecord, LogsExport } from './model.js';
import { arr, attrs, bool, bytes, dbl, int, kvlist, logRecord, logsExport, str } from './test-otlp-wire.js';

const GLOBAL = { default_resource_attributes_as_index_labels: DEFAULT_INDEX_LABEL_ATTRIBUTES };
const DEFAULT_POLICY = compileAttributePolicy(EMPTY_OTLP_CONFIG, GLOBAL);
/** Loki's default limits_config.discover_service_name. */
const DISCOVER = [
  'service',
  'app',
  'application',
  'app_name',
  'name',
  'app_kubernetes_io_name',
  'container',
  'container_name',
  'k8s_container_name',
  'component',
  'workload',
  'job',
  'k8s_job_name',
];
const NOW = 1_700_000_000_123_456_789n;

interface Options {
  config?: OtlpConfig;
  discover?: readonly string[];
}

function convert(req: LogsExport, opts: Options = {}): PushRequest {
  return otlpToPushRequest(req, {
    policy: opts.config ? compileAttributePolicy(opts.config, GLOBAL) : DEFAULT_POLICY,
    discoverServiceName: opts.discover ?? DISCOVER,
    nowNs: () => NOW,
  });
}

/** Streams as plain data: labels, then [ns, line, metadata] per entry. */
function plain(req: PushRequest) {
  return req.streams.map((s) => ({
    labels: s.labels,
    entries: s.entries.map((e) => [
      (BigInt(e.sec) * 1_000_000_000n + BigInt(e.nanos)).toString(),
      e.line.toString('utf8'),
      e.structuredMetadata.map((l) => `${l.name}=${l.value}`),
    ]),
  }));
}

const TS = 1_690_000_000_000_000_001n;
const at = (body: string | LogRecord['body'], fields: Partial<LogRecord> = {}) =>
  logRecord({ timeUnixNano: TS, body, ...fields });

function rule(action: string, attributes: string[] = [], regex = ''): OtlpAttributesRule {
  return { action, attributes, regex };
}

describe('otlpToPushRequest: streams and service names', () => {
  it('returns no streams for an export without log records', () => {
    assert.deepEqual(convert({ resourceLogs: [] }).streams, []);
    assert.deepEqual(convert(logsExport({ 'service.name': 'service-1' }, [])).streams, []);
  });

  it('makes the service.name resource attribute the service_name label', () => {
    assert.deepEqual(plain(convert(logsExport({ 'service.name': 'service-1' }, [at('test body')]))), [
      { labels: '{service_name="service-1"}', entries: [[TS.toString(), 'test body', []]] },
    ]);
  });

  it('labels a resource without service.name unknown_service', () => {
    assert.deepEqual(plain(convert(logsExport({}, [at('x')])))[0]!.labels, '{service_name="unknown_service"}');
    assert.deepEqual(
      plain(convert(logsExport({ 'service.namespace': 'foo' }, [at('x')])))[0]!.labels,
      '{service_name="unknown_service", service_namespace="foo"}',
    );
  });

  it('discovers service_name from the first listed index label with a value', () => {
    const req = logsExport({ 'k8s.container.name': 'api', 'k8s.job.name': 'nightly' }, [at('x')]);
    assert.equal(
      plain(convert(req))[0]!.labels,
      '{k8s_container_name="api", k8s_job_name="nightly", service_name="api"}',
    );
  });

  it('skips an empty discovery candidate and falls back to unknown_service', () => {
    const req = logsExport({ 'container.name': '' }, [at('x')]);
    assert.equal(
      plain(convert(req, { discover: ['container_name'] }))[0]!.labels,
      '{container_name="", service_name="unknown_service"}',
    );
  });

  it('treats an empty service.name as missing', () => {
    const req = logsExport({ 'service.name': '', 'k8s.pod.name': 'p' }, [at('x')]);
    assert.equal(
      plain(convert(req, { discover: ['k8s_pod_name'] }))[0]!.labels,
      '{k8s_pod_name="p", service_name="p"}',
    );
  });

  it('adds no service_name when discovery is off, leaving a resource without index labels unlabelled', () => {
    const req = logsExport({ 'host.name': 'h' }, [at('x')]);
    assert.deepEqual(plain(convert(req, { discover: [] })), [
      { labels: '', entries: [[TS.toString(), 'x', ['host_name=h']]] },
    ]);
  });

  it('counts service.name as present even when the config drops it', () => {
    const config: OtlpConfig = {
      ...EMPTY_OTLP_CONFIG,
      resource_attributes: {
        ignore_defaults: true,
        attributes_config: [rule('drop', ['service.name']), rule('index_label', ['team'])],
      },
    };
    assert.equal(
      plain(convert(logsExport({ 'service.name': 's', team: 't' }, [at('x')]), { config }))[0]!.labels,
      '{team="t"}',
    );
  });

  it('merges resources with the same index labels into one stream', () => {
    const req: LogsExport = {
      resourceLogs: [
        logsExport({ 'service.name': 'a', 'host.name': 'h1' }, [at('one')]).resourceLogs[0]!,
        logsExport({ 'service.name': 'a', 'host.name': 'h2' }, [at('two')]).resourceLogs[0]!,
        logsExport({ 'service.name': 'b' }, [at('three')]).resourceLogs[0]!,
      ],
    };
    assert.deepEqual(
      plain(convert(req)).map((s) => [s.labels, s.entries.map((e) => e[1])]),
      [
        ['{service_name="a"}', ['one', 'two']],
        ['{service_name="b"}', ['three']],
      ],
    );
  });

  it('keeps the last of repeated index label values and flattens map-valued attributes', () => {
    const req: LogsExport = {
      resourceLogs: [
        {
          resourceAttributes: [
            { key: 'service.name', value: str('first') },
            { key: 'service.name', value: str('second') },
            { key: 'k8s.pod.name', value: kvlist({ uid: str('u-1') }) },
          ],
          scopeLogs: [{ scope: logsExport({}, []).resourceLogs[0]!.scopeLogs[0]!.scope, logRecords: [at('x')] }],
        },
      ],
    };
    assert.equal(plain(convert(req))[0]!.labels, '{k8s_pod_name_uid="u-1", service_name="second"}');
  });
});

describe('otlpToPushRequest: structured metadata', () => {
  it('stores other resource attributes, then scope attributes, name and version', () => {
    const req = logsExport(
      { 'service.name': 'service-1', 'service.image': 'loki' },
      [at('test body - 0'), at('test body - 1')],
      {
        name: 'fizz',
        version: 'v1',
        attributes: attrs({ op: 'buzz' }),
        droppedAttributesCount: 2,
      },
    );
    const meta = [
      'service_image=loki',
      'op=buzz',
      'scope_name=fizz',
      'scope_version=v1',
      'scope_dropped_attributes_count=2',
    ];
    assert.deepEqual(plain(convert(req)), [
      {
        labels: '{service_name="service-1"}',
        entries: [
          [TS.toString(), 'test body - 0', meta],
          [TS.toString(), 'test body - 1', meta],
        ],
      },
    ]);
  });

  it('flattens nested attributes with their parent name as prefix, log attributes first', () => {
    const req = logsExport(
      { 'service.name': 'service-1', 'resource.nested': kvlist({ foo: str('bar') }) },
      [
        at('b', {
          attributes: attrs({ 'log.nested': kvlist({ foo: str('bar - 0'), deeper: kvlist({ 'x.y': int(1) }) }) }),
        }),
      ],
      { name: 'fizz', attributes: attrs({ 'scope.nested': kvlist({ foo: str('bar') }) }) },
    );
    assert.deepEqual(plain(convert(req))[0]!.entries[0]![2], [
      'log_nested_foo=bar - 0',
      'log_nested_deeper_x_y=1',
      'resource_nested_foo=bar',
      'scope_nested_foo=bar',
      'scope_name=fizz',
    ]);
  });

  it('renders non-string attribute values as text', () => {
    const req = logsExport({ 'service.name': 's' }, [
      at('x', {
        attributes: attrs({ n: int(9007199254740993n), d: dbl(2.5), b: bool(false), y: bytes([1]), a: arr(str('q')) }),
      }),
    ]);
    assert.deepEqual(plain(convert(req))[0]!.entries[0]![2], [
      'n=9007199254740993',
      'd=2.5',
      'b=false',
      'y=AQ==',
      'a=["q"]',
    ]);
  });

  it('adds the record fields after its attributes, each only when set', () => {
    const record = at('log body', {
      observedTimeUnixNano: TS + 1n,
      severityNumber: 5,
      severityText: 'debug',
      droppedAttributesCount: 1,
      flags: 1,
      traceId: Buffer.from('12345678123456781234567812345678', 'hex'),
      spanId: Buffer.from('1223ad1223ad1223', 'hex'),
      eventName: 'my.event',
      attributes: attrs({ foo: 'bar' }),
    });
    assert.deepEqual(plain(convert(logsExport({ 'service.name': 's' }, [record])))[0]!.entries[0]![2], [
      'foo=bar',
      `observed_timestamp=${TS + 1n}`,
      'severity_number=5',
      'severity_text=debug',
      'dropped_attributes_count=1',
      'flags=1',
      'trace_id=12345678123456781234567812345678',
      'span_id=1223ad1223ad1223',
      'event_name=my.event',
    ]);
  });

  it('leaves out all-zero trace and span ids', () => {
    const record = at('x', { traceId: new Uint8Array(16), spanId: new Uint8Array(8) });
    assert.deepEqual(plain(convert(logsExport({ 'service.name': 's' }, [record])))[0]!.entries[0]![2], []);
  });

  it('prefers the event_name field over an attribute of that name', () => {
    const withField = at('x', { eventName: 'otlp.field', attributes: attrs({ event_name: 'attribute.value' }) });
    const withoutField = at('y', { attributes: attrs({ event_name: 'attribute.value' }) });
    const out = plain(convert(logsExport({ 'service.name': 's' }, [withField, withoutField])))[0]!;
    assert.deepEqual(out.entries[0]![2], ['event_name=otlp.field']);
    assert.deepEqual(out.entries[1]![2], ['event_name=attribute.value']);
  });

  it('follows the tenant rules for each kind of attribute', () => {
    const config: OtlpConfig = {
      resource_attributes: {
        ignore_defaults: true,
        attributes_config: [
          rule('index_label', ['pod.name']),
          rule('index_label', [], 'service.*'),
          rule('drop', [], 'drop.*'),
          rule('structured_metadata', ['resource.nested']),
        ],
      },
      scope_attributes: [rule('drop', ['drop.function'])],
      log_attributes: [rule('structured_metadata', [], '.*_id'), rule('drop', [], '.*')],
      severity_text_as_label: false,
    };
    const records = [0, 1].map((i) =>
      at(`test body - ${i}`, {
        attributes: attrs({ user_id: 'u1', order_id: 'o1', 'drop.log.nested': kvlist({ foo: str(`bar - ${i}`) }) }),
      }),
    );
    const req = logsExport(
      {
        'service.name': 'service-1',
        'pod.name': 'service-1-abc',
        'pod.ip': '10.200.200.200',
        'drop.service.addr': '192.168.0.1',
        'resource.nested': kvlist({ foo: str('bar') }),
      },
      records,
      { name: 'fizz', attributes: attrs({ 'drop.function': 'login', 'scope.nested': kvlist({ foo: str('bar') }) }) },
    );
    const out = plain(convert(req, { config }));
    assert.equal(out.length, 1);
    assert.equal(out[0]!.labels, '{pod_name="service-1-abc", service_name="service-1"}');
    assert.deepEqual(out[0]!.entries[1], [
      TS.toString(),
      'test body - 1',
      [
        'user_id=u1',
        'order_id=o1',
        'pod_ip=10.200.200.200',
        'resource_nested_foo=bar',
        'scope_nested_foo=bar',
        'scope_name=fizz',
      ],
    ]);
  });
});

describe('otlpToPushRequest: log attributes and severity as index labels', () => {
  it('splits records into streams by their indexed log attributes', () => {
    const config: OtlpConfig = {
      ...EMPTY_OTLP_CONFIG,
      log_attributes: [rule('index_label', ['detected_level', 'log.level']), rule('structured_metadata', ['trace_id'])],
    };
    const req = logsExport({ 'service.name': 'test-service' }, [
      at('info message', { attributes: attrs({ detected_level: 'info', trace_id: 'abc123' }) }),
      at('error message', { attributes: attrs({ detected_level: 'error' }) }),
      at('debug message', { attributes: attrs({ 'log.level': 'debug' }) }),
    ]);
    assert.deepEqual(
      plain(convert(req, { config })).map((s) => [s.labels, s.entries.map((e) => [e[1], e[2]])]),
      [
        // Loki lists the resource's own stream even when no record stays in it.
        ['{service_name="test-service"}', []],
        ['{detected_level="info", service_name="test-service"}', [['info message', ['trace_id=abc123']]]],
        ['{detected_level="error", service_name="test-service"}', [['error message', []]]],
        ['{log_level="debug", service_name="test-service"}', [['debug message', []]]],
      ],
    );
  });

  it('indexes severity_text when configured, keeping it as structured metadata too', () => {
    const config: OtlpConfig = { ...EMPTY_OTLP_CONFIG, severity_text_as_label: true };
    const req = logsExport({ 'service.name': 'svc' }, [
      at('a', { severityText: 'INFO' }),
      at('b', { severityText: 'ERROR' }),
      at('c'),
    ]);
    assert.deepEqual(
      plain(convert(req, { config })).map((s) => [s.labels, s.entries.map((e) => [e[1], e[2]])]),
      [
        ['{service_name="svc"}', [['c', []]]],
        ['{service_name="svc", severity_text="INFO"}', [['a', ['severity_text=INFO']]]],
        ['{service_name="svc", severity_text="ERROR"}', [['b', ['severity_text=ERROR']]]],
      ],
    );
  });
});

describe('otlpToPushRequest: lines', () => {
  it('uses the body as the line, rendered like Loki for every value kind', () => {
    const bodies: Array<[LogRecord['body'], string]> = [
      [str('plain'), 'plain'],
      [int(-7), '-7'],
      [dbl(0.5), '0.5'],
      [bool(true), 'true'],
      [bytes([104, 105]), 'aGk='],
      [arr(int(1), str('two')), '[1,"two"]'],
      [kvlist({ msg: str('hi'), level: str('info'), n: dbl(1e21) }), '{"level":"info","msg":"hi","n":1e+21}'],
      [logRecord().body, ''],
    ];
    const req = logsExport(
      { 'service.name': 's' },
      bodies.map(([b]) => at(b)),
    );
    assert.deepEqual(
      plain(convert(req))[0]!.entries.map((e) => e[1]),
      bodies.map(([, line]) => line),
    );
  });

  it('keeps multi-byte text intact', () => {
    const out = convert(logsExport({ 'service.name': 's' }, [at('héllo wörld 😀')]));
    assert.equal(out.streams[0]!.entries[0]!.line.toString('utf8'), 'héllo wörld 😀');
  });
});

describe('otlpToPushRequest: timestamps', () => {
  const entryNs = (record: LogRecord) => plain(convert(logsExport({ 'service.name': 's' }, [record])))[0]!.entries[0]!;

  it('uses time_unix_nano exactly, beyond double precision', () => {
    assert.equal(entryNs(logRecord({ timeUnixNano: 1_700_000_000_000_000_007n }))[0], '1700000000000000007');
  });

  it('falls back to observed_time_unix_nano, without repeating it as metadata', () => {
    const e = entryNs(logRecord({ observedTimeUnixNano: 1_700_000_000_000_000_009n }));
    assert.equal(e[0], '1700000000000000009');
    assert.deepEqual(e[2], []);
  });

  it('falls back to now', () => {
    assert.equal(entryNs(logRecord({ body: str('x') }))[0], NOW.toString());
  });

  it('reads times past 2^63 as negative, like Go', () => {
    const out = convert(logsExport({ 'service.name': 's' }, [logRecord({ timeUnixNano: 2n ** 64n - 1n })]));
    const e = out.streams[0]!.entries[0]!;
    assert.deepEqual([e.sec, e.nanos], [-1, 999_999_999]);
  });

  it('splits nanoseconds into seconds and nanos', () => {
    const out = convert(logsExport({ 'service.name': 's' }, [logRecord({ timeUnixNano: 1_690_000_000_123_456_789n })]));
    const e = out.streams[0]!.entries[0]!;
    assert.deepEqual([e.sec, e.nanos], [1_690_000_000, 123_456_789]);
  });
});

describe('otlpToPushRequest: refusals', () => {
  const refusal = (req: LogsExport, opts?: Options) => {
    try {
      convert(req, opts);
    } catch (err) {
      assert.ok(err instanceof OtlpRequestError);
      return [err.status, err.message];
    }
    assert.fail('expected a refusal');
  };

  it('refuses attribute names that normalise to nothing', () => {
    assert.deepEqual(refusal(logsExport({ '': 'x' }, [at('a')])), [400, 'symbolizer lookup: label name is empty']);
    assert.deepEqual(refusal(logsExport({ 'service.name': 's' }, [at('a', { attributes: attrs({ '...': 'x' }) })])), [
      400,
      'symbolizer lookup: normalization for label name "..." resulted in invalid name "_"',
    ]);
  });

  it('accepts any key inside a map, since the parent name prefixes it', () => {
    const req = logsExport({ 'service.name': 's' }, [
      at('a', { attributes: attrs({ outer: kvlist({ '': str('x'), '..': str('y') }) }) }),
    ]);
    assert.deepEqual(plain(convert(req))[0]!.entries[0]![2], ['outer_=x', 'outer_=y']);
  });

  it('does not look at the names of dropped attributes', () => {
    const config: OtlpConfig = { ...EMPTY_OTLP_CONFIG, log_attributes: [rule('drop', [''])] };
    assert.equal(
      convert(logsExport({ 'service.name': 's' }, [at('a', { attributes: attrs({ '': 'x' }) })]), { config }).streams
        .length,
      1,
    );
  });

  it('refuses the reserved backfill labels', () => {
    const config: OtlpConfig = {
      ...EMPTY_OTLP_CONFIG,
      resource_attributes: { ignore_defaults: false, attributes_config: [rule('index_label', ['__backfill__'])] },
    };
    assert.deepEqual(refusal(logsExport({ __backfill__: 'true' }, [at('a')]), { config }), [
      400,
      'streams must not contain the reserved labels __backfill__ or __backfill_shard__; set the X-Loki-Backfill-Shard header to mark a push as backfill data',
    ]);
  });

  it('refuses stream labels over 16 MiB with 413', () => {
    const big = 'x'.repeat(1 << 24);
    assert.deepEqual(refusal(logsExport({ 'service.name': big }, [at('a')])), [
      413,
      'request body too large: stream labels size 17 MB exceeds limit of 17 MB',
    ]);
  });
});

describe('humanizeBytes', () => {
  it('prints sizes in SI units like go-humanize', () => {
    assert.equal(humanizeBytes(9), '9 B');
    assert.equal(humanizeBytes(999), '999 B');
    assert.equal(humanizeBytes(1500), '1.5 kB');
    assert.equal(humanizeBytes(10_500), '10 kB');
    assert.equal(humanizeBytes(11_500), '12 kB');
    assert.equal(humanizeBytes(1 << 24), '17 MB');
  });
});
