import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningAgent, startAgent } from '../../test-agent.js';
import { type PushServer, startPushServer } from '../../test-push-server.js';
import { eventually } from '../../test-support.js';
import { SyslogFramer } from './framing.js';
import { parseRfc5424 } from './rfc5424.js';

describe('RFC 5424 parsing', () => {
  it('reads every header field, structured data and the message', () => {
    const m = parseRfc5424(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="App\\"x\\]"][other a="b"] An application event',
    );
    assert.equal(m.priority, 165);
    assert.equal(m.facility, 20);
    assert.equal(m.severity, 5);
    assert.deepEqual(m.timestamp, { sec: Date.UTC(2003, 9, 11, 22, 14, 15) / 1000, nanos: 3_000_000 });
    assert.equal(m.hostname, 'mymachine.example.com');
    assert.equal(m.appName, 'evntslog');
    assert.equal(m.procId, '1234');
    assert.equal(m.msgId, 'ID47');
    assert.deepEqual(Object.fromEntries(m.structuredData!.get('exampleSDID@32473')!), {
      iut: '3',
      eventSource: 'App"x]',
    });
    assert.equal(m.message, 'An application event');
  });

  it('treats - as absent and a missing message as absent', () => {
    const m = parseRfc5424('<13>1 - - - - - -');
    assert.equal(m.timestamp, undefined);
    assert.equal(m.hostname, undefined);
    assert.equal(m.structuredData, undefined);
    assert.equal(m.message, undefined);
  });

  it('refuses malformed headers', () => {
    assert.throws(() => parseRfc5424('<999>1 - - - - - - x'), /priority/);
    assert.throws(() => parseRfc5424('<13>0 - - - - - - x'), /version/);
    assert.throws(() => parseRfc5424('<13>1 yesterday h a p m - x'), /timestamp/);
  });
});

describe('syslog framing', () => {
  function frames(chunks: string[]): string[] {
    const out: string[] = [];
    const f = new SyslogFramer(
      8192,
      (m) => out.push(m),
      (e) => out.push(`error: ${e.message}`),
    );
    for (const c of chunks) f.push(Buffer.from(c));
    f.end();
    return out;
  }

  it('splits octet-counted messages across chunk boundaries', () => {
    assert.deepEqual(frames(['5 hello3', ' abc11 hello', ' world']), ['hello', 'abc', 'hello world']);
  });

  it('splits newline-framed messages and keeps the last unterminated one', () => {
    assert.deepEqual(frames(['<1>1 a\n<2>1 b\r\n<3', '>1 c']), ['<1>1 a', '<2>1 b', '<3>1 c']);
  });

  it('refuses an unknown framing', () => {
    assert.throws(() => frames(['hello']), /invalid or unsupported framing/);
  });
});

describe('the syslog receiver end to end', () => {
  let dir: string;
  let loki: PushServer;
  let running: RunningAgent;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skald-syslog-'));
    loki = await startPushServer();
    running = await startAgent(
      dir,
      `
clients:
  - url: ${loki.url}
    batchwait: 50ms
scrape_configs:
  - job_name: syslog
    syslog:
      listen_address: 127.0.0.1:0
      label_structured_data: true
      use_incoming_timestamp: true
      labels:
        job: syslog
    relabel_configs:
      - source_labels: [__syslog_message_hostname]
        target_label: host
      - source_labels: [__syslog_message_app_name]
        target_label: app
      - source_labels: [__syslog_message_severity]
        target_label: level
      - source_labels: [__syslog_message_facility]
        target_label: facility
      - source_labels: [__syslog_message_sd_origin_ip]
        target_label: origin
      - source_labels: [__syslog_connection_ip_address]
        target_label: peer
`,
    );
  });
  after(async () => {
    await running.stop();
    await loki.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function send(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = running.agent.receiverPort('syslog')!;
      const socket = connect(port, '127.0.0.1', () => socket.end(data));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
  }

  it('receives octet-counted and newline-framed messages with __syslog_ labels', async () => {
    const first = '<14>1 2024-03-01T12:00:00.5Z web-1 nginx 42 - [origin ip="10.0.0.9"] GET /index.html';
    await send(`${Buffer.byteLength(first)} ${first}`);
    await send('<11>1 2024-03-01T12:00:01Z db-1 postgres - - - connection refused\n<11>1 - db-1 postgres - - -\n');
    await eventually(() => loki.lines().length === 2, 5000);
    const [a, b] = loki.pushes.flatMap((p) => p.streams);
    assert.equal(
      a!.labels,
      '{app="nginx", facility="user", host="web-1", job="syslog", level="informational", origin="10.0.0.9", peer="127.0.0.1"}',
    );
    assert.deepEqual(a!.entries[0], {
      seconds: BigInt(Date.UTC(2024, 2, 1, 12) / 1000),
      nanos: 500_000_000,
      line: 'GET /index.html',
      structuredMetadata: [],
    });
    assert.equal(
      b!.labels,
      '{app="postgres", facility="user", host="db-1", job="syslog", level="error", peer="127.0.0.1"}',
    );
    assert.equal(b!.entries[0]!.line, 'connection refused');
    const metrics = (await running.get('/metrics')).body;
    assert.match(metrics, /promtail_syslog_target_entries_total 2/);
    assert.match(metrics, /promtail_syslog_empty_messages_total 1/);
  });
});
