import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatternMatcher, parsePattern } from './pattern.js';

describe('parsePattern', () => {
  it('splits captures and literals; anything else is literal text', () => {
    assert.deepEqual(parsePattern('<foo> bar f <f>'), [{ capture: 'foo' }, { literal: ' bar f ' }, { capture: 'f' }]);
    assert.deepEqual(parsePattern('<foo'), [{ literal: '<foo' }]);
    assert.deepEqual(parsePattern('<foo ><bar>'), [{ literal: '<foo >' }, { capture: 'bar' }]);
    assert.deepEqual(parsePattern('<>'), [{ literal: '<>' }]);
    assert.deepEqual(parsePattern('<_>'), [{ capture: '_' }]);
    assert.deepEqual(parsePattern('<1_>'), [{ literal: '<1_>' }]);
    assert.deepEqual(parsePattern('▶'), [{ literal: '▶' }]);
  });
});

describe('PatternMatcher', () => {
  it('rejects patterns Loki rejects, with its messages', () => {
    assert.throws(() => new PatternMatcher('<_> only'), { message: 'at least one capture is required' });
    assert.throws(() => new PatternMatcher('<a><b>'), {
      message: "found consecutive capture '<a><b>': invalid expression",
    });
    assert.throws(() => new PatternMatcher('<a> <a>'), { message: 'duplicate capture name (a): invalid expression' });
    assert.throws(() => new PatternMatcher(''), {
      message: 'parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or LITERAL',
    });
  });

  it('matches like Loki, including partial matches', () => {
    const cases: Array<[string, string, string[]]> = [
      ['foo <foo> bar', 'foo buzz bar', ['buzz']],
      ['foo <foo> bar<fuzz>', 'foo buzz bar', ['buzz', '']],
      ['<foo>foo <bar> bar', 'foo buzz bar', ['', 'buzz']],
      ['<foo> bar<fuzz>', ' bar', ['', '']],
      ['<foo>bar<baz>', ' bar ', [' ', ' ']],
      ['<foo>', ' bar ', [' bar ']],
      ['<path>?<_>', '/api/plugins/versioncheck?slugIn=x', ['/api/plugins/versioncheck']],
      ['<path>?<_>', '/api/plugins/status', ['/api/plugins/status']],
      [
        '<_> <_> <level> | <component>: <_> peer <peer_id> <_> tcp <ip>:<_>',
        '2021-05-19 08:16:50.181436 W | rafthttp: health check for peer fd8275e521cfb532 could not connect: dial tcp 10.32.85.85:2380: connect: connection refused',
        ['W', 'rafthttp', 'fd8275e521cfb532', '10.32.85.85'],
      ],
      [
        '<_>] <level> [Log partition=<part>, dir=<dir>] ',
        '[2021-05-19 08:35:28,681] INFO [Log partition=p-636-L-fs-117, dir=/data/kafka-logs] Deleting segment',
        ['INFO', 'p-636-L-fs-117', '/data/kafka-logs'],
      ],
      ['foo <f>', 'bar foo x', []],
      ['<a> b', '', []],
    ];
    for (const [pattern, line, want] of cases) {
      assert.deepEqual([...new PatternMatcher(pattern).matches(line)], want, `${pattern} on ${line}`);
    }
  });
});
