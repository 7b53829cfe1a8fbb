// Jinja2's filters where nunjucks' differ in what a template prints: numbers keep Python's types (`3.7|round` is
// `4.0`, `'3.5'|float` is `3.5`), strings print via Python's str() (`[true]|join` is `True`), and the filters
// nunjucks lacks (`format`, `tojson`, `min`, `max`, `map`, `items`, `unique`). The rest stay nunjucks' own.
import { PyFloat } from '../config/values.js';
import { typeFault } from './fault.js';
import { escapeHtml, striptags, urlencode, xmlattr } from './filters-html.js';
import { attr, attribute, batch, dictsort, first, last, length, length as sequenceLength, reverse, slice, sort, sortBy, toList } from './filters-sequence.js';
import { filesizeformat, wordwrap } from './filters-text.js';
import { formatPercent, roundHalfEven } from './python-format.js';
import { toJson } from './python-json.js';
import { bindKeywords, callStrMethod, splitKeywords } from './python-methods.js';
import { pyAdd, pyBool, pyCompare, pyEq } from './python-ops.js';
import { pformat } from './python-pprint.js';
import { isList, makeTuple } from './python-types.js';
import { isPyFloat, pyRepr, pyStr } from './python.js';
import { baseRuntime } from './nunjucks-internals.js';

/** What nunjucks passes filters as `this`: the render context, which knows the environment. */
export interface FilterThis {
  readonly env: { getFilter(name: string): Filter; getTest(name: string): Filter };
}

/** A filter or test as nunjucks calls it: the value first, then the arguments. */
export type Filter = (this: FilterThis, ...args: unknown[]) => unknown;

/** Binds keyword arguments (`round(2, method='floor')`) to positional parameters by name, as Python does. */
export function withParams(names: readonly string[], fn: Filter): Filter {
  return function (this: FilterThis, ...raw: unknown[]) {
    return fn.apply(this, bindKeywords(raw, names));
  };
}

const INT_DIGITS: Record<number, string> = { 2: '[01]', 8: '[0-7]', 10: '\\d', 16: '[0-9a-fA-F]' };
const INT_PREFIX: Record<number, RegExp> = { 2: /^0[bB]_?/, 8: /^0[oO]_?/, 16: /^0[xX]_?/ };
const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

// Python's int(text, base): surrounding whitespace, a sign, digits with single underscores between them.
function parsePythonInt(text: string, base: number): number | undefined {
  let body = text.trim();
  const negative = body.startsWith('-');
  if (/^[+-]/.test(body)) body = body.slice(1);
  body = body.replace(INT_PREFIX[base] ?? /^$/, '');
  const digit = INT_DIGITS[base];
  if (!digit || !new RegExp(`^${digit}(?:_?${digit})*$`).test(body)) return undefined;
  const value = parseInt(body.replace(/_/g, ''), base);
  return negative ? -value : value;
}

/** Python's float(text), or undefined where Python raises ValueError. */
export function parsePythonFloat(text: string): number | undefined {
  const body = text.trim();
  const special = FLOAT_SPECIAL.exec(body);
  if (special) return (special[2]!.toLowerCase() === 'nan' ? NaN : Infinity) * (special[1] === '-' ? -1 : 1);
  return FLOAT_TEXT.test(body) ? Number(body.replace(/_/g, '')) : undefined;
}

function toInt(value: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  let number: number | undefined;
  if (typeof value === 'number' || value instanceof PyFloat) number = Number(value);
  else if (typeof value === 'string') number = parsePythonInt(value, Number(base)) ?? parsePythonFloat(value);
  if (number === undefined || Number.isNaN(number)) return fallback;
  if (!Number.isFinite(number)) throw typeFault('cannot convert float infinity to integer');
  return Math.trunc(number) || 0;
}

function toFloat(value: unknown, fallback: unknown = new PyFloat(0)): unknown {
  let number: number | undefined;
  if (typeof value === 'boolean') number = value ? 1 : 0;
  else if (typeof value === 'number' || value instanceof PyFloat) number = Number(value);
  else if (typeof value === 'string') number = parsePythonFloat(value);
  return number === undefined ? fallback : new PyFloat(number);
}

function round(value: unknown, precision: unknown = 0, method: unknown = 'common'): unknown {
  const digits = Number(precision);
  if (method === 'common') {
    // Python's round() of an int stays an int.
    if (!isPyFloat(value) && typeof value !== 'boolean') return digits >= 0 ? value : roundHalfEven(Number(value), digits);
    return new PyFloat(roundHalfEven(Number(value), digits));
  }
  if (method !== 'ceil' && method !== 'floor') throw typeFault('method must be common, ceil or floor');
  const scale = 10 ** digits;
  // Python's math.floor and ceil give an int, which has no negative zero.
  return new PyFloat((Math[method](Number(value) * scale) + 0) / scale);
}

// Jinja2's min/max: strings compared without case unless asked; the item itself is returned.
function extreme(op: '<' | '>') {
  return withParams(['value', 'case_sensitive', 'attribute'], (value, caseSensitive = false, attr) => {
    const items = toList(value);
    const key = (item: unknown) => {
      const v = attr === undefined || attr === null ? item : attribute(item, attr);
      return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
    };
    return items.reduce((best, item) => (pyCompare(key(item), [op, key(best)]) ? item : best), items[0]);
  });
}

// Jinja2's select/reject/selectattr/rejectattr: keep the items whose test (or truth) comes out as `keep`.
function choose(keep: boolean, byAttribute: boolean): Filter {
  return function (this: FilterThis, value, ...rest) {
    const { args } = splitKeywords(rest);
    const attr = byAttribute ? args.shift() : undefined;
    const testName = args.shift();
    const test = testName === undefined ? undefined : this.env.getTest(String(testName));
    return toList(value).filter((item) => {
      const subject = byAttribute ? attribute(item, attr) : item;
      const passed = test ? test.call(this, subject, ...args) === true : pyBool(subject);
      return passed === keep;
    });
  };
}

function indent(s: unknown, width: unknown = 4, first: unknown = false, blank: unknown = false): string {
  requireText(s, 'indent');
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = callStrMethod('splitlines', `${pyStr(s)}\n`) as string[];
  const body = lines.map((line, i) => (i === 0 || (!line && !pyBool(blank)) ? line : pad + line)).join('\n');
  return pyBool(first) ? pad + body : body;
}

/** Refuses a non-string where Jinja2's filter calls str methods on its value directly. */
export function requireText(value: unknown, filter: string): void {
  if (typeof value !== 'string' && !(value instanceof String)) throw typeFault(`${filter}: expected a string, got ${pyStr(value)}`);
}

function truncate(s: unknown, length: unknown = 255, killwords: unknown = false, end: unknown = '...', leeway: unknown = 5) {
  const size = Number(length);
  // A value short enough comes back as it is, whatever its type, as in Jinja2.
  if (sequenceLength(s) <= size + Number(leeway ?? 5)) return s;
  requireText(s, 'truncate');
  const text = pyStr(s);
  const tail = pyStr(end);
  if (pyBool(killwords)) return text.slice(0, size - tail.length) + tail;
  const cut = text.slice(0, size - tail.length);
  const space = cut.lastIndexOf(' ');
  return (space < 0 ? cut : cut.slice(0, space)) + tail;
}

// Jinja2's groupby: items sorted and grouped by an attribute, each group a (grouper, list) pair.
function groupby(value: unknown, attr: unknown, fallback: unknown = null, caseSensitive: unknown = false): unknown[] {
  const keyOf = (item: unknown) => {
    const key = attribute(item, attr) ?? fallback;
    return !pyBool(caseSensitive) && typeof key === 'string' ? key.toLowerCase() : key;
  };
  const sorted = sortBy(toList(value), keyOf, false).map((item) => ({ item, key: keyOf(item) }));
  const groups: unknown[][] = [];
  let last: { key: unknown; items: unknown[] } | undefined;
  for (const { item, key } of sorted) {
    if (last && pyEq(last.key, key)) {
      last.items.push(item);
    } else {
      last = { key, items: [item] };
      const grouper = attribute(item, attr) ?? fallback;
      groups.push(Object.assign(makeTuple([grouper, last.items]), { grouper, list: last.items }));
    }
  }
  return groups;
}

// Values that Python's set would treat as one: 1, 1.0 and True alike; strings without case unless asked.
function uniqueKey(value: unknown, caseSensitive: boolean): string {
  if (typeof value === 'string') return `s:${caseSensitive ? value : value.toLowerCase()}`;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat) return `n:${Number(value)}`;
  if (isList(value)) throw typeFault("unhashable type: 'list'");
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    throw typeFault("unhashable type: 'dict'");
  }
  return `r:${pyRepr(value)}`;
}

const SafeString = baseRuntime['SafeString'] as new (text: string) => String;

// `escape` leaves text already marked safe (a `| safe` result) as it is.
const escapeValue = (value: unknown): unknown => (value instanceof SafeString ? value : new SafeString(escapeHtml(pyStr(value))));

/** The filters installed over nunjucks' own. */
export const PYTHON_FILTERS: Readonly<Record<string, Filter>> = {
  default: withParams(['value', 'default_value', 'boolean'], (value, fallback = '', boolean = false) =>
    value === undefined || (pyBool(boolean) && !pyBool(value)) ? fallback : value),
  string: (value) => pyStr(value),
  upper: (value) => pyStr(value).toUpperCase(),
  lower: (value) => pyStr(value).toLowerCase(),
  capitalize: (value) => callStrMethod('capitalize', pyStr(value)),
  title: (value) => pyStr(value).split(/([-\s({[<]+)/).filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join(''),
  trim: withParams(['value', 'chars'], (value, chars) => callStrMethod('strip', pyStr(value), chars)),
  center: withParams(['value', 'width'], (value, width = 80) => callStrMethod('center', pyStr(value), width)),
  replace: withParams(['s', 'old', 'new', 'count'], (s, old, replacement, count) =>
    callStrMethod('replace', pyStr(s), pyStr(old), pyStr(replacement), count)),
  indent: withParams(['s', 'width', 'first', 'blank'], indent),
  truncate: withParams(['s', 'length', 'killwords', 'end', 'leeway'], truncate),
  wordcount: (value) => (pyStr(value).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  join: withParams(['value', 'd', 'attribute'], (value, separator = '', attr) =>
    toList(value).map((item) => pyStr(attr === undefined || attr === null ? item : attribute(item, attr))).join(pyStr(separator))),
  format(value, ...rest) {
    const { args, kwargs } = splitKeywords(rest);
    const named = Object.keys(kwargs).length > 0;
    if (named && args.length) throw typeFault("can't handle positional and keyword arguments at the same time");
    return formatPercent(pyStr(value), named ? kwargs : makeTuple(args));
  },
  int: withParams(['value', 'default', 'base'], toInt),
  float: withParams(['value', 'default'], toFloat),
  round: withParams(['value', 'precision', 'method'], round),
  abs: (value) => (value instanceof PyFloat ? new PyFloat(Math.abs(value.valueOf())) : Math.abs(Number(value))),
  sum: withParams(['iterable', 'attribute', 'start'], (value, attr, start = 0) =>
    toList(value).reduce((total, item) => pyAdd(total, attr === undefined || attr === null ? item : attribute(item, attr)), start)),
  min: extreme('<'),
  max: extreme('>'),
  length: (value) => length(value),
  list: (value) => toList(value),
  items: (value) => (value === undefined ? [] : Object.entries(value as object).map((pair) => makeTuple(pair))),
  first: (value) => first(value),
  last: (value) => last(value),
  reverse: (value) => reverse(value),
  sort: withParams(['value', 'reverse', 'case_sensitive', 'attribute'], sort),
  dictsort: withParams(['value', 'case_sensitive', 'by', 'reverse'], dictsort),
  batch: withParams(['value', 'linecount', 'fill_with'], batch),
  slice: withParams(['value', 'slices', 'fill_with'], slice),
  escape: (value) => escapeValue(value),
  e: (value) => escapeValue(value),
  forceescape: (value) => escapeHtml(pyStr(value)),
  safe: (value) => (value instanceof SafeString ? value : new SafeString(pyStr(value))),
  xmlattr: withParams(['d', 'autospace'], xmlattr),
  urlencode: (value) => urlencode(value),
  striptags: (value) => striptags(value),
  wordwrap: withParams(['s', 'width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], wordwrap),
  filesizeformat: withParams(['value', 'binary'], filesizeformat),
  pprint: (value) => pformat(value),
  unique: withParams(['value', 'case_sensitive', 'attribute'], (value, caseSensitive = false, attr) => {
    const seen = new Set<string>();
    return toList(value).filter((item) => {
      const key = uniqueKey(attr === undefined || attr === null ? item : attribute(item, attr), pyBool(caseSensitive));
      return seen.has(key) ? false : (seen.add(key), true);
    });
  }),
  map(this: FilterThis, value, ...rest) {
    const { args, kwargs } = splitKeywords(rest);
    if (kwargs['attribute'] !== undefined) {
      return toList(value).map((item) => attribute(item, kwargs['attribute']) ?? kwargs['default']);
    }
    const filter = this.env.getFilter(String(args.shift()));
    return toList(value).map((item) => filter.call(this, item, ...args));
  },
  select: choose(true, false),
  reject: choose(false, false),
  selectattr: choose(true, true),
  rejectattr: choose(false, true),
  tojson: withParams(['value', 'indent'], (value, indentation) => toJson(value, indentation)),
  groupby: withParams(['value', 'attribute', 'default', 'case_sensitive'], groupby),
  attr: (value, name) => attr(value, name),
};
