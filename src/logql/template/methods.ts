// Methods reachable through field syntax, e.g. {{ __timestamp__.Unix }} or
// {{ (now).Format "15:04" }}: time.Time's commonly used methods and the
// String methods of time.Month and time.Weekday.

import { formatValue } from './fmt.js';
import { fn, type TemplateFunction } from './functions.js';
import { GoTime, UTC } from './gotime.js';
import { GoInt, type GoValue, int64 } from './values.js';

type TimeMethod = (t: GoTime, args: GoValue[]) => GoValue;

function intResult(n: number): bigint {
  return BigInt(n);
}

const TIME_METHODS: ReadonlyMap<string, { params: TemplateFunction['params']; call: TimeMethod }> = new Map<
  string,
  { params: TemplateFunction['params']; call: TimeMethod }
>([
  ['Unix', { params: [], call: (t) => int64(BigInt(t.sec)) }],
  ['UnixMilli', { params: [], call: (t) => int64(t.unixMilli()) }],
  ['UnixMicro', { params: [], call: (t) => int64(t.unixMicro()) }],
  ['UnixNano', { params: [], call: (t) => int64(t.unixNano()) }],
  ['Year', { params: [], call: (t) => intResult(t.fields().year) }],
  ['Month', { params: [], call: (t) => new GoInt('time.Month', BigInt(t.fields().month)) }],
  ['Day', { params: [], call: (t) => intResult(t.fields().day) }],
  ['Hour', { params: [], call: (t) => intResult(t.fields().hour) }],
  ['Minute', { params: [], call: (t) => intResult(t.fields().min) }],
  ['Second', { params: [], call: (t) => intResult(t.fields().sec) }],
  ['Nanosecond', { params: [], call: (t) => intResult(t.nsec) }],
  ['YearDay', { params: [], call: (t) => intResult(t.fields().yday) }],
  ['Weekday', { params: [], call: (t) => new GoInt('time.Weekday', BigInt(t.fields().weekday)) }],
  ['UTC', { params: [], call: (t) => t.in(UTC) }],
  ['IsZero', { params: [], call: (t) => t.isZero() }],
  ['String', { params: [], call: (t) => t.toString() }],
  ['Format', { params: ['string'], call: (t, a) => t.format(a[0] as string) }],
  ['Before', { params: ['time.Time'], call: (t, a) => compareTimes(t, a[0] as GoTime) < 0 }],
  ['After', { params: ['time.Time'], call: (t, a) => compareTimes(t, a[0] as GoTime) > 0 }],
  ['Equal', { params: ['time.Time'], call: (t, a) => compareTimes(t, a[0] as GoTime) === 0 }],
]);

function compareTimes(a: GoTime, b: GoTime): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** The method `name` of a value, bound to it, or undefined when it has none. */
export function methodOf(receiver: GoValue, name: string): TemplateFunction | undefined {
  if (receiver instanceof GoTime) {
    const m = TIME_METHODS.get(name);
    return m ? fn(m.params, (args) => m.call(receiver, args)) : undefined;
  }
  if (
    receiver instanceof GoInt &&
    name === 'String' &&
    (receiver.type === 'time.Month' || receiver.type === 'time.Weekday')
  ) {
    return fn([], () => formatValue(receiver));
  }
  return undefined;
}
