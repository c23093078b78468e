import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkTemplateSyntax,
  type ExpandOptions,
  expandTemplate,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizeTimestamp,
} from './templates.js';

const base: ExpandOptions = {
  name: '__alert_HighErrors',
  labels: [
    { name: 'app', value: 'web' },
    { name: 'env', value: 'prod' },
  ],
  externalLabels: [{ name: 'cluster', value: 'eu-1' }],
  externalURL: 'https://grafana.example/loki',
  value: 1234.5678,
  timestampMs: 1_700_000_000_000,
};

test('$labels, $value, $externalLabels and $externalURL are defined for alert templates', async () => {
  const out = await expandTemplate(
    '{{ $labels.app }}/{{ $labels.env }}={{ $value }} in {{ $externalLabels.cluster }} at {{ $externalURL }}',
    base,
  );
  assert.equal(out, 'web/prod=1234.5678 in eu-1 at https://grafana.example/loki');
});

test('a missing label reads as an empty string, as with missingkey=zero over map[string]string', async () => {
  assert.equal(await expandTemplate('[{{ $labels.nope }}]', base), '[]');
});

test('humanize functions format as Prometheus does', () => {
  assert.equal(humanize(1234.5678), '1.235k');
  assert.equal(humanize(0.001234), '1.234m');
  assert.equal(humanize(0), '0');
  assert.equal(humanize(2e9), '2G');
  assert.equal(humanize1024(2048), '2ki');
  assert.equal(humanize1024(0.5), '0.5');
  assert.equal(humanizeDuration(1234.5678), '20m 34s');
  assert.equal(humanizeDuration(90061), '1d 1h 1m 1s');
  assert.equal(humanizeDuration(1.5), '1.5s');
  assert.equal(humanizeDuration(0.0015), '1.5ms');
  assert.equal(humanizeDuration(0), '0s');
  assert.equal(humanizeTimestamp(1_700_000_000), '2023-11-14 22:13:20 +0000 UTC');
});

test('template functions are reachable by name and through pipelines', async () => {
  const out = await expandTemplate(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${1} is a Go regexp group reference, not JS interpolation
    '{{ $value | humanize }} {{ humanizePercentage 0.256 }} {{ printf "%.1f" $value }} {{ toUpper "up" }} {{ title "big deal" }} {{ reReplaceAll "(w)eb" "${1}ww" $labels.app }} {{ stripPort "host:9090" }} {{ parseDuration "1m30s" }} {{ now }}',
    base,
  );
  assert.equal(out, '1.235k 25.6% 1234.6 UP Big Deal www host 90 1.7e+09');
});

test('query runs a LogQL query at the evaluation time and its result can be read', async () => {
  const seen: string[] = [];
  const out = await expandTemplate(
    '{{ with query "sum(rate({app=\\"web\\"}[1m]))" }}{{ . | first | value | humanize }}{{ end }}|{{ range query "by_app" }}{{ .Labels.app }}={{ .Value }};{{ end }}',
    {
      ...base,
      query: async (q) => {
        seen.push(q);
        return q === 'by_app'
          ? [
              { labels: [{ name: 'app', value: 'a' }], value: 1 },
              { labels: [{ name: 'app', value: 'b' }], value: 2 },
            ]
          : [{ labels: [], value: 4321 }];
      },
    },
  );
  assert.equal(out, '4.321k|a=1;b=2;');
  assert.deepEqual(seen.sort(), ['by_app', 'sum(rate({app="web"}[1m]))']);
});

test('an execution error names the template as Prometheus does', async () => {
  await assert.rejects(
    expandTemplate('{{ humanize "many" }}', base),
    (err: Error) =>
      err.message.startsWith('error executing template __alert_HighErrors: template: __alert_HighErrors:1:') &&
      err.message.endsWith('error calling humanize: strconv.ParseFloat: parsing "many": invalid syntax'),
  );
  await assert.rejects(
    expandTemplate('{{ query "x" | first }}', { ...base, query: async () => [] }),
    /first\(\) called on vector with no elements/,
  );
});

test('upload-time checks parse templates without $externalURL, as Loki does', () => {
  assert.equal(checkTemplateSyntax('A', '{{ $labels.app }} {{ $value | humanize }}'), null);
  assert.equal(checkTemplateSyntax('A', '{{ nope }}'), 'template: __alert_A:1: function "nope" not defined');
  assert.equal(
    checkTemplateSyntax('A', '{{ $externalURL }}'),
    'template: __alert_A:1: undefined variable "$externalURL"',
  );
});
