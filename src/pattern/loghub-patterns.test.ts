// Patterns of real logs: the loghub samples of several systems go through the
// detector as the push path feeds it, and the query must report the message
// templates a reader sees in those logs, with line counts that a plain regular
// expression over the same lines confirms.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PATTERN_DETECTOR_CONFIG, type PatternDetectorConfig } from './config.js';
import { PatternDetector } from './pattern-detector.js';
import type { PatternSeries } from './query.js';
import { loghubLines } from './test-loghub.js';

const SEC = 1_000_000_000n;
const BASE = 1_700_000_000n * SEC;

function detect(system: string, config: PatternDetectorConfig = DEFAULT_PATTERN_DETECTOR_CONFIG) {
  const detector = new PatternDetector(config, () => 0);
  const lines = loghubLines(system);
  const labels = [{ name: 'service_name', value: system }];
  const key = `{service_name="${system}"}`;
  for (let i = 0; i < lines.length; i++) detector.observe('loghub', key, labels, BASE + BigInt(i) * SEC, lines[i]!);
  const series = detector.query('loghub', () => true, BASE, BASE + BigInt(lines.length) * SEC, 3600n * SEC);
  return { detector, lines, key, series };
}

const totals = (series: PatternSeries[]) => series.map((s) => [s.pattern, s.samples.reduce((n, [, c]) => n + c, 0)]);
const countMatching = (lines: string[], re: RegExp) => lines.filter((l) => re.test(l)).length;

describe('patterns of real logs (loghub)', () => {
  it('Apache: one pattern per message and day, with the varying times, pids and slots as placeholders', () => {
    const { lines, series } = detect('Apache');
    const found = (day: string) =>
      countMatching(
        lines,
        new RegExp(`^\\[${day} \\S+ 2005\\] \\[notice\\] jk2_init\\(\\) Found child \\d+ in scoreboard slot \\d+$`),
      );
    assert.deepEqual(totals(series), [
      ['[Sun Dec 04 <_> 2005] [notice] jk2_init() Found child <_> in scoreboard slot <_>', found('Sun Dec 04')],
      ['[Mon Dec 05 <_> 2005] [notice] jk2_init() Found child <_> in scoreboard slot <_>', found('Mon Dec 05')],
      ['[Sun Dec 04 <_> 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties', 298],
      ['[Sun Dec 04 <_> 2005] [error] mod_jk child workerEnv in error state <_>', 281],
      ['[Mon Dec 05 <_> 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties', 271],
      ['[Mon Dec 05 <_> 2005] [error] mod_jk child workerEnv in error state <_>', 258],
    ]);
  });

  it('HDFS: the data node and name system messages, blocks and addresses as placeholders', () => {
    const { lines, series } = detect('HDFS');
    assert.deepEqual(totals(series), [
      [
        '<_> <_> <_> INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: <_> is added to <_> size <_>',
        countMatching(lines, /NameSystem\.addStoredBlock: blockMap updated/),
      ],
      [
        '<_> <_> <_> INFO dfs.DataNode$PacketResponder: PacketResponder <_> for block <_> terminating',
        countMatching(lines, /PacketResponder \d+ for block \S+ terminating$/),
      ],
      ['<_> <_> <_> INFO dfs.DataNode$DataXceiver: Receiving block <_> src: <_> dest: <_>', 292],
      ['<_> <_> <_> INFO dfs.DataNode$PacketResponder: Received block <_> of size <_> from <_>', 292],
      ['<_> <_> <_> INFO dfs.FSDataset: Deleting block <_> file <_>', 263],
      ['<_> <_> <_> INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: <_> is added to invalidSet of <_>', 224],
      ['<_> <_> <_> INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: <_> <_>', 115],
      ['<_> <_> <_> INFO dfs.DataNode$DataXceiver: <_> Served block <_> to <_>', 80],
      ['<_> <_> <_> WARN dfs.DataNode$DataXceiver: <_> exception while serving <_> to <_>', 80],
    ]);
  });

  it('OpenSSH: the most frequent sshd messages, hosts, users and ports as placeholders', () => {
    const { lines, series } = detect('OpenSSH');
    assert.deepEqual(totals(series).slice(0, 5), [
      [
        'Dec 10 <_> LabSZ sshd[<_>]: Received disconnect from <_> 11: Bye Bye [preauth]',
        countMatching(lines, /Received disconnect from \S+ 11: Bye Bye \[preauth\]$/),
      ],
      [
        'Dec 10 <_> LabSZ sshd[<_>]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=<_>  user=<_>',
        countMatching(lines, /authentication failure; .* rhost=\S+ {2}user=\S+$/),
      ],
      [
        'Dec 10 <_> LabSZ sshd[<_>]: Failed password for root from <_> port <_> ssh2',
        countMatching(lines, /sshd\[\d+\]: Failed password for root from \S+ port \d+ ssh2$/),
      ],
      ['Dec 10 <_> LabSZ sshd[<_>]: pam_unix(sshd:auth): check pass; user unknown', 135],
      ['Dec 10 <_> LabSZ sshd[<_>]: Failed password for invalid user <_> from <_> port <_> ssh2', 133],
    ]);
  });

  it('reports only patterns with at least 30 lines, most frequent first', () => {
    for (const system of ['Android', 'Linux', 'Spark', 'Zookeeper']) {
      const { series } = detect(system);
      const counts = totals(series).map(([, n]) => n as number);
      assert.ok(counts.length > 0, system);
      assert.ok(
        counts.every((n, i) => n >= 30 && (i === 0 || counts[i - 1]! >= n)),
        system,
      );
    }
  });

  it('Mac: a system with hundreds of templates fills max_clusters without pausing', () => {
    const { detector, key } = detect('Mac');
    const drain = detector.stream('loghub', key)!.drain('unknown')!;
    assert.equal(drain.clusters().length, 300);
    assert.equal(drain.isPaused(0), false);
  });

  it('Mac: with room for 100 clusters the evictions pass a quarter of the lines and detection pauses', () => {
    const { detector, key } = detect('Mac', { ...DEFAULT_PATTERN_DETECTOR_CONFIG, maxClusters: 100 });
    const drain = detector.stream('loghub', key)!.drain('unknown')!;
    assert.equal(drain.clusters().length, 100);
    assert.equal(drain.isPaused(0), true);
  });
});
