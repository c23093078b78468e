import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AwsStorageConfig } from './config.js';
import { parseS3Url, resolveS3Settings } from './s3-config.js';

interface Case {
  name: string;
  config: AwsStorageConfig;
  want?: Record<string, unknown>;
  error?: string;
}

function readCases(): Case[] {
  const text = readFileSync(new URL('./testdata/s3-config.txt', import.meta.url), 'utf8');
  const cases: Case[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const colon = line.indexOf(':');
      fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    if (!fields.has('case')) continue;
    cases.push({
      name: fields.get('case')!,
      config: JSON.parse(fields.get('config') ?? '{}') as AwsStorageConfig,
      ...(fields.has('want') ? { want: JSON.parse(fields.get('want')!) as Record<string, unknown> } : {}),
      ...(fields.has('error') ? { error: fields.get('error')! } : {}),
    });
  }
  return cases;
}

const cases = readCases();

test('the fixture file has cases', () => {
  assert.ok(cases.length >= 20);
});

for (const c of cases) {
  test(`storage_config.aws: ${c.name}`, () => {
    if (c.error !== undefined) {
      assert.throws(
        () => resolveS3Settings(c.config),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.equal(err.message, c.error);
          return true;
        },
      );
      return;
    }
    const settings = resolveS3Settings(c.config) as unknown as Record<string, unknown>;
    for (const [field, expected] of Object.entries(c.want ?? {})) {
      if (expected === null) assert.equal(settings[field], undefined, `${field} should be absent`);
      else assert.deepEqual(settings[field], expected, field);
    }
  });
}

test('parseS3Url decodes user info and path and keeps the host with its port', () => {
  assert.deepEqual(parseS3Url('S3://a%40b:c%3Ad@Host.Example:9000/my%20bucket'), {
    scheme: 's3',
    host: 'Host.Example:9000',
    username: 'a@b',
    password: 'c:d',
    bucket: 'my bucket',
  });
});
