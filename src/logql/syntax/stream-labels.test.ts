import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStreamLabels, StreamLabelsError } from './stream-labels.js';

function failsWith(text: string, message: string): void {
  assert.throws(
    () => parseStreamLabels(text),
    (err: unknown) => err instanceof StreamLabelsError && err.message === message,
    `for ${text}`,
  );
}

describe('stream labels of push requests', () => {
  it('reads the common shape, sorted by name', () => {
    assert.deepEqual(parseStreamLabels('{job="api", env="prod", app="x"}'), [
      { name: 'app', value: 'x' },
      { name: 'env', value: 'prod' },
      { name: 'job', value: 'api' },
    ]);
  });

  it('drops labels with empty values and keeps duplicates for the validator', () => {
    assert.deepEqual(parseStreamLabels('{a="", b="1", b="2"}'), [
      { name: 'b', value: '1' },
      { name: 'b', value: '2' },
    ]);
  });

  it('accepts escapes, other quotes, a trailing comma, quoted names and a metric name', () => {
    assert.deepEqual(parseStreamLabels('{a="x\\"y", b=\'z\', c=`w`,}'), [
      { name: 'a', value: 'x"y' },
      { name: 'b', value: 'z' },
      { name: 'c', value: 'w' },
    ]);
    assert.deepEqual(parseStreamLabels('{"service.name"="api"}'), [{ name: 'service.name', value: 'api' }]);
    assert.deepEqual(parseStreamLabels('up{a="b"}'), [
      { name: '__name__', value: 'up' },
      { name: 'a', value: 'b' },
    ]);
  });

  it('reads empty sets as no labels', () => {
    assert.deepEqual(parseStreamLabels('{}'), []);
    assert.deepEqual(parseStreamLabels(''), []);
  });

  it("reports Prometheus' errors", () => {
    failsWith('{a="b"', '1:7: parse error: unexpected end of input inside braces');
    failsWith('{a="b}', '1:4: parse error: unterminated quoted string');
    failsWith('{a=b}', '1:4: parse error: unexpected identifier "b" in label set, expected string');
    failsWith('{a}', '1:3: parse error: unexpected "}" in label set, expected "="');
    failsWith('{a!="b"}', '1:3: parse error: unexpected <op:!=> in label set, expected "="');
    failsWith('{a="b" c="d"}', '1:8: parse error: unexpected identifier "c" in label set, expected "," or "}"');
    failsWith('{,}', '1:2: parse error: unexpected "," in label set, expected identifier or "}"');
    failsWith('{a="b"} x', '1:9: parse error: unexpected identifier "x"');
    failsWith('{a.b="c"}', "1:3: parse error: unexpected character inside braces: '.'");
    failsWith('{a="\\q"}', "1:4: parse error: unknown escape sequence U+0071 'q'");
    failsWith('{a="\ufffd"}', '1:4: parse error: invalid UTF-8 rune');
  });
});
