import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { defaultConfig } from '../config/index.js';
import type { IngestStream } from '../ingester/ingester.js';
import { DiscardMetrics } from '../limits/discarded.js';
import { parseStreamLabels } from '../logql/syntax/index.js';
import type { Label, Labels } from '../util/labels.js';
import { Distributor, type DistributorLimits, PushError } from './distributor.js';
import {
  DEFAULT_LEVEL_FIELDS,
  type FieldDetectionLimits,
  FieldDetector,
  fieldDetectorFor,
  looksLikeJson,
} from './field-detection.js';
import type { PushEntry } from './push-request.js';

const LOKI_TEST_FIELDS = ['level', 'LEVEL', 'Level', 'severity', 'SEVERITY', 'Severity', 'lvl', 'LVL', 'Lvl'];

function limits(over: Partial<FieldDetectionLimits> = {}): FieldDetectionLimits {
  return {
    allow_structured_metadata: true,
    discover_log_levels: true,
    log_level_fields: [],
    log_level_from_json_max_depth: 2,
    discover_generic_fields: { fields: {} },
    ...over,
  };
}

function entry(line: string, structuredMetadata: Label[] = []): PushEntry {
  return { sec: 1_700_000_000, nanos: 0, line: Buffer.from(line), structuredMetadata };
}

function labels(text: string): Labels {
  return parseStreamLabels(text);
}

/** The structured metadata one entry ends up with. */
function detected(lim: FieldDetectionLimits, streamLabels: string, e: PushEntry): Label[] {
  new FieldDetector(lim).detect(labels(streamLabels), [e]);
  return [...e.structuredMetadata];
}

function levelOf(lim: FieldDetectionLimits, line: string, sm: Label[] = [], streamLabels = '{foo="bar"}'): string {
  const sm2 = detected(lim, streamLabels, entry(line, sm));
  return sm2.find((l) => l.name === 'detected_level')?.value ?? '';
}

describe('where detected_level comes from', () => {
  it('adds nothing when detection is off', () => {
    assert.deepEqual(detected(limits({ discover_log_levels: false }), '{foo="bar"}', entry('an error')), []);
  });

  it('adds nothing when structured metadata is not allowed', () => {
    assert.deepEqual(detected(limits({ allow_structured_metadata: false }), '{foo="bar"}', entry('an error')), []);
  });

  it('adds unknown when nothing names a level', () => {
    assert.deepEqual(detected(limits(), '{foo="bar"}', entry('0000000000')), [
      { name: 'detected_level', value: 'unknown' },
    ]);
  });

  for (const level of ['warn', 'Wrn', 'WARNING']) {
    it(`reads severity=${level} of a logfmt line as warn, despite an error word earlier`, () => {
      assert.deepEqual(detected(limits(), '{foo="bar"}', entry(`msg=an error occurred 0000 severity=${level}`)), [
        { name: 'detected_level', value: 'warn' },
      ]);
    });
  }

  it('takes a level stream label first', () => {
    assert.deepEqual(detected(limits(), '{foo="bar", level="debug"}', entry('an error')), [
      { name: 'detected_level', value: 'debug' },
    ]);
  });

  it('appends after the metadata that named the level', () => {
    assert.deepEqual(detected(limits(), '{foo="bar"}', entry('an error', [{ name: 'severity', value: 'warn' }])), [
      { name: 'severity', value: 'warn' },
      { name: 'detected_level', value: 'warn' },
    ]);
  });

  it('keeps a detected_level the client sent over every other source', () => {
    const sm = detected(
      limits(),
      '{foo="bar", level="debug"}',
      entry('{"msg":"this is a test message", "level":"error"}', [
        { name: 'severity_number', value: '13' },
        { name: 'severity', value: 'critical' },
        { name: 'detected_level', value: 'trace' },
      ]),
    );
    assert.deepEqual(
      sm.filter((l) => l.name === 'detected_level'),
      [{ name: 'detected_level', value: 'trace' }],
    );
  });

  for (const [sent, want] of [
    ['WaRn', 'warn'],
    ['InFo', 'info'],
    ['CRITICAL', 'critical'],
    ['Debug', 'debug'],
    ['FaTaL', 'fatal'],
    ['tRaCe', 'trace'],
    ['ERROR', 'error'],
    ['notice', 'notice'],
  ]) {
    it(`normalises a detected_level of ${sent} to ${want} in place`, () => {
      assert.deepEqual(
        detected(limits(), '{foo="bar"}', entry('test log', [{ name: 'detected_level', value: sent! }])),
        [{ name: 'detected_level', value: want }],
      );
    });
  }

  for (const [stream, want] of [
    ['{foo="bar", level="ERROR"}', 'error'],
    ['{foo="bar", level="WaRn"}', 'warn'],
    ['{foo="bar", level="InFo"}', 'info'],
    ['{foo="bar", level="CRITICAL"}', 'critical'],
    ['{foo="bar", level="Debug"}', 'debug'],
    ['{foo="bar", level="FaTaL"}', 'fatal'],
    ['{foo="bar", level="tRaCe"}', 'trace'],
    ['{foo="bar", level="informational"}', 'informational'],
    ['{foo="bar", level="notice"}', 'notice'],
  ]) {
    it(`takes ${stream} as ${want}, keeping values it does not know`, () => {
      assert.equal(levelOf(limits(), 'log message without level', [], stream!), want);
    });
  }

  it('prefers a level stream label to the OpenTelemetry severity and the line', () => {
    const lim = limits();
    assert.equal(
      levelOf(
        lim,
        '{"msg":"m", "level":"error"}',
        [{ name: 'severity_number', value: '13' }],
        '{SeverityText="debug"}',
      ),
      'debug',
    );
    assert.equal(
      levelOf(
        lim,
        '{"msg":"m", "level":"trace"}',
        [{ name: 'severity_text', value: 'info' }],
        '{SeverityText="debug"}',
      ),
      'debug',
    );
  });

  it('takes the level field listed first among metadata, not the first sent', () => {
    const sm = [
      { name: 'lvl', value: 'error' },
      { name: 'level', value: 'info' },
    ];
    assert.equal(levelOf(limits(), 'x', sm), 'info');
  });

  it('takes the first of duplicate metadata entries', () => {
    const sm = [
      { name: 'level', value: 'warn' },
      { name: 'level', value: 'error' },
    ];
    assert.equal(levelOf(limits(), 'x', sm), 'warn');
  });

  it('adds nothing for an empty level label or metadata value, as Loki', () => {
    assert.deepEqual(detected(limits(), '{foo="bar"}', entry('an error', [{ name: 'level', value: '' }])), [
      { name: 'level', value: '' },
    ]);
  });

  it('uses Loki default level fields when the list is empty', () => {
    assert.equal(levelOf(limits({ log_level_fields: [] }), 'SeverityText=Wrn x=1'), 'warn');
    assert.equal(levelOf(limits({ log_level_fields: ['lvl'] }), 'SeverityText=Wrn x=1'), 'unknown');
    assert.ok(DEFAULT_LEVEL_FIELDS.includes('log.level'));
  });

  it('honours log_level_from_json_max_depth', () => {
    const line = '{"a": {"b": {"level": "debug"}}}';
    assert.equal(levelOf(limits({ log_level_from_json_max_depth: 2 }), line), 'debug', 'falls back to the word scan');
    assert.equal(levelOf(limits({ log_level_from_json_max_depth: 2 }), '{"a": {"b": {"level": "trc"}}}'), 'unknown');
    assert.equal(levelOf(limits({ log_level_from_json_max_depth: 3 }), '{"a": {"b": {"level": "trc"}}}'), 'trace');
    assert.equal(levelOf(limits({ log_level_from_json_max_depth: 0 }), '{"a": {"b": {"level": "trc"}}}'), 'trace');
  });
});

describe('the level of an entry from its OpenTelemetry severity or its line (Loki cases)', () => {
  const cases: Array<{ name: string; line: string; sm?: Label[]; want: string }> = [
    { name: 'the severity number', line: 'error', sm: [{ name: 'severity_number', value: '7' }], want: 'debug' },
    { name: 'an invalid severity number', line: '', sm: [{ name: 'severity_number', value: 'foo' }], want: 'info' },
    {
      name: 'an unspecified severity number',
      line: 'error',
      sm: [{ name: 'severity_number', value: '0' }],
      want: 'unknown',
    },
    { name: 'an empty severity number', line: 'error', sm: [{ name: 'severity_number', value: '' }], want: 'error' },
    { name: 'a line without level words', line: 'foo', want: 'unknown' },
    { name: 'warning in a line', line: 'this is a warning log', want: 'warn' },
    { name: 'debug in a line', line: 'this is a debug message', want: 'debug' },
    { name: 'DEBUG in a line', line: 'this is a DEBUG message', want: 'debug' },
    { name: 'a debug: prefix', line: 'debug: something happened', want: 'debug' },
    { name: 'a DEBUG: prefix', line: 'DEBUG: something happened', want: 'debug' },
    { name: 'critical in a line', line: 'this is a critical message', want: 'critical' },
    { name: 'CRITICAL in a line', line: 'this is a CRITICAL message', want: 'critical' },
    { name: 'a critical: prefix', line: 'critical: something happened', want: 'critical' },
    { name: 'a CRITICAL: prefix', line: 'CRITICAL: something happened', want: 'critical' },
    { name: '[debug]', line: '[debug] this is a debug message', want: 'debug' },
    { name: '[DEBUG]', line: '[DEBUG] this is a debug message', want: 'debug' },
    { name: '[critical]', line: '[critical] this is a critical message', want: 'critical' },
    { name: '[CRITICAL]', line: '[CRITICAL] this is a critical message', want: 'critical' },
    { name: '[info]', line: '[info] this is an info message', want: 'info' },
    { name: '[INFO]', line: '[INFO] this is an info message', want: 'info' },
    { name: '[warn]', line: '[warn] this is a warning message', want: 'warn' },
    { name: '[WARNING]', line: '[WARNING] this is a warning message', want: 'warn' },
    { name: '[error]', line: '[error] this is an error message', want: 'error' },
    { name: '[ERROR]', line: '[ERROR] this is an error message', want: 'error' },
    { name: '[err]', line: '[err] this is an error message', want: 'error' },
    { name: '[ERR]', line: '[ERR] this is an error message', want: 'error' },
    {
      name: 'a JSON level field over words in the message',
      line: '{"foo":"bar","msg":"message with keyword error but it should not get picked up","level":"critical"}',
      want: 'critical',
    },
    {
      name: 'a JSON LEVEL field',
      line: '{"FOO":"bar","MSG":"message with keyword error but it should not get picked up","LEVEL":"Critical"}',
      want: 'critical',
    },
    {
      name: 'a JSON warn',
      line: '{"foo":"bar","msg":"message with keyword warn but it should not get picked up","level":"warn"}',
      want: 'warn',
    },
    {
      name: 'a JSON SEVERITY field',
      line: '{"foo":"bar","msg":"message with keyword warn but it should not get picked up","SEVERITY":"FATAL"}',
      want: 'fatal',
    },
    {
      name: 'a JSON ERR',
      line: '{"foo":"bar","msg":"message with keyword warn but it should not get picked up","level":"ERR"}',
      want: 'error',
    },
    {
      name: 'a JSON line without level field, by its words',
      line: '{"foo":"bar","msg":"message with keyword INFO get picked up"}',
      want: 'info',
    },
    {
      name: 'a JSON level field with an unknown value, by its words',
      line: '{"level":"notice","msg":"disk error"}',
      want: 'error',
    },
    {
      name: 'a logfmt line without level field, by its words',
      line: 'foo=bar msg="message with info and not level should get picked up"',
      want: 'info',
    },
    {
      name: 'a logfmt warn',
      line: 'foo=bar msg="message with keyword error but it should not get picked up" level=warn',
      want: 'warn',
    },
    {
      name: 'a logfmt Warn',
      line: 'foo=bar msg="message with keyword error but it should not get picked up" level=Warn',
      want: 'warn',
    },
    {
      name: 'a logfmt Trace',
      line: 'foo=bar msg="message with keyword error but it should not get picked up" level=Trace',
      want: 'trace',
    },
    {
      name: 'a logfmt level Loki does not know',
      line: 'foo=bar msg="message with keyword but it should not get picked up" level=NA',
      want: 'unknown',
    },
    {
      name: 'a logfmt severity',
      line: 'foo=bar msg="message with keyword but it should not get picked up" severity=critical',
      want: 'critical',
    },
    {
      name: 'a logfmt Severity key',
      line: 'Foo=bar MSG="Message with keyword but it should not get picked up" Severity=critical',
      want: 'critical',
    },
    {
      name: 'a logfmt inFO',
      line: 'foo=bar msg="message with keyword error but it should not get picked up" level=inFO',
      want: 'info',
    },
    {
      name: 'a logfmt LEVEL key',
      line: 'FOO=bar MSG="message with keyword error but it should not get picked up" LEVEL=inFO',
      want: 'info',
    },
    {
      name: 'a logfmt Inf',
      line: 'FOO=bar MSG="message that should qualify to unknown when there is no level defined" LEVEL=Inf',
      want: 'info',
    },
    {
      name: 'a logfmt Information',
      line: 'FOO=bar MSG="message that should qualify to unknown when there is no level defined" LEVEL=Information',
      want: 'info',
    },
    { name: 'a quoted logfmt level with escapes', line: 'level="\\u0077arn" msg=x', want: 'warn' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(levelOf(limits({ log_level_fields: LOKI_TEST_FIELDS }), c.line, c.sm), c.want));
  }

  const custom = limits({ log_level_fields: ['log_level', 'logging_level', 'LOGGINGLVL', 'lvl'] });
  const customCases: Array<[string, string]> = [
    [
      '{"foo":"bar","msg":"message with keyword error but it should not get picked up","log_level":"critical"}',
      'critical',
    ],
    [
      '{"FOO":"bar","MSG":"message with keyword error but it should not get picked up","LOGGINGLVL":"Critical"}',
      'critical',
    ],
    ['{"foo":"bar","msg":"message with keyword warn but it should not get picked up","lvl":"warn"}', 'warn'],
    ['{"foo":"bar","msg":"message with keyword warn but it should not get picked up","LOGGINGLVL":"FATAL"}', 'fatal'],
    ['{"foo":"bar","msg":"message with keyword warn but it should not get picked up","logging_level":"ERR"}', 'error'],
    ['[CRITICAL] this is a critical message with custom fields', 'critical'],
    // `level` is not a custom field: only the word scan sees "debug", as a quoted word.
    ['{"level":"debug","msg":"keyword warn"}', 'debug'],
  ];
  for (const [line, want] of customCases) {
    it(`with custom level fields: ${line.slice(0, 60)}`, () => assert.equal(levelOf(custom, line), want));
  }
});

describe('telling a JSON line', () => {
  const cases: Array<[string, string | Buffer, boolean]> = [
    ['an object', '{"a":1}', true],
    ['blanks around it', ' \t{"a":1}\r\n', true],
    ['Unicode blanks before it', '\u00a0\u2003\u3000{"a":1}', true],
    ['0x85 and 0xA0 bytes after it', Buffer.from([0x7b, 0x7d, 0x85, 0xa0]), true],
    ['a no-break space after it (its first byte is no blank)', '{"a":1}\u00a0', false],
    ['an array', '[1]', false],
    ['an unclosed object', '{"a":1', false],
    ['a lone brace', '{', false],
    ['plain text', 'level=info', false],
    ['an empty line', '', false],
  ];
  for (const [name, line, want] of cases) {
    it(`${name}: ${want}`, () =>
      assert.equal(looksLikeJson(typeof line === 'string' ? Buffer.from(line) : line), want));
  }
});

describe('generic fields (discover_generic_fields)', () => {
  const lim = limits({
    discover_log_levels: false,
    discover_generic_fields: {
      fields: { trace_id: ['trace_id'], org_id: ['org_id', 'user_id', 'tenant_id'], product_id: ['product.id'] },
    },
  });
  const cases: Array<{ name: string; stream: string; line: string; sm?: Label[]; want: Array<[string, string]> }> = [
    { name: 'nothing matches', stream: '{env="prod"}', line: 'log line does not match', want: [] },
    {
      name: 'from stream labels',
      stream: '{trace_id="8c5f2ecbade6f01d", tenant_id="fake"}',
      line: 'log line does not match',
      want: [
        ['trace_id', '8c5f2ecbade6f01d'],
        ['org_id', 'fake'],
      ],
    },
    {
      name: 'from structured metadata, appended again as Loki does',
      stream: '{env="prod"}',
      line: 'log line does not match',
      sm: [
        { name: 'trace_id', value: '8c5f2ecbade6f01d' },
        { name: 'user_id', value: 'fake' },
      ],
      want: [
        ['trace_id', '8c5f2ecbade6f01d'],
        ['user_id', 'fake'],
        ['trace_id', '8c5f2ecbade6f01d'],
        ['org_id', 'fake'],
      ],
    },
    {
      name: 'from a logfmt line',
      stream: '{env="prod"}',
      line: 'msg="this log line matches" trace_id="8c5f2ecbade6f01d" org_id=fake duration=1h',
      want: [
        ['trace_id', '8c5f2ecbade6f01d'],
        ['org_id', 'fake'],
      ],
    },
    {
      name: 'the first hint listed wins in a logfmt line',
      stream: '{env="prod"}',
      line: 'msg="this log line matches" tenant_id="fake_a" org_id=fake_b duration=1h',
      want: [['org_id', 'fake_b']],
    },
    {
      name: 'from a JSON line',
      stream: '{env="prod"}',
      line: '{"msg": "this log line matches", "trace_id": "8c5f2ecbade6f01d", "org_id": "fake", "duration": "1s"}',
      want: [
        ['trace_id', '8c5f2ecbade6f01d'],
        ['org_id', 'fake'],
      ],
    },
    {
      name: 'the first hint listed wins in a JSON line',
      stream: '{env="prod"}',
      line: '{"msg": "this log line matches", "tenant_id": "fake_a", "org_id": "fake_b", "duration": "1s"}',
      want: [['org_id', 'fake_b']],
    },
    {
      name: 'a JSON path',
      stream: '{env="prod"}',
      line: '{"product": {"details": "product details", "id": "P2024/01"}}',
      want: [['product_id', 'P2024/01']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sm = detected(lim, c.stream, entry(c.line, c.sm ?? []));
      assert.deepEqual(
        sm.map((l) => [l.name, l.value]),
        c.want,
      );
    });
  }

  it('is off without structured metadata or without fields', () => {
    assert.equal(new FieldDetector({ ...lim, allow_structured_metadata: false }).discoversGenericFields, false);
    assert.equal(new FieldDetector(limits({ discover_generic_fields: { fields: {} } })).discoversGenericFields, false);
    assert.equal(new FieldDetector(lim).discoversGenericFields, true);
  });

  it('comes after detected_level', () => {
    const sm = detected({ ...lim, discover_log_levels: true }, '{env="prod"}', entry('level=warn trace_id=abc'));
    assert.deepEqual(
      sm.map((l) => l.name),
      ['detected_level', 'trace_id'],
    );
  });
});

describe('what detection does to entries', () => {
  it('returns the bytes it adds, as Loki counts structured metadata', () => {
    const d = new FieldDetector(limits());
    const entries = [entry('an error'), entry('plain'), entry('x', [{ name: 'level', value: 'notice' }])];
    const added = d.detect(labels('{a="b"}'), entries);
    assert.equal(added, 'detected_level'.length * 3 + 'error'.length + 'unknown'.length + 'notice'.length);
  });

  it('counts a normalised detected_level by the bytes it saves', () => {
    const e = entry('x', [{ name: 'detected_level', value: 'WARNING' }]);
    assert.equal(new FieldDetector(limits()).detect(labels('{a="b"}'), [e]), 'warn'.length - 'WARNING'.length);
  });

  it('leaves metadata arrays shared between entries untouched', () => {
    const shared: Label[] = [{ name: 'service', value: 'x' }];
    const a = entry('an error', shared);
    const b = entry('some info', shared);
    new FieldDetector(limits()).detect(labels('{a="b"}'), [a, b]);
    assert.deepEqual(shared, [{ name: 'service', value: 'x' }]);
    assert.equal(a.structuredMetadata[1]!.value, 'error');
    assert.equal(b.structuredMetadata[1]!.value, 'info');
  });

  it('shares one frozen array per level between entries that had no metadata', () => {
    const a = entry('an error');
    const b = entry('another error');
    new FieldDetector(limits()).detect(labels('{a="b"}'), [a, b]);
    assert.equal(a.structuredMetadata, b.structuredMetadata);
    assert.ok(Object.isFrozen(a.structuredMetadata));
  });

  it('keeps one detector per limits object, none when detection is off', () => {
    const on = limits();
    assert.equal(fieldDetectorFor(on), fieldDetectorFor(on));
    assert.equal(fieldDetectorFor(limits({ discover_log_levels: false })), null);
    assert.equal(fieldDetectorFor(limits({ allow_structured_metadata: false })), null);
  });
});

describe('detection in the distributor push path', () => {
  function setup(over: Partial<DistributorLimits> = {}) {
    const lim: DistributorLimits = {
      ...defaultConfig().limits_config,
      reject_old_samples: false,
      discover_log_levels: true,
      ...over,
    };
    const pushed: IngestStream[] = [];
    const teed: IngestStream[] = [];
    const registry = new Registry();
    const d = new Distributor({
      limits: () => lim,
      ingester: {
        async push(_tenant, streams) {
          pushed.push(...streams);
        },
      },
      discarded: new DiscardMetrics(registry),
      registry,
      parseLabels: parseStreamLabels,
      tee: (_tenant, streams) => teed.push(...streams),
    });
    return { d, pushed, teed, registry };
  }
  const now = Date.now();
  const at = (line: string, sm: Label[] = []): PushEntry => ({
    sec: Math.floor(now / 1000),
    nanos: 0,
    line: Buffer.from(line),
    structuredMetadata: sm,
  });

  it('adds detected_level to what reaches the ingester and the tee', async () => {
    const { d, pushed, teed } = setup();
    await d.push('t', {
      streams: [{ labels: '{app="a"}', entries: [at('{"level":"warn"}'), at('level=debug'), at('ERROR boom')] }],
    });
    const levels = pushed[0]!.entries.map((e) => e.structuredMetadata.map((l) => `${l.name}=${l.value}`).join());
    assert.deepEqual(levels, ['detected_level=warn', 'detected_level=debug', 'detected_level=error']);
    assert.equal(teed[0]!.entries[2]!.structuredMetadata[0]!.value, 'error');
  });

  it('adds nothing with discover_log_levels off', async () => {
    const { d, pushed } = setup({ discover_log_levels: false });
    await d.push('t', { streams: [{ labels: '{app="a"}', entries: [at('ERROR boom')] }] });
    assert.deepEqual(pushed[0]!.entries[0]!.structuredMetadata, []);
  });

  it('detects after validation: detected_level does not count toward max_structured_metadata_size', async () => {
    const { d, pushed } = setup({ max_structured_metadata_size: 8 });
    await d.push('t', {
      streams: [{ labels: '{app="a"}', entries: [at('ERROR boom', [{ name: 'k', value: '1234567' }])] }],
    });
    assert.deepEqual(
      pushed[0]!.entries[0]!.structuredMetadata.map((l) => l.name),
      ['k', 'detected_level'],
    );
  });

  it('counts detected bytes toward the ingestion rate, not toward bytes received', async () => {
    const line = 'x'.repeat(90);
    const burst = 100 / (1024 * 1024);
    const on = setup({ ingestion_rate_strategy: 'local', ingestion_rate_mb: burst, ingestion_burst_size_mb: burst });
    await assert.rejects(
      on.d.push('t', { streams: [{ labels: '{app="a"}', entries: [at(line)] }] }),
      (err: unknown) =>
        err instanceof PushError &&
        err.status === 429 &&
        err.message.includes(`totaling '${90 + 'detected_levelunknown'.length}' bytes`),
    );
    const off = setup({
      discover_log_levels: false,
      ingestion_rate_strategy: 'local',
      ingestion_rate_mb: burst,
      ingestion_burst_size_mb: burst,
    });
    await off.d.push('t', { streams: [{ labels: '{app="a"}', entries: [at(line)] }] });
    assert.equal(off.pushed.length, 1);

    const roomy = setup();
    await roomy.d.push('t', { streams: [{ labels: '{app="a"}', entries: [at(line)] }] });
    const received = await roomy.registry.getSingleMetric('loki_distributor_bytes_received_total')!.get();
    assert.equal(received.values[0]!.value, 90);
  });
});
