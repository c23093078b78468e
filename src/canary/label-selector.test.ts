import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCountOverTimeQuery, buildLabelSelector, buildLogQuery, pushLabels } from './label-selector.js';

const identity = {
  labelName: 'name',
  labelValue: 'loki-canary',
  streamName: 'stream',
  streamValue: 'stdout',
  labels: '',
};

describe('label selectors', () => {
  it('selects the stream pair first, then the label pair', () => {
    assert.equal(buildLabelSelector(identity), '{stream="stdout",name="loki-canary"}');
  });

  it('uses -labels instead of the two pairs when given', () => {
    assert.equal(
      buildLabelSelector({ ...identity, labels: 'service=loki,app=canary=x' }),
      '{service="loki",app="canary=x"}',
    );
    assert.throws(() => buildLabelSelector({ ...identity, labels: 'service=loki,app' }), {
      message: 'invalid label format: app, expected key=value',
    });
  });

  it('appends -query-append after a space, also when empty', () => {
    assert.equal(buildLogQuery('{a="b"}', ''), '{a="b"} ');
    assert.equal(buildLogQuery('{a="b"}', '| json'), '{a="b"} | json');
  });

  it('builds the count_over_time of the metric and cache tests', () => {
    assert.equal(buildCountOverTimeQuery('{a="b"}', '', '86400s'), 'count_over_time({a="b"}[86400s])');
    assert.equal(buildCountOverTimeQuery('{a="b"}', '|= "x"', '60s'), 'count_over_time({a="b"} |= "x"[60s])');
  });

  it("labels pushed streams as Prometheus' LabelSet prints them", () => {
    assert.equal(pushLabels({ ...identity, streamValue: 'push' }), '{name="loki-canary", stream="push"}');
    assert.equal(
      pushLabels({ ...identity, labelName: 'job', labelValue: 'a', streamName: 'job', streamValue: 'b' }),
      '{job="b"}',
    );
    assert.equal(pushLabels({ ...identity, labelValue: 'say "hi"' }), '{name="say \\"hi\\"", stream="stdout"}');
  });
});
