import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePlain } from './resolve.js';

test('YAML 1.1 booleans include yes/no/on/off/y/n in their three spellings', () => {
  for (const t of ['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'y', 'Y'])
    assert.deepEqual(resolvePlain(t), { tag: '!!bool', value: true });
  for (const f of ['no', 'No', 'off', 'OFF', 'false', 'FALSE', 'n', 'N'])
    assert.deepEqual(resolvePlain(f), { tag: '!!bool', value: false });
  assert.deepEqual(resolvePlain('yEs'), { tag: '!!str', value: 'yEs' });
});

test('integers follow Go: hex, 0o and leading-zero octal, binary, underscores, signs', () => {
  assert.deepEqual(resolvePlain('0x1F'), { tag: '!!int', value: 31 });
  assert.deepEqual(resolvePlain('0o17'), { tag: '!!int', value: 15 });
  assert.deepEqual(resolvePlain('010'), { tag: '!!int', value: 8 });
  assert.deepEqual(resolvePlain('0b101'), { tag: '!!int', value: 5 });
  assert.deepEqual(resolvePlain('1_000'), { tag: '!!int', value: 1000 });
  assert.deepEqual(resolvePlain('-42'), { tag: '!!int', value: -42 });
  assert.deepEqual(resolvePlain('08'), { tag: '!!float', value: 8 });
});

test('floats, nulls, timestamps and everything else', () => {
  assert.deepEqual(resolvePlain('1.5'), { tag: '!!float', value: 1.5 });
  assert.deepEqual(resolvePlain('.5'), { tag: '!!float', value: 0.5 });
  assert.deepEqual(resolvePlain('1e3'), { tag: '!!float', value: 1000 });
  assert.deepEqual(resolvePlain('.inf'), { tag: '!!float', value: Number.POSITIVE_INFINITY });
  assert.deepEqual(resolvePlain('~'), { tag: '!!null', value: null });
  assert.deepEqual(resolvePlain('null'), { tag: '!!null', value: null });
  assert.deepEqual(resolvePlain(''), { tag: '!!null', value: null });
  assert.deepEqual(resolvePlain('2024-01-01'), { tag: '!!timestamp', value: '2024-01-01' });
  assert.deepEqual(resolvePlain('1h'), { tag: '!!str', value: '1h' });
  assert.deepEqual(resolvePlain('512MB'), { tag: '!!str', value: '512MB' });
  assert.deepEqual(resolvePlain('<<'), { tag: '!!merge', value: '<<' });
});
