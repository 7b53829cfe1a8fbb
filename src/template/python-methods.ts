// Attribute and item access as Jinja2 does it: `run.name`, `run['name']`, `xs[-1]`, `xs[1:3]`, and the Python
// methods templates call on strings, lists, dicts and dates (`.upper()`, `.split(',')`, `.items()`,
// `.strftime('%Y')`). JS-only properties (`.length`, `.constructor`) are not visible, as they are not in Python.
import { PyDate, PyFloat } from '../config/values.js';
import { typeFault, undefinedFault } from './fault.js';
import { pyEq, pyTypeName } from './python-ops.js';
import { formatBraces } from './python-str-format.js';
import { isPlainObject, pyStr } from './python.js';
import { strftime, weekday } from './strftime.js';

type Method = (self: never, ...args: unknown[]) => unknown;

/** Splits nunjucks' trailing keyword-argument object (`f(a, b=1)`) from the positional arguments. */
export function splitKeywords(args: readonly unknown[]): { args: unknown[]; kwargs: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (isPlainObject(last) && last['__keywords'] === true) {
    const { __keywords: _, ...kwargs } = last;
    return { args: args.slice(0, -1), kwargs };
  }
  return { args: [...args], kwargs: {} };
}

/** Binds keyword arguments to positional parameters by name, as Python does: `split(maxsplit=1)`. */
export function bindKeywords(raw: readonly unknown[], names: readonly string[]): unknown[] {
  const { args, kwargs } = splitKeywords(raw);
  names.forEach((name, i) => {
    if (i >= args.length && Object.hasOwn(kwargs, name)) args[i] = kwargs[name];
  });
  return args;
}

// The parameter names of the methods that take optional arguments, for calls with keywords.
const PARAMETERS: Record<string, readonly string[]> = {
  split: ['sep', 'maxsplit'],
  strip: ['chars'],
  lstrip: ['chars'],
  rstrip: ['chars'],
  replace: ['old', 'new', 'count'],
  ljust: ['width', 'fillchar'],
  rjust: ['width', 'fillchar'],
  center: ['width', 'fillchar'],
  zfill: ['width'],
  get: ['key', 'default'],
  setdefault: ['key', 'default'],
  isoformat: ['sep'],
};

// Methods that read keyword arguments themselves.
const TAKES_KEYWORDS = new Set(['format', 'update']);

const WHITESPACE = ' \t\n\r\x0b\x0c';

function stripChars(text: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WHITESPACE : String(chars);
  let start = 0;
  let end = text.length;
  while (left && start < end && set.includes(text.charAt(start))) start++;
  while (right && end > start && set.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

function split(text: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = text.replace(/^\s+/, '');
    while (rest && parts.length < limit) {
      const match = /\s+/.exec(rest);
      if (!match) break;
      parts.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    // Past maxsplit the rest stays as it is, trailing whitespace included ('1  2 '.split(None, 1) is ['1', '2 ']).
    if (rest) parts.push(rest);
    return parts;
  }
  const separator = String(sep);
  if (separator === '') throw typeFault('empty separator');
  const all = text.split(separator);
  return all.length - 1 <= limit ? all : [...all.slice(0, limit), all.slice(limit).join(separator)];
}

function pad(text: string, width: unknown, fill: unknown, where: 'left' | 'right' | 'center'): string {
  const size = Number(width) - text.length;
  const char = fill === undefined ? ' ' : String(fill);
  if (size <= 0) return text;
  if (where === 'left') return char.repeat(size) + text;
  if (where === 'right') return text + char.repeat(size);
  // CPython's centring puts the odd pad character on the left when the width is odd.
  const left = Math.floor(size / 2) + (size & Number(width) & 1);
  return char.repeat(left) + text + char.repeat(size - left);
}

const prefixes = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [String(value)]);

const STR_METHODS: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  casefold: (s: string) => s.toLowerCase(),
  swapcase: (s: string) => s.replace(/\p{L}/gu, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s: string) => s.replace(/\p{L}+/gu, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  strip: (s: string, chars) => stripChars(s, chars, true, true),
  lstrip: (s: string, chars) => stripChars(s, chars, true, false),
  rstrip: (s: string, chars) => stripChars(s, chars, false, true),
  split: (s: string, sep, maxsplit) => split(s, sep, maxsplit),
  splitlines: (s: string) => s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((l, i, all) => l || i < all.length - 1),
  replace: (s: string, old, replacement, count) => {
    const n = typeof count === 'number' && count >= 0 ? count : Infinity;
    // An empty `old` matches before every character and at the end, as in Python.
    const parts = String(old) === '' ? ['', ...s, ''] : s.split(String(old));
    const glue = String(old) === '' ? '' : String(old);
    return parts.reduce((out, part, i) => (i === 0 ? part : out + (i <= n ? String(replacement) : glue) + part), '');
  },
  startswith: (s: string, prefix) => prefixes(prefix).some((p) => s.startsWith(p)),
  endswith: (s: string, suffix) => prefixes(suffix).some((p) => s.endsWith(p)),
  removeprefix: (s: string, p) => (s.startsWith(String(p)) ? s.slice(String(p).length) : s),
  removesuffix: (s: string, p) => (String(p) && s.endsWith(String(p)) ? s.slice(0, -String(p).length) : s),
  find: (s: string, sub) => s.indexOf(String(sub)),
  rfind: (s: string, sub) => s.lastIndexOf(String(sub)),
  index: (s: string, sub) => {
    const i = s.indexOf(String(sub));
    if (i < 0) throw typeFault('substring not found');
    return i;
  },
  count: (s: string, sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  join: (s: string, items) => (Array.isArray(items) ? items : [...String(items)]).map((item) => {
    if (typeof item !== 'string') throw typeFault(`sequence item: expected str instance, ${pyTypeName(item)} found`);
    return item;
  }).join(s),
  zfill: (s: string, width) => {
    const sign = /^[-+]/.test(s) ? s.charAt(0) : '';
    return sign + (sign ? s.slice(1) : s).padStart(Number(width) - sign.length, '0');
  },
  ljust: (s: string, width, fill) => pad(s, width, fill, 'right'),
  rjust: (s: string, width, fill) => pad(s, width, fill, 'left'),
  center: (s: string, width, fill) => pad(s, width, fill, 'center'),
  isdigit: (s: string) => /^\p{Nd}+$/u.test(s),
  isnumeric: (s: string) => /^\p{N}+$/u.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  isupper: (s: string) => /\p{L}/u.test(s) && s === s.toUpperCase(),
  islower: (s: string) => /\p{L}/u.test(s) && s === s.toLowerCase(),
  format: (s: string, ...rest) => {
    const { args, kwargs } = splitKeywords(rest);
    return formatBraces(s, args, kwargs);
  },
};

/** Calls a Python str method by name: `callStrMethod('center', text, 80)`. */
export function callStrMethod(name: string, self: string, ...args: unknown[]): unknown {
  const fn = STR_METHODS[name];
  if (!fn) throw typeFault(`'str' object has no attribute '${name}'`);
  return fn(self as never, ...args);
}

function checkedIndex(list: unknown[], index: unknown): number {
  const n = Number(index ?? -1);
  const i = n < 0 ? list.length + n : n;
  if (i < 0 || i >= list.length) throw typeFault('pop index out of range');
  return i;
}

const LIST_METHODS: Record<string, Method> = {
  append: (l: unknown[], item) => (l.push(item), null),
  extend: (l: unknown[], items) => (l.push(...(items as unknown[])), null),
  insert: (l: unknown[], i, item) => (l.splice(Number(i), 0, item), null),
  pop: (l: unknown[], i) => l.splice(checkedIndex(l, i), 1)[0],
  remove: (l: unknown[], item) => {
    const i = l.findIndex((x) => pyEq(x, item));
    if (i < 0) throw typeFault('list.remove(x): x not in list');
    return l.splice(i, 1), null;
  },
  index: (l: unknown[], item) => {
    const i = l.findIndex((x) => pyEq(x, item));
    if (i < 0) throw typeFault(`${pyStr(item)} is not in list`);
    return i;
  },
  count: (l: unknown[], item) => l.filter((x) => pyEq(x, item)).length,
  reverse: (l: unknown[]) => (l.reverse(), null),
  copy: (l: unknown[]) => [...l],
  clear: (l: unknown[]) => ((l.length = 0), null),
};

const DICT_METHODS: Record<string, Method> = {
  items: (d: Record<string, unknown>) => Object.entries(d),
  keys: (d: Record<string, unknown>) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.values(d),
  get: (d: Record<string, unknown>, key, fallback = null) => (Object.hasOwn(d, String(key)) ? d[String(key)] : fallback),
  update: (d: Record<string, unknown>, ...rest) => {
    const { args, kwargs } = splitKeywords(rest);
    Object.assign(d, isPlainObject(args[0]) ? args[0] : Object.fromEntries((args[0] as [string, unknown][]) ?? []), kwargs);
    return null;
  },
  pop: (d: Record<string, unknown>, key, ...fallback) => {
    const k = String(key);
    if (!Object.hasOwn(d, k)) {
      if (fallback.length) return fallback[0];
      throw typeFault(`KeyError: ${pyStr(key)}`);
    }
    const value = d[k];
    delete d[k];
    return value;
  },
  setdefault: (d: Record<string, unknown>, key, fallback = null) => (d[String(key)] ??= fallback),
  copy: (d: Record<string, unknown>) => ({ ...d }),
};

const DATE_METHODS: Record<string, Method> = {
  isoformat: (d: PyDate, sep) => d.isoformat(sep === undefined ? 'T' : String(sep)),
  strftime: (d: PyDate, format) => strftime(d, String(format)),
  weekday: (d: PyDate) => weekday(d),
  isoweekday: (d: PyDate) => weekday(d) + 1,
};

const DATE_FIELDS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond']);

function method(table: Record<string, Method>, name: string, self: unknown): unknown {
  const fn = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!fn) return undefined;
  if (TAKES_KEYWORDS.has(name)) return (...args: unknown[]) => fn(self as never, ...args);
  return (...raw: unknown[]) => fn(self as never, ...bindKeywords(raw, PARAMETERS[name] ?? []));
}

// A Python index into a sequence: an int, negative counting from the end.
function indexInto(length: number, key: unknown): number | undefined {
  if (typeof key !== 'number' || !Number.isInteger(key)) return undefined;
  const i = key < 0 ? length + key : key;
  return i >= 0 && i < length ? i : undefined;
}

/** `obj.key` and `obj[key]` as Jinja2 resolves them; `text` names `obj` in the error when it is undefined. */
export function lookupMember(obj: unknown, key: unknown, text: string): unknown {
  if (obj === undefined) throw undefinedFault(`undefined variable "${text}"`);
  if (obj === null) return undefined;
  if (typeof obj === 'string' || obj instanceof String) {
    const s = String(obj);
    if (typeof key !== 'number') return method(STR_METHODS, String(key), s);
    // Python indexes code points; most strings have one UTF-16 unit per code point.
    const chars = /[\uD800-\uDFFF]/.test(s) ? [...s] : s;
    const i = indexInto(chars.length, key);
    return i === undefined ? undefined : chars[i];
  }
  if (Array.isArray(obj)) {
    const i = indexInto(obj.length, key);
    if (i !== undefined) return obj[i];
    // A groupby group is a (grouper, list) pair that also answers to those names.
    if ((key === 'grouper' || key === 'list') && Object.hasOwn(obj, key)) return (obj as unknown as Record<string, unknown>)[key];
    return method(LIST_METHODS, String(key), obj);
  }
  const name = String(key);
  if (isPlainObject(obj)) {
    if (!Object.hasOwn(obj, name)) return method(DICT_METHODS, name, obj);
    const value = obj[name];
    // Bound as nunjucks binds them, so a cycler's next() sees its own state.
    return typeof value === 'function' ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args) : value;
  }
  if (obj instanceof PyDate) return DATE_FIELDS.has(name) ? obj[name as 'year'] : method(DATE_METHODS, name, obj);
  if (obj instanceof PyFloat) return name === 'is_integer' ? () => Number.isInteger(obj.valueOf()) : undefined;
  if (typeof obj === 'function' && Object.hasOwn(obj, name)) return (obj as unknown as Record<string, unknown>)[name];
  return undefined;
}

function sliceBound(value: unknown, length: number, fallback: number, low: number, high: number): number {
  if (value === null || value === undefined) return fallback;
  const n = Number(value);
  return Math.min(Math.max(n < 0 ? n + length : n, low), high);
}

/** `obj[start:stop:step]` with Python's rules for missing and negative bounds. */
export function sliceMember(obj: unknown, start: unknown, stop: unknown, step: unknown, text: string): unknown {
  if (obj === undefined) throw undefinedFault(`undefined variable "${text}"`);
  const isText = typeof obj === 'string' || obj instanceof String;
  if (!isText && !Array.isArray(obj)) throw typeFault(`'${pyTypeName(obj)}' object is not subscriptable`);
  const items: unknown[] = isText ? [...String(obj)] : (obj as unknown[]);
  const by = step === null || step === undefined ? 1 : Number(step);
  if (by === 0) throw typeFault('slice step cannot be zero');
  const n = items.length;
  const from = by > 0 ? sliceBound(start, n, 0, 0, n) : sliceBound(start, n, n - 1, -1, n - 1);
  const to = by > 0 ? sliceBound(stop, n, n, 0, n) : sliceBound(stop, n, -1, -1, n - 1);
  const out: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]);
  return isText ? out.join('') : out;
}
