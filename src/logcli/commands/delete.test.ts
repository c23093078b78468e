import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localZone, UTC_ZONE } from '../format/time-zone.js';
import { deleteListJson, deleteListText } from './delete.js';

const REQUESTS = [{ startTime: 1705276800, endTime: 1705280400, query: '{app="api"}', status: 'received' }];

describe('delete list output', () => {
  it('prints each request with local times', () => {
    assert.equal(
      deleteListText(REQUESTS, false, UTC_ZONE),
      'Found 1 delete requests:\nQuery: {app="api"}\nStart Time: 2024-01-15T00:00:00Z\nEnd Time: 2024-01-15T01:00:00Z\nStatus: received\n---\n',
    );
    assert.match(
      deleteListText(REQUESTS, true, localZone({ TZ: 'Asia/Kolkata' })),
      /^Query: .*\nStart Time: 2024-01-15T05:30:00\+05:30\n/,
    );
  });

  it('prints indented JSON for -o jsonl', () => {
    assert.equal(
      deleteListJson(REQUESTS),
      '[\n  {\n    "start_time": 1705276800,\n    "end_time": 1705280400,\n    "query": "{app=\\"api\\"}",\n    "status": "received"\n  }\n]\n',
    );
    assert.equal(deleteListJson([]), '[]\n');
    assert.equal(deleteListJson(null), 'null\n');
  });
});
