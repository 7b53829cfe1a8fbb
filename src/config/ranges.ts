// A sweep's list written as a rule rather than value by value: `{start, stop, step}` (stop excluded) or
// `{linspace: [start, stop, num]}` (both ends included). The values are computed as Python and NumPy compute them,
// in IEEE doubles, so each prints as Python would print the same list: `0.25`, `1.0`, and `0.30000000000000004` only
// where `0 + 3 * 0.1` gives it in Python too.
import { PyFloat } from './values.js';

/** A range as written: numbers, PyFloat where the file wrote a float. */
export interface RangeSpec {
  readonly start?: unknown;
  readonly stop?: unknown;
  readonly step?: unknown;
  readonly linspace?: readonly unknown[];
}

/** What a range gives: how many values, and a way to make them once the count is known to be acceptable. */
export interface RangeValues {
  readonly size: number;
  values(): unknown[];
}

const isInt = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value);

/** The number of values of Python's `range(start, stop, step)`. */
function intRangeLength(start: number, stop: number, step: number): number {
  if (step > 0) return start < stop ? Math.floor((stop - start - 1) / step) + 1 : 0;
  return start > stop ? Math.floor((start - stop - 1) / -step) + 1 : 0;
}

/**
 * The values of `{start, stop, step}` (start 0 and step 1 unless given): integers when all three are integers
 * (Python's `range`), else PyFloat `start + i * step` for i = 0, 1, … — the value Python's
 * `[start + i * step for i in range(n)]` gives. Their count is NumPy's `arange` count, ceil((stop − start) / step),
 * less any last value that rounding carries onto or past `stop`, so stop is always excluded (NumPy's
 * `arange(1, 1.3, 0.1)` ends with 1.3000000000000003). NumPy fills its array with a step it recomputes as
 * (start + step) − start, which can differ from `step` in its last bit; here the step is the one written.
 * Returns an error message for a step of 0 or a range without values.
 */
export function expandStepRange(spec: RangeSpec): RangeValues | string {
  const start = spec.start ?? 0;
  const stop = spec.stop ?? 0;
  const step = spec.step ?? 1;
  const [a, b, c] = [Number(start), Number(stop), Number(step)];
  if (c === 0) return 'step must not be 0';
  if (![a, b, c].every(Number.isFinite)) return 'start, stop and step must be finite numbers';
  const empty = `this range has no values (start ${String(start)}, stop ${String(stop)}, step ${String(step)}; stop is excluded)`;
  if ([start, stop, step].every(isInt)) {
    const size = intRangeLength(a, b, c);
    if (size === 0) return empty;
    return { size, values: () => Array.from({ length: size }, (_, i) => a + i * c) };
  }
  let size = Math.max(0, Math.ceil((b - a) / c));
  const beyond = (value: number): boolean => (c > 0 ? value >= b : value <= b);
  while (size > 0 && beyond(a + (size - 1) * c)) size--;
  if (size === 0) return empty;
  return { size, values: () => Array.from({ length: size }, (_, i) => new PyFloat(a + i * c)) };
}

/**
 * The values of `{linspace: [start, stop, num]}`, as NumPy's `linspace(start, stop, num)`: num PyFloat values
 * i * step + start with step = (stop − start) / (num − 1), the last one `stop` itself.
 */
export function expandLinspace(spec: RangeSpec): RangeValues | string {
  const [start = 0, stop = 0, num = 0] = (spec.linspace ?? []).map(Number);
  if (![start, stop].every(Number.isFinite)) return 'linspace takes finite start and stop values';
  if (!Number.isInteger(num) || num < 1) return 'linspace takes [start, stop, num] with num a positive integer';
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  return {
    size: num,
    values: () => Array.from({ length: num }, (_, i) => new PyFloat(num > 1 && i === num - 1 ? stop : i * step + start)),
  };
}

/** Whether a range mapping is a linspace; else it is a start/stop/step range. */
export function expandRange(spec: RangeSpec): RangeValues | string {
  const keys = Object.keys(spec);
  if (keys.includes('linspace')) {
    return keys.length === 1 ? expandLinspace(spec) : 'write either {linspace: [start, stop, num]} or {start, stop, step}, not both';
  }
  if (!keys.includes('stop')) return 'a range needs stop (and may have start and step): {start: 0, stop: 1, step: 0.25}';
  return expandStepRange(spec);
}
