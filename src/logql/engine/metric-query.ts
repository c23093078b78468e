// Metric queries: range aggregations read from the logs, then the operators above them.
import { HttpError } from '../../server/http-error.js';
import type { Expr } from '../syntax/ast.js';
import type { EngineRunContext, MetricEvaluator } from './engine.js';
import type { StepGrid } from './types.js';

export class MetricQueryEvaluator implements MetricEvaluator {
  async evaluate(
    _tenant: string,
    _expr: Expr,
    _grid: StepGrid,
    _instant: boolean,
    _ctx: EngineRunContext,
  ): Promise<{ resultType: string; result: string }> {
    throw new HttpError(501, 'metric queries are not supported yet');
  }
}
