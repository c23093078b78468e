// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are environment references under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandEnv } from './envsubst.js';

const env = { NAME: 'loki', EMPTY: '', DIR: '/var/lib/loki' };

test('braced references are replaced; unset variables become empty', () => {
  assert.equal(expandEnv('bucket: ${NAME}-chunks', env), 'bucket: loki-chunks');
  assert.equal(expandEnv('x: ${UNSET}', env), 'x: ');
});

test('defaults apply when the variable is unset or empty, and may nest references', () => {
  assert.equal(expandEnv('${UNSET:-fallback}', env), 'fallback');
  assert.equal(expandEnv('${EMPTY:-fallback}', env), 'fallback');
  assert.equal(expandEnv('${NAME:-fallback}', env), 'loki');
  assert.equal(expandEnv('${UNSET:=x}${UNSET=y}', env), 'xy');
  assert.equal(expandEnv('${UNSET:-${NAME}/data}', env), 'loki/data');
  assert.equal(expandEnv('${UNSET:-}', env), '');
});

test('bare $VAR is not expanded, $$ is a literal dollar, \\$ is not an escape', () => {
  assert.equal(expandEnv('$NAME', env), '$NAME');
  assert.equal(expandEnv('pa$$word', env), 'pa$word');
  assert.equal(expandEnv('$${NAME}', env), '${NAME}');
  assert.equal(expandEnv('\\${NAME}', env), '\\loki');
});

test('doubled backslashes and escaped slashes lose a backslash, as in the library Loki uses', () => {
  assert.equal(expandEnv('regex: \\\\d+', env), 'regex: \\d+');
  assert.equal(expandEnv('a\\/b', env), 'a/b');
  assert.equal(expandEnv('a\\nb', env), 'a\\nb');
});

test('string functions: length, substring, case, trimming and replacing', () => {
  assert.equal(expandEnv('${#NAME}', env), '4');
  assert.equal(expandEnv('${NAME:1}', env), 'oki');
  assert.equal(expandEnv('${NAME:1:2}', env), 'ok');
  assert.equal(expandEnv('${NAME^^}', env), 'LOKI');
  assert.equal(expandEnv('${NAME^}', env), 'Loki');
  assert.equal(expandEnv('${DIR#/var}', env), '/lib/loki');
  assert.equal(expandEnv('${DIR##*/}', env), 'loki');
  assert.equal(expandEnv('${DIR%/*}', env), '/var/lib');
  assert.equal(expandEnv('${NAME/o/0}', env), 'l0ki');
  assert.equal(expandEnv('${DIR//\\//_}', env), '_var_lib_loki');
});

test("malformed references fail with the library's messages", () => {
  assert.throws(() => expandEnv('${NAME', env), { message: 'missing closing brace' });
  assert.throws(() => expandEnv('${}', env), { message: 'unable to parse variable name' });
  assert.throws(() => expandEnv('${NAME-default}', env), { message: 'missing closing brace' });
  assert.throws(() => expandEnv('${NAME:-default', env), { message: 'unable to parse substitution within function' });
});
