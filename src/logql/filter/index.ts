// LogQL line filters: `|=`, `!=`, `|~`, `!~`, `|>`, `!>` and `ip()`.
export { IP_INVALID_OPERATION, LineFilterError } from './errors.js';
export { compileIpMatcher, type IpMatcher, IpPatternError } from './ip.js';
export { compileLineFilter } from './line-filter.js';
export type {
  LineFilter,
  LineFilterHints,
  LineFilterOp,
  LineFilterSpec,
  LineFilterValue,
  RequiredLiteral,
} from './types.js';
