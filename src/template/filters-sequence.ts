// Jinja2's filters that pick from, order or cut up a sequence, where nunjucks' own differ: `dictsort` with its
// keywords, `sort` with Python's order and stability, `first` and `last` of a dict (its keys), `batch`, `slice`,
// `reverse`, `list` and `length` of the Python types, and `attr`, which reads attributes and never keys.
import { PyFloat } from '../config/values.js';
import { typeFault } from './fault.js';
import { lookupAttributeOnly, lookupMember } from './python-methods.js';
import { pyCompare } from './python-ops.js';
import { PyBytes, makeTuple } from './python-types.js';
import { isPlainObject, pyStr } from './python.js';

/** A value as Python's list() sees it: a string's characters, a dict's keys. */
export function toList(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return [...value];
  if (typeof value === 'string' || value instanceof String) return [...String(value)];
  if (isPlainObject(value)) return Object.keys(value);
  if (value instanceof PyBytes) return [...value.data];
  throw typeFault(`'${pyStr(value)}' is not iterable`);
}

/** Follows a Jinja2 attribute path (`'user.name'`, `'0'`) into an item, item lookups first. */
export function attribute(item: unknown, path: unknown): unknown {
  let value = item;
  for (const part of String(path).split('.')) {
    if (value === undefined) return undefined;
    value = lookupMember(value, /^\d+$/.test(part) ? Number(part) : part, String(path));
  }
  return value;
}

const ignoreCase = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

/** Python's sorted(items, key, reverse): stable, and equal items keep their order when reversed too. */
export function sortBy(items: readonly unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  const sign = reverse ? -1 : 1;
  keyed.sort((a, b) => sign * (pyCompare(a.key, ['<', b.key]) ? -1 : pyCompare(b.key, ['<', a.key]) ? 1 : 0));
  return keyed.map(({ item }) => item);
}

/** `value|sort(reverse, case_sensitive, attribute)`; `attribute` may list several, comma-separated. */
export function sort(value: unknown, reverse: unknown = false, caseSensitive: unknown = false, attr: unknown = null): unknown[] {
  const parts = attr === null || attr === undefined ? [] : typeof attr === 'string' ? attr.split(',') : [attr];
  const post = caseSensitive === true ? (v: unknown) => v : ignoreCase;
  const key = (item: unknown): unknown => {
    if (parts.length === 0) return post(item);
    const keys = parts.map((part) => post(attribute(item, part)));
    return keys.length === 1 ? keys[0] : makeTuple(keys);
  };
  return sortBy(toList(value), key, reverse === true);
}

/** `d|dictsort(case_sensitive, by, reverse)`: the (key, value) pairs, sorted. */
export function dictsort(value: unknown, caseSensitive: unknown = false, by: unknown = 'key', reverse: unknown = false): unknown[] {
  if (!isPlainObject(value)) throw typeFault(`'${pyStr(value)}' has no attribute 'items'`);
  if (by !== 'key' && by !== 'value') throw typeFault('You can only sort by either "key" or "value"');
  const position = by === 'key' ? 0 : 1;
  const pairs = Object.entries(value).map((pair) => makeTuple(pair));
  return sortBy(pairs, (pair) => {
    const item = (pair as unknown[])[position];
    return caseSensitive === true ? item : ignoreCase(item);
  }, reverse === true);
}

/** `value|first`: the first item (a dict's first key); undefined for an empty sequence. */
export function first(value: unknown): unknown {
  return toList(value)[0];
}

/** `value|last`: the last item (a dict's last key). */
export function last(value: unknown): unknown {
  const items = toList(value);
  return items[items.length - 1];
}

/** `value|batch(n, fill_with)`: lists of n items, the last filled up when asked. */
export function batch(value: unknown, count: unknown, fill: unknown = null): unknown[][] {
  const size = Number(count);
  if (!(size >= 1)) throw typeFault('batch size must be at least 1');
  const out: unknown[][] = [];
  for (const item of toList(value)) {
    if (out.length === 0 || out[out.length - 1]!.length === size) out.push([]);
    out[out.length - 1]!.push(item);
  }
  const tail = out[out.length - 1];
  if (tail && fill !== null && fill !== undefined) while (tail.length < size) tail.push(fill);
  return out;
}

/** `value|slice(n, fill_with)`: n columns of (nearly) equal length, as Jinja2 cuts them. */
export function slice(value: unknown, count: unknown, fill: unknown = null): unknown[][] {
  const items = toList(value);
  const slices = Number(count);
  const per = Math.floor(items.length / slices);
  const extra = items.length % slices;
  const out: unknown[][] = [];
  let offset = 0;
  for (let n = 0; n < slices; n++) {
    const start = offset + n * per;
    if (n < extra) offset += 1;
    const part = items.slice(start, offset + (n + 1) * per);
    if (fill !== null && fill !== undefined && n >= extra) part.push(fill);
    out.push(part);
  }
  return out;
}

/** `value|reverse`: a string reversed, or the items in reverse order. */
export function reverse(value: unknown): unknown {
  if (typeof value === 'string' || value instanceof String) return [...String(value)].reverse().join('');
  return toList(value).reverse();
}

/** `value|length`: Python's len(). */
export function length(value: unknown): number {
  if (value === undefined) return 0;
  if (isPlainObject(value)) return Object.keys(value).length;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value instanceof PyFloat) {
    throw typeFault(`object of type '${value === null ? 'NoneType' : typeof value}' has no len()`);
  }
  return toList(value).length;
}

/** `value|attr(name)`: an attribute only, as Jinja2's getattr (a dict's keys are not attributes). */
export function attr(value: unknown, name: unknown): unknown {
  return lookupAttributeOnly(value, name);
}
