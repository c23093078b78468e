import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromByteString, toByteString } from './byte-string.js';
import { PARAM, TokenBuffer } from './line-tokenizer.js';
import { LogfmtTokenizer } from './logfmt-tokenizer.js';

const tokenizer = new LogfmtTokenizer(3000);

function tokens(line: string, t = tokenizer): string[] | null {
  const buf = new TokenBuffer();
  return t.tokenize(toByteString(line), buf) ? buf.tokenList().map(fromByteString) : null;
}

function join(list: string[]): string {
  return fromByteString(tokenizer.join(list.map(toByteString), []));
}

describe('logfmt tokenizer', () => {
  it('gives a key token and a value token per pair, with quoted values whole', () => {
    assert.deepEqual(tokens('level=info msg="cache warmed up" entries=512'), [
      'level',
      'info',
      'msg',
      'cache warmed up',
      'entries',
      '512',
    ]);
  });

  it('gives an empty value to bare keys and to `key=`', () => {
    assert.deepEqual(tokens('ready retries= done'), ['ready', '', 'retries', '', 'done', '']);
  });

  it('replaces the values of time and trace keys by the placeholder', () => {
    assert.deepEqual(tokens('ts=2024-05-30T12:50:36Z t=1 TraceID=abc Time=now TIMESTAMP=1 tss=keep'), [
      'ts',
      PARAM,
      't',
      PARAM,
      'TraceID',
      PARAM,
      'Time',
      PARAM,
      'TIMESTAMP',
      PARAM,
      'tss',
      'keep',
    ]);
    assert.deepEqual(tokens('T=upper'), ['T', 'upper'], 'only a lower-case `t` is a time key');
  });

  it('resolves escapes in quoted values', () => {
    assert.deepEqual(tokens('err="read \\"config.yaml\\": no such file\\n" path="C:\\/tmp"'), [
      'err',
      'read "config.yaml": no such file\n',
      'path',
      'C:/tmp',
    ]);
    assert.deepEqual(tokens('smile="\\ud83d\\ude00" lone="\\ud83d"'), ['smile', '😀', 'lone', '\ufffd']);
  });

  it('skips lines that are not logfmt', () => {
    assert.equal(tokens('msg="never closed'), null);
    assert.equal(tokens('a=b=c'), null);
    assert.equal(tokens('say "hi"'), null);
    assert.equal(tokens('path="C:\\data"'), null, '\\d is no logfmt escape');
    assert.equal(tokens('=value'), null);
  });

  it('skips lines longer than the limit', () => {
    assert.equal(tokens('a=b c=d', new LogfmtTokenizer(6)), null);
    assert.notEqual(tokens('a=b c=d', new LogfmtTokenizer(7)), null);
  });

  it('prints pairs back as logfmt, quoting values only where needed', () => {
    assert.equal(join(['level', 'info', 'msg', 'cache warmed up']), 'level=info msg="cache warmed up"');
    assert.equal(join(['a', '', 'b', 'null']), 'a= b=null');
    assert.equal(join(['odd']), 'odd=');
    assert.equal(join([]), '');
    assert.equal(
      join(['q', 'say "hi"', 'eq', 'x=y', 'ctl', 'tab\there\u0001']),
      'q="say \\"hi\\"" eq="x=y" ctl="tab\\there\\u0001"',
    );
    assert.equal(join(['ts', PARAM, 'msg', 'hello']), 'ts=<_> msg=hello');
  });

  it('drops characters a key cannot hold, and prints nothing for a key left empty', () => {
    assert.equal(join(['bad"key', 'v']), 'badkey=v');
    assert.equal(join(['ok', '1', '\x7f', 'v']), '');
  });

  it('prints invalid UTF-8 in values as an escaped replacement character', () => {
    assert.equal(fromByteString(tokenizer.join(['k', 'a\xffb'], [])), 'k="a\\ufffdb"');
  });
});
