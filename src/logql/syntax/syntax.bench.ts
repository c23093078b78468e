// Parse-time benchmark (not a test): node --import tsx src/logql/syntax/syntax.bench.ts
//
// Prints the mean time per call for the entry points on the query and push
// paths, after a warm-up so that the optimising compiler has settled.
import { formatExpr, parseExpr, parseStreamLabels, prettifyExpr } from './index.js';

const queries: Record<string, string> = {
  selector: '{app="api", env="prod", cluster=~"eu-.*"}',
  pipeline:
    '{app="api", env="prod"} |= "error" != "timeout" | json | status >= 500 and duration > 250ms | line_format "{{.msg}}"',
  metric:
    'sum by (status) (rate({app="api", env="prod"} |= "error" | logfmt | unwrap duration(took) | __error__="" [5m])) / sum by (status) (count_over_time({app="api"}[5m]))',
};

function measure(name: string, fn: () => unknown, iterations = 50_000): void {
  for (let i = 0; i < 5_000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${name.padEnd(32)} ${(ns / 1000).toFixed(2).padStart(8)} µs/op`);
}

for (const [name, q] of Object.entries(queries)) measure(`parseExpr ${name}`, () => parseExpr(q));
const metric = parseExpr(queries.metric);
measure('formatExpr metric', () => formatExpr(metric));
measure('prettifyExpr metric', () => prettifyExpr(metric));
measure('parseStreamLabels common shape', () =>
  parseStreamLabels('{app="api", env="prod", pod="api-7d9f", namespace="web"}'),
);
measure('parseStreamLabels with escapes', () => parseStreamLabels('{app="a\\"pi", env="prod"}'));
