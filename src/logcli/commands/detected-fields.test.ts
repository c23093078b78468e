import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Colorizer } from '../format/color.js';
import { detectedFieldsJson, detectedFieldsText } from './detected-fields.js';

const FIELDS = {
  fields: [
    { label: 'status', type: 'int', cardinality: 4, parsers: ['json'] },
    { label: 'level', type: 'string', cardinality: 5, parsers: [] },
  ],
  values: [],
};

describe('detected-fields output', () => {
  it('prints one sorted line per field', () => {
    assert.equal(
      detectedFieldsText(FIELDS, new Colorizer(false)),
      'label: level\t\ttype: string\t\tcardinality: 5\nlabel: status\t\ttype: int\t\tcardinality: 4\n',
    );
  });

  it('prints sorted values for one field, and an empty line for nothing', () => {
    assert.equal(detectedFieldsText({ fields: [], values: ['warn', 'error'] }, new Colorizer(false)), 'error\nwarn\n');
    assert.equal(detectedFieldsText({ fields: [], values: [] }, new Colorizer(false)), '\n');
  });

  it('prints JSON with empty members left out for -o raw', () => {
    assert.equal(
      detectedFieldsJson(FIELDS),
      '{"fields":[{"label":"status","type":"int","cardinality":4,"parsers":["json"]},{"label":"level","type":"string","cardinality":5}]}',
    );
    assert.equal(detectedFieldsJson({ fields: [], values: ['a'] }), '{"values":["a"]}');
    assert.equal(detectedFieldsJson({ fields: [], values: [] }), '{}');
  });
});
