// The agent as a whole, against a real Skald: a `skald agent` process tails
// ten files that receive a million lines while it runs. Meanwhile the files
// are rotated (rename + create, and copytruncate), the agent is killed with
// SIGKILL and started again over the same positions file, and the server is
// killed and started again over the same data directory. Afterwards every
// line must be stored, and lines may be stored twice only for the batches
// the agent had in flight when it was killed.
//
// What no tailer can promise is kept out of the schedule, as a logrotate
// user would:
// - copytruncate: lines written between the copy and the truncation, or not
//   yet read when the file is truncated, are gone. The writer pauses the
//   file, waits until the agent has read it to its end, copies, truncates
//   and resumes.
// - positions are kept per path (Promtail's format), so a file renamed away
//   while the agent is down, or whose unread rest is still being drained
//   when the agent dies, is not read again. No rotation happens while the
//   agent is down or in the few seconds before it is killed.
import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type AgentProcess, metricByLabel, startAgentProcess } from './helpers/agent-process.js';
import { get, queryRange } from './helpers/loki-client.js';
import { freePort, type SkaldOptions, type SkaldProcess, startSkald } from './helpers/skald-process.js';

const FILES = 10;
const LINES_PER_FILE = 100_000;
const TOTAL_LINES = FILES * LINES_PER_FILE;
/** Every line is this long, newline included: `file=<n> seq=<i> ` padded with x. */
const LINE_BYTES = 100;
/** The writer spreads the lines over this long (the whole run takes a little longer). */
const WRITE_SECONDS = 45;
const LINES_PER_SECOND_PER_FILE = LINES_PER_FILE / WRITE_SECONDS;
/** No rotation in this long before the agent is killed (see the header). */
const QUIET_BEFORE_KILL_MS = 5000;
/** How long the writer keeps writing to a renamed file before it opens the new one. */
const REOPEN_DELAY_MS = 300;

// The agent's client settings, from which the duplicate bound below follows.
const BATCH_SIZE = 256 * 1024;
const BATCH_WAIT = '250ms';
const CLIENTS = 1;
const TENANTS = 1;
/**
 * What the agent can send twice after SIGKILL: lines the server accepted
 * but whose offsets had not reached the positions file yet. Counted in
 * batches of `batchsize`, per client and tenant:
 * - 4: the flow-control high-water mark (3 batches, at least 1 MiB) up to
 *   which the agent holds read lines in batches that are being sent or wait;
 * - 1: the batch being filled;
 * - 2: how far reads already under way overshoot that mark (4 read turns of
 *   128 KiB);
 * - 2: batches accepted while the positions file was being written (writes
 *   follow each move of an offset, one at a time);
 * - 1: lines accepted whose offset waits for the rest of their read run (up
 *   to 16 KiB per file share one acknowledgement; 10 files).
 * The agent re-reads after its restart at most that.
 */
const IN_FLIGHT_BATCHES = 4 + 1 + 2 + 2 + 1;
const DUPLICATE_BOUND = Math.floor((BATCH_SIZE * CLIENTS * TENANTS * IN_FLIGHT_BATCHES) / LINE_BYTES);

const PAGE_LINES = 20_000;
const JOB = 'agent-e2e';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function line(file: number, seq: number): string {
  const head = `file=${file} seq=${String(seq).padStart(6, '0')} `;
  return `${head.padEnd(LINE_BYTES - 1, 'x')}\n`;
}

interface WrittenFile {
  readonly index: number;
  readonly path: string;
  fd: number;
  written: number;
  paused: boolean;
  /** After a rename: until then lines still go to the renamed file through the old descriptor. */
  reopenAt: number | undefined;
  rotations: number;
}

/** Appends lines to every file at a steady pace, as applications log; the test rotates behind it. */
class Writer {
  readonly files: WrittenFile[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly started = performance.now();
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => {
    this.resolveDone = r;
  });

  constructor(readonly dir: string) {
    for (let i = 0; i < FILES; i++) {
      const path = join(dir, `app-${i}.log`);
      this.files.push({
        index: i,
        path,
        fd: openSync(path, 'a'),
        written: 0,
        paused: false,
        reopenAt: undefined,
        rotations: 0,
      });
    }
    this.timer = setInterval(() => this.tick(), 20);
  }

  get written(): number {
    let n = 0;
    for (const f of this.files) n += f.written;
    return n;
  }

  private tick(): void {
    const now = performance.now();
    const due = Math.min(LINES_PER_FILE, Math.floor(((now - this.started) / 1000) * LINES_PER_SECOND_PER_FILE));
    for (const f of this.files) {
      if (f.reopenAt !== undefined && now >= f.reopenAt) {
        closeSync(f.fd);
        f.fd = openSync(f.path, 'a');
        f.reopenAt = undefined;
      }
      if (f.paused || f.written >= due) continue;
      let text = '';
      for (let s = f.written; s < due; s++) text += line(f.index, s);
      writeSync(f.fd, text);
      f.written = due;
    }
    if (this.files.every((f) => f.written === LINES_PER_FILE && f.reopenAt === undefined)) {
      clearInterval(this.timer);
      this.resolveDone();
    }
  }

  /** Rename + create: the file is renamed; the writer notices a little later and opens a new one. */
  renameRotate(f: WrittenFile): void {
    f.rotations++;
    renameSync(f.path, `${f.path}.${f.rotations}`);
    f.reopenAt = performance.now() + REOPEN_DELAY_MS;
  }

  /** Copytruncate while the file is paused and fully read (see the header). */
  async copyTruncate(f: WrittenFile, readTo: () => Promise<number>): Promise<void> {
    f.paused = true;
    try {
      const size = statSync(f.path).size;
      const deadline = Date.now() + 30_000;
      while ((await readTo()) < size) {
        if (Date.now() > deadline) throw new Error(`the agent did not read ${f.path} to its end in time`);
        await sleep(25);
      }
      f.rotations++;
      copyFileSync(f.path, `${f.path}.${f.rotations}`);
      truncateSync(f.path, 0);
    } finally {
      f.paused = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const f of this.files) closeSync(f.fd);
  }
}

function agentConfig(dir: string, skaldUrl: string, httpPort: number): string {
  return `server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${httpPort}
  grpc_listen_port: 0
  log_level: warn
positions:
  filename: ${join(dir, 'positions.yaml')}
clients:
  - url: ${skaldUrl}/loki/api/v1/push
    batchwait: ${BATCH_WAIT}
    batchsize: ${BATCH_SIZE}
    timeout: 10s
    backoff_config:
      min_period: 100ms
      max_period: 1s
      max_retries: 600
target_config:
  sync_period: 1s
scrape_configs:
  - job_name: e2e
    static_configs:
      - targets: [localhost]
        labels:
          job: ${JOB}
          __path__: ${join(dir, 'logs', '*.log')}
`;
}

/** The offsets in a positions file (`  <path>: "<offset>"` lines; the test's paths need no quoting). */
function savedOffsets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^ {2}(.+): "(\d+)"$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** Peak resident memory of a process in MB (Linux), for the report. */
function peakRssMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function storedLineCount(url: string): Promise<number> {
  const r = await get<{ data: { result: Array<{ value: [number, string] }> } }>(url, '/loki/api/v1/query', {
    query: `sum(count_over_time({job="${JOB}"}[1h]))`,
  });
  if (r.status !== 200) return -1;
  return Number(r.json.data.result[0]?.value[1] ?? 0);
}

/** Runs [from, to] of consecutive sequence numbers whose count satisfies `pick`. */
function runsOf(seen: Uint8Array, pick: (count: number) => boolean): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let s = 0; s < seen.length; s++) {
    if (!pick(seen[s]!)) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === s - 1) last[1] = s;
    else runs.push([s, s]);
  }
  return runs;
}

interface Tally {
  /** Times each sequence number of the file was returned. */
  readonly seen: Uint8Array;
  foreign: number;
}

/** Reads one file's stream in time-ordered pages, counting each sequence number. */
async function tallyFile(url: string, path: string, file: number, fromNs: bigint, toNs: bigint): Promise<Tally> {
  const tally: Tally = { seen: new Uint8Array(LINES_PER_FILE), foreign: 0 };
  const query = `{job="${JOB}", filename="${path}"}`;
  let start = fromNs;
  // Lines already counted at exactly `start` (the next page starts at the last page's last timestamp).
  let atStart = new Set<string>();
  for (;;) {
    const r = await queryRange(url, {
      query,
      start: String(start),
      end: String(toNs),
      limit: String(PAGE_LINES),
      direction: 'forward',
    });
    assert.equal(r.status, 200, r.text.slice(0, 500));
    const values = r.json.data.result.flatMap((s) => s.values);
    values.sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : BigInt(a[0]) > BigInt(b[0]) ? 1 : 0));
    const startText = String(start);
    for (const [ts, text] of values) {
      if (ts === startText && atStart.has(text)) continue;
      const m = /^file=(\d+) seq=(\d+) /.exec(text);
      if (!m || Number(m[1]) !== file || Number(m[2]) >= LINES_PER_FILE) {
        tally.foreign++;
        continue;
      }
      const seq = Number(m[2]);
      tally.seen[seq] = Math.min(255, tally.seen[seq]! + 1);
    }
    if (values.length < PAGE_LINES) return tally;
    const lastTs = values[values.length - 1]![0];
    const next = BigInt(lastTs);
    const carried = new Set<string>(next === start ? atStart : []);
    for (const [ts, text] of values) if (ts === lastTs) carried.add(text);
    if (next === start && carried.size === atStart.size)
      throw new Error(`more than ${PAGE_LINES} lines share timestamp ${lastTs}`);
    start = next;
    atStart = carried;
  }
}

describe('skald agent end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skald-agent-e2e-'));
  let skald: SkaldProcess | undefined;
  let agent: AgentProcess | undefined;
  let writer: Writer | undefined;
  after(async () => {
    writer?.close();
    await agent?.kill();
    await skald?.stop();
    await skald?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships a million lines through rotations, an agent kill and a server restart', { timeout: 600_000 }, async (t) => {
    const runStartNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    const skaldOptions: SkaldOptions = {
      limits: {
        ingestion_rate_mb: 1024,
        ingestion_burst_size_mb: 2048,
        per_stream_rate_limit: '512MB',
        per_stream_rate_limit_burst: '1024MB',
        max_entries_limit_per_query: PAGE_LINES,
      },
    };
    skald = await startSkald(skaldOptions);
    const { port: skaldPort, dataDir } = skald;
    const agentPort = await freePort();
    const configFile = join(dir, 'agent.yaml');
    mkdirSync(join(dir, 'logs'));
    writeFileSync(configFile, agentConfig(dir, skald.url, agentPort));

    const started = performance.now();
    writer = new Writer(join(dir, 'logs'));
    const w = writer;
    agent = await startAgentProcess(configFile, agentPort);
    let agentPeakRss = 0;
    const readOffset = async (path: string) => {
      try {
        return (await metricByLabel(agent!.url, 'promtail_read_bytes_total', 'path')).get(path) ?? 0;
      } catch {
        return 0; // the agent is restarting
      }
    };
    const progress = async (fraction: number) => {
      while (w.written < fraction * TOTAL_LINES) await sleep(50);
    };
    let lastRotation = 0;
    const rotateAll = async () => {
      for (const f of w.files.slice(0, FILES / 2)) {
        w.renameRotate(f);
        await sleep(150);
      }
      for (const f of w.files.slice(FILES / 2)) await w.copyTruncate(f, () => readOffset(f.path));
      lastRotation = performance.now();
    };

    const events: string[] = [];
    const note = (what: string) => events.push(`${((performance.now() - started) / 1000).toFixed(1)}s ${what}`);
    for (const at of [0.1, 0.25]) {
      await progress(at);
      await rotateAll();
      note('rotated every file');
    }

    await progress(0.4);
    const quiet = QUIET_BEFORE_KILL_MS - (performance.now() - lastRotation);
    if (quiet > 0) await sleep(quiet);
    agentPeakRss = Math.max(agentPeakRss, peakRssMb(agent.child.pid));
    await agent.kill();
    // How far the saved positions trail the files: what the restarted agent reads again (sent or not).
    const saved = savedOffsets(readFileSync(join(dir, 'positions.yaml'), 'utf8'));
    let behind = 0;
    for (const f of w.files) behind += statSync(f.path).size - (saved.get(f.path) ?? 0);
    const reread = Math.round(behind / LINE_BYTES);
    note(`killed the agent (${reread} lines behind in the positions file)`);
    await sleep(2000);
    agent = await startAgentProcess(configFile, agentPort);
    note('agent started again');

    for (const at of [0.55]) {
      await progress(at);
      await rotateAll();
      note('rotated every file');
    }

    await progress(0.65);
    await skald.kill();
    note('killed the server');
    await sleep(1500);
    skald = await startSkald({ ...skaldOptions, dataDir, port: skaldPort });
    note('server started again');

    for (const at of [0.75, 0.9]) {
      await progress(at);
      await rotateAll();
      note('rotated every file');
    }
    await w.done;
    note('every line written');

    // Caught up: the agent read every file to its end, the server holds at least every line, and
    // that count no longer moves (the last batches leave up to batchwait after their lines were read).
    // Should lines be missing, this gives up after a while and the tally below says which.
    const deadline = Date.now() + 120_000;
    let stored = 0;
    for (;;) {
      const before = stored;
      stored = await storedLineCount(skald.url);
      const offsets = await metricByLabel(agent.url, 'promtail_read_bytes_total', 'path').catch(() => new Map());
      const allRead = w.files.every((f) => offsets.get(f.path) === statSync(f.path).size);
      if (stored >= TOTAL_LINES && allRead && stored === before) break;
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    note(`caught up (${stored} lines stored)`);
    agentPeakRss = Math.max(agentPeakRss, peakRssMb(agent.child.pid));

    const toNs = BigInt(Date.now() + 60_000) * 1_000_000n;
    let missing = 0;
    let duplicates = 0;
    let foreign = 0;
    const missingRuns: string[] = [];
    const duplicateRuns: string[] = [];
    for (const f of w.files) {
      const tally = await tallyFile(skald.url, f.path, f.index, runStartNs, toNs);
      foreign += tally.foreign;
      const lost = runsOf(tally.seen, (n) => n === 0);
      const twice = runsOf(tally.seen, (n) => n > 1);
      for (const [from, to] of lost) {
        missing += to - from + 1;
        missingRuns.push(`file=${f.index} seq=${from}..${to}`);
      }
      for (const [from, to] of twice) {
        for (let s = from; s <= to; s++) duplicates += tally.seen[s]! - 1;
        duplicateRuns.push(`file=${f.index} seq=${from}..${to}`);
      }
    }
    note('verified');
    for (const e of events) t.diagnostic(e);
    if (missingRuns.length > 0) t.diagnostic(`missing: ${missingRuns.slice(0, 40).join(' ')}`);
    if (duplicateRuns.length > 0) t.diagnostic(`duplicated: ${duplicateRuns.slice(0, 40).join(' ')}`);
    t.diagnostic(
      `${TOTAL_LINES} lines: ${missing} missing, ${duplicates} duplicated (bound ${DUPLICATE_BOUND}), ${foreign} unexpected; rotations per file ${w.files.map((f) => f.rotations).join(',')}; agent peak RSS ${agentPeakRss.toFixed(0)} MB`,
    );
    assert.equal(foreign, 0, 'lines that were never written (cut or mixed up)');
    assert.equal(missing, 0, `lines lost: ${missingRuns.slice(0, 10).join(', ')}`);
    assert.ok(duplicates <= DUPLICATE_BOUND, `${duplicates} duplicated lines exceed the bound of ${DUPLICATE_BOUND}`);
    // Every duplicate is a line the restarted agent read again: nothing else (rotations, the server's
    // restart, retried pushes) sent a line twice.
    assert.ok(duplicates <= reread, `${duplicates} duplicated lines, but only ${reread} were read again`);
  });
});
