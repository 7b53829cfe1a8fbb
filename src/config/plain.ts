// The schema validator must see plain JSON values, while the ensemble keeps PyYAML's (a float that prints `1.0`, a
// date that prints `2020-01-01`). A plain copy is validated; the original is kept for vars, runs, settings and args.
import { PyDate, PyFloat } from './values.js';

/** Whether a value is a mapping read from YAML (a plain object, not a list, date or float). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyDate) && !(value instanceof Number);
}

/** A copy with PyFloat as number and PyDate as the text Python's str() gives (a date where a string is expected reads as that text). */
export function toPlain(value: unknown): unknown {
  if (value instanceof PyFloat) return value.valueOf();
  if (value instanceof PyDate) return value.toString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (!isMapping(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: toPlain(inner), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** The value at a data path, or undefined where the path leads nowhere. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isMapping(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}
