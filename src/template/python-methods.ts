// Attribute and item access as Jinja2 does it: `run.name`, `run['name']`, `xs[-1]`, `xs[1:3]`, and the Python
// methods templates call on lists, tuples, dicts and dates (`.append(x)`, `.items()`, `.strftime('%Y')`), with the
// str methods of python-str-methods.ts. `a.b` looks for an attribute first and `a['b']` for an item first, which
// shows on dicts (`d.items` is the method, `d['items']` the key). JS-only properties (`.length`, `.constructor`) are
// not visible, as they are not in Python.
import { PyDate, PyFloat } from '../config/values.js';
import { typeFault, undefinedFault } from './fault.js';
import { DATE_METHODS, PyTimedelta, timedeltaMember } from './python-date.js';
import { bindKeywords, splitKeywords } from './python-keywords.js';
import { pyCompare, pyEq } from './python-ops.js';
import { STR_PARAMETERS, formatMap, strMethod } from './python-str-methods.js';
import { formatBraces } from './python-str-format.js';
import { PyBytes, PyDictView, PyNamedTuple, PyNamespace, PyRange, PyTuple, isList, makeTuple } from './python-types.js';
import { isPlainObject, pyRepr } from './python.js';
import { LOOP_ATTRIBUTES, PyCycler, PyLoop, isMacro } from './runtime-objects.js';

export { bindKeywords, splitKeywords } from './python-keywords.js';
export { callStrMethod } from './python-str-methods.js';

type Method = (self: never, ...args: unknown[]) => unknown;

// The parameter names of the methods that take optional arguments, for calls with keywords.
const PARAMETERS: Record<string, readonly string[]> = {
  ...STR_PARAMETERS, get: ['key', 'default'], setdefault: ['key', 'default'], isoformat: ['sep'], sort: ['key', 'reverse'],
};

function checkedIndex(list: unknown[], index: unknown): number {
  const n = Number(index ?? -1);
  const i = n < 0 ? list.length + n : n;
  if (i < 0 || i >= list.length) throw typeFault('pop index out of range');
  return i;
}

function indexOf(list: readonly unknown[], item: unknown): number {
  const i = list.findIndex((x) => pyEq(x, item));
  if (i < 0) throw typeFault(`${pyRepr(item)} is not in list`);
  return i;
}

const SEQUENCE_METHODS: Record<string, Method> = {
  index: (l: unknown[], item) => indexOf(l, item),
  count: (l: unknown[], item) => l.filter((x) => pyEq(x, item)).length,
};

const LIST_METHODS: Record<string, Method> = {
  ...SEQUENCE_METHODS,
  append: (l: unknown[], item) => (l.push(item), null),
  extend: (l: unknown[], items) => (l.push(...(items as unknown[])), null),
  insert: (l: unknown[], i, item) => (l.splice(Number(i), 0, item), null),
  pop: (l: unknown[], i) => l.splice(checkedIndex(l, i), 1)[0],
  remove: (l: unknown[], item) => (l.splice(indexOf(l, item), 1), null),
  reverse: (l: unknown[]) => (l.reverse(), null),
  copy: (l: unknown[]) => [...l],
  clear: (l: unknown[]) => ((l.length = 0), null),
  // A stable sort in Python's order; `key` is not supported (it would take a Python function).
  sort: (l: unknown[], _key, reverse) => {
    l.sort((a, b) => (pyCompare(a, ['<', b]) ? -1 : pyCompare(b, ['<', a]) ? 1 : 0));
    if (reverse === true) l.reverse();
    return null;
  },
};

const NAMED_TUPLE_METHODS: Record<string, Method> = {
  ...SEQUENCE_METHODS,
  _asdict: (t: PyNamedTuple) => Object.fromEntries(t.fields.map((field, i) => [field, t[i]])),
  _replace: (t: PyNamedTuple, ...raw) => {
    const { kwargs } = splitKeywords(raw);
    return PyNamedTuple.make(t.typeName, t.fields, t.fields.map((field, i) => (Object.hasOwn(kwargs, field) ? kwargs[field] : t[i])));
  },
};

const DICT_METHODS: Record<string, Method> = {
  items: (d: Record<string, unknown>) => PyDictView.make('items', Object.entries(d).map((pair) => makeTuple(pair))),
  keys: (d: Record<string, unknown>) => PyDictView.make('keys', Object.keys(d)),
  values: (d: Record<string, unknown>) => PyDictView.make('values', Object.values(d)),
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
      throw typeFault(`KeyError: ${pyRepr(key)}`);
    }
    const value = d[k];
    delete d[k];
    return value;
  },
  popitem: (d: Record<string, unknown>) => {
    const keys = Object.keys(d);
    if (keys.length === 0) throw typeFault("KeyError: 'popitem(): dictionary is empty'");
    const key = keys[keys.length - 1]!;
    const value = d[key];
    delete d[key];
    return makeTuple([key, value]);
  },
  setdefault: (d: Record<string, unknown>, key, fallback = null) => (d[String(key)] ??= fallback),
  copy: (d: Record<string, unknown>) => ({ ...d }),
  clear: (d: Record<string, unknown>) => {
    for (const key of Object.keys(d)) delete d[key];
    return null;
  },
};

const DATE_FIELDS = new Set(['year', 'month', 'day']);
const TIME_FIELDS = new Set(['hour', 'minute', 'second', 'microsecond']);
const MACRO_FIELDS: Record<string, (info: NonNullable<ReturnType<typeof macroInfo>>) => unknown> = {
  name: (info) => info.name,
  arguments: (info) => makeTuple([...info.arguments]),
  catch_kwargs: (info) => info.catchKwargs,
  catch_varargs: (info) => info.catchVarargs,
  caller: (info) => info.caller,
};

const macroInfo = (value: unknown) => (isMacro(value) ? value.pyMacro : undefined);

// Methods that read keyword arguments themselves.
const TAKES_KEYWORDS = new Set(['update', '_replace']);
// The same for dates: `replace(year=2021)` (a str's replace has parameters of its own).
const DATE_TAKES_KEYWORDS = new Set(['replace']);

function method(table: Readonly<Record<string, Method>>, name: string, self: unknown): unknown {
  const fn = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!fn) return undefined;
  if (TAKES_KEYWORDS.has(name)) return (...args: unknown[]) => fn(self as never, ...args);
  return (...raw: unknown[]) => fn(self as never, ...bindKeywords(raw, PARAMETERS[name] ?? []));
}

function strMember(s: string, name: string): unknown {
  if (name === 'format') {
    return (...rest: unknown[]) => {
      const { args, kwargs } = splitKeywords(rest);
      return formatBraces(s, args, kwargs);
    };
  }
  if (name === 'format_map') return (mapping: unknown) => formatMap(s, mapping);
  const fn = strMethod(name);
  return fn ? (...raw: unknown[]) => fn(s, ...bindKeywords(raw, PARAMETERS[name] ?? [])) : undefined;
}

// A Python index into a sequence: an int, negative counting from the end.
function indexInto(length: number, key: unknown): number | undefined {
  if (typeof key !== 'number' || !Number.isInteger(key)) return undefined;
  const i = key < 0 ? length + key : key;
  return i >= 0 && i < length ? i : undefined;
}

// What a name means on a value that is not a dict (where attribute and item lookup agree).
function memberOf(obj: object | string | number | boolean, key: unknown): unknown {
  if (typeof obj === 'string' || obj instanceof String) {
    const s = String(obj);
    if (typeof key !== 'number') return strMember(s, String(key));
    // Python indexes code points; most strings have one UTF-16 unit per code point.
    const chars = /[\uD800-\uDFFF]/.test(s) ? [...s] : s;
    const i = indexInto(chars.length, key);
    return i === undefined ? undefined : chars[i];
  }
  if (Array.isArray(obj)) {
    const i = indexInto(obj.length, key);
    if (i !== undefined) return obj[i];
    const name = String(key);
    if (obj instanceof PyNamedTuple) {
      if (name === '_fields') return makeTuple([...obj.fields]);
      return obj.fields.includes(name) ? obj.field(name) : method(NAMED_TUPLE_METHODS, name, obj);
    }
    // A groupby group is a (grouper, list) pair that also answers to those names.
    if ((name === 'grouper' || name === 'list') && Object.hasOwn(obj, name)) return (obj as unknown as Record<string, unknown>)[name];
    if (obj instanceof PyRange) return name === 'start' || name === 'stop' || name === 'step' ? obj[name] : method(SEQUENCE_METHODS, name, obj);
    if (obj instanceof PyTuple) return method(SEQUENCE_METHODS, name, obj);
    if (obj instanceof PyDictView) return undefined;
    return isList(obj) ? method(LIST_METHODS, name, obj) : undefined;
  }
  const name = String(key);
  if (obj instanceof PyDate) {
    if (DATE_FIELDS.has(name) || (obj.hasTime && TIME_FIELDS.has(name))) return obj[name as 'year'];
    if (name === 'tzinfo' && obj.hasTime) return obj.offsetMinutes === undefined ? null : undefined;
    if (name === 'date' && !obj.hasTime) return undefined;
    if (DATE_TAKES_KEYWORDS.has(name)) return (...raw: unknown[]) => DATE_METHODS[name]!(obj, ...raw);
    return method(DATE_METHODS as Record<string, Method>, name, obj);
  }
  if (obj instanceof PyFloat) {
    if (name === 'is_integer') return () => Number.isInteger(obj.valueOf());
    return name === 'real' ? obj : name === 'imag' ? new PyFloat(0) : undefined;
  }
  if (obj instanceof PyNamespace) return Object.hasOwn(obj.attributes, name) ? obj.attributes[name] : undefined;
  if (obj instanceof PyLoop) {
    if (!LOOP_ATTRIBUTES.has(name)) return undefined;
    const value = obj[name as 'index'];
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
  }
  if (obj instanceof PyCycler) {
    if (name === 'current') return obj.current;
    return name === 'next' || name === 'reset' ? () => obj[name]() : undefined;
  }
  if (obj instanceof PyTimedelta) return timedeltaMember(obj, name);
  if (obj instanceof PyBytes) return name === 'decode' ? () => new TextDecoder().decode(obj.data) : undefined;
  const info = macroInfo(obj);
  if (info) return Object.hasOwn(MACRO_FIELDS, name) ? MACRO_FIELDS[name]!(info) : undefined;
  return undefined;
}

// A dict's item, bound as nunjucks binds functions, so an imported macro or a cycler sees its own state.
function dictItem(obj: Record<string, unknown>, name: string): unknown {
  const value = obj[name];
  return typeof value === 'function' && !isMacro(value)
    ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args)
    : value;
}

/** `obj[key]` as Jinja2 resolves it (item first); `text` names `obj` in the error when it is undefined. */
export function lookupMember(obj: unknown, key: unknown, text: string): unknown {
  if (obj === undefined) throw undefinedFault(`undefined variable "${text}"`);
  if (obj === null) return undefined;
  if (isPlainObject(obj)) {
    const name = String(key);
    return Object.hasOwn(obj, name) ? dictItem(obj, name) : method(DICT_METHODS, name, obj);
  }
  return memberOf(obj as object, key);
}

/** `obj.name` as Jinja2 resolves it (attribute first: on a dict, its methods before its keys). */
export function lookupAttribute(obj: unknown, name: unknown, text: string): unknown {
  if (isPlainObject(obj)) {
    const bound = method(DICT_METHODS, String(name), obj);
    if (bound !== undefined) return bound;
  }
  return lookupMember(obj, name, text);
}

/** `value|attr(name)`: attributes only, so a dict's keys are not found (Jinja2's environment.getattr). */
export function lookupAttributeOnly(obj: unknown, name: unknown): unknown {
  if (obj === undefined || obj === null) return undefined;
  if (isPlainObject(obj)) return method(DICT_METHODS, String(name), obj);
  return typeof name === 'number' ? undefined : memberOf(obj as object, String(name));
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
  if (!isText && (!Array.isArray(obj) || obj instanceof PyDictView)) {
    throw typeFault(`'${obj === null ? 'NoneType' : typeof obj}' object is not subscriptable`);
  }
  const items: unknown[] = isText ? [...String(obj)] : (obj as unknown[]);
  const by = step === null || step === undefined ? 1 : Number(step);
  if (by === 0) throw typeFault('slice step cannot be zero');
  const n = items.length;
  const from = by > 0 ? sliceBound(start, n, 0, 0, n) : sliceBound(start, n, n - 1, -1, n - 1);
  const to = by > 0 ? sliceBound(stop, n, n, 0, n) : sliceBound(stop, n, -1, -1, n - 1);
  const out: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]);
  if (isText) return out.join('');
  if (obj instanceof PyRange) {
    const first = obj.start + from * obj.step;
    return PyRange.make(first, first + out.length * obj.step * by, obj.step * by);
  }
  return obj instanceof PyTuple || obj instanceof PyNamedTuple ? makeTuple(out) : out;
}
