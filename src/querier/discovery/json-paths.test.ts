import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonPathOf, jsonPathsOf } from './json-paths.js';

describe('JSON paths of extracted fields', () => {
  it('maps flattened label names to the original key path', () => {
    const paths = jsonPathsOf('{"status":200,"req":{"ip":"10.0.0.1","geo":{"region":"eu"}},"user id":"u1"}');
    assert.deepEqual(paths.get('status'), ['status']);
    assert.deepEqual(paths.get('req_ip'), ['req', 'ip']);
    assert.deepEqual(paths.get('req_geo_region'), ['req', 'geo', 'region']);
    assert.deepEqual(paths.get('user_id'), ['user id']);
  });

  it('skips arrays and nulls, which the parser does not extract', () => {
    const paths = jsonPathsOf('{"tags":["a","b"],"gone":null,"ok":true}');
    assert.deepEqual([...paths.keys()], ['ok']);
  });

  it('names keys starting with a digit as the parser does', () => {
    assert.deepEqual(jsonPathsOf('{"2xx":1}').get('_2xx'), ['2xx']);
  });

  it('finds the path of a field renamed with _extracted', () => {
    const paths = jsonPathsOf('{"app":"x"}');
    assert.deepEqual(jsonPathOf(paths, 'app_extracted'), ['app']);
    assert.equal(jsonPathOf(paths, 'other'), undefined);
  });

  it('is empty for lines that are not JSON objects', () => {
    assert.equal(jsonPathsOf('level=info msg=hi').size, 0);
    assert.equal(jsonPathsOf('[1,2]').size, 0);
    assert.equal(jsonPathsOf('"text"').size, 0);
  });
});
