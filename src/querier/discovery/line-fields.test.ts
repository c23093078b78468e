import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsToRecord } from '../../util/labels.js';
import { LineFieldParser } from './line-fields.js';

const stream = [{ name: 'app', value: 'api' }];

describe('fields of a log line', () => {
  it('parses JSON lines with the json parser, flattening nested keys', () => {
    const r = new LineFieldParser().parse(stream, '{"level":"info","status":200,"req":{"ip":"10.0.0.1"}}');
    assert.equal(r.parser, 'json');
    assert.deepEqual(labelsToRecord(r.fields), { level: 'info', req_ip: '10.0.0.1', status: '200' });
    assert.deepEqual(r.jsonPaths?.get('req_ip'), ['req', 'ip']);
  });

  it('falls back to lenient logfmt and drops empty values', () => {
    const r = new LineFieldParser().parse(stream, 'level=warn msg="slow request" duration=1.5s empty= broken"');
    assert.equal(r.parser, 'logfmt');
    assert.deepEqual(labelsToRecord(r.fields), { duration: '1.5s', level: 'warn', msg: 'slow request' });
    assert.equal(r.jsonPaths, undefined);
  });

  it('reports lines that are neither format as logfmt with whatever pairs they hold', () => {
    const r = new LineFieldParser().parse(stream, 'GET /index.html 200');
    assert.equal(r.parser, 'logfmt');
    assert.deepEqual(r.fields, []);
  });

  it('renames fields that collide with a stream label to <name>_extracted', () => {
    const parser = new LineFieldParser();
    assert.deepEqual(labelsToRecord(parser.parse(stream, '{"app":"web"}').fields), { app_extracted: 'web' });
    assert.deepEqual(labelsToRecord(parser.parse(stream, 'app=web').fields), { app_extracted: 'web' });
  });

  it('never reports the parsers error labels as fields', () => {
    const r = new LineFieldParser().parse(stream, '{"a":1');
    assert.ok(r.fields.every((l) => !l.name.startsWith('__')));
  });
});
