import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UTC_ZONE } from '../format/time-zone.js';
import { StdLogger } from '../io.js';
import { ProgressBar, renderProgress } from './progress.js';

// Carriage return, then erase to the end of the line.
const CLEAR = '\r\x1b[K';

describe('the progress bar', () => {
  it('shows the share done, parts, lines and elapsed time', () => {
    assert.equal(
      renderProgress({ fraction: 0.5, lines: 1204, elapsedMs: 7_500, parts: { done: 3, total: 6 } }, 80),
      `[${'='.repeat(20)}>${' '.repeat(19)}]  50%  3/6 parts  1204 lines  00:07`,
    );
    assert.equal(
      renderProgress({ fraction: 1, lines: 5, elapsedMs: 3_723_000 }, 80),
      `[${'='.repeat(40)}] 100%  5 lines  1:02:03`,
    );
  });

  it('drops the bar on a narrow terminal', () => {
    assert.equal(renderProgress({ fraction: 0.25, lines: 1, elapsedMs: 0 }, 30), ' 25%  1 lines  00:00');
  });

  it('draws below log lines and is cleared at the end', () => {
    const written: string[] = [];
    let now = 0;
    const log = new StdLogger({ write: (t: string) => written.push(t) > 0 }, UTC_ZONE, () => now);
    const bar = new ProgressBar(log, 60, () => now, 100);
    bar.update({ fraction: 0.1, lines: 10 });
    log.print('a log line');
    now = 50;
    bar.update({ lines: 5 }); // too soon to redraw
    now = 200;
    bar.update({ fraction: 0.2 });
    bar.finish();
    assert.equal(written.length, 4);
    assert.ok(written[0].startsWith(`${CLEAR}[`) && written[0].endsWith(']  10%  10 lines  00:00'));
    assert.ok(written[1].startsWith(`${CLEAR}1970/01/01 00:00:00 a log line\n[`) && written[1].includes(']  10%'));
    assert.ok(written[2].startsWith(`${CLEAR}[`) && written[2].endsWith(']  20%  15 lines  00:00'));
    assert.equal(written[3], CLEAR);
  });
});
