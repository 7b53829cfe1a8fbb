// How values print in a template, as model-ensembler's Jinja2 prints them: `{{ value }}` is Python's str() of the
// value, and the items of a list or dict print as Python's repr(). The configuration keeps Python's types (PyFloat,
// PyDate), and a plain JS number prints as an int when it is integral and as a float otherwise.
import { PyDate, PyFloat, formatPythonFloat } from '../config/values.js';
import { PyBytes, PyDictView, PyNamedTuple, PyNamespace, PyRange, PyTuple } from './python-types.js';

/** Whether a value is a Python float: a PyFloat, or a JS number that is not an integer (NaN and ±inf included). */
export function isPyFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** What `{{ value }}` prints: Python's `str()` of the value. */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return '';
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value === null) return 'None';
  // Boxed strings, and nunjucks' SafeString (what a macro returns), print their text.
  if (value instanceof String || value instanceof PyFloat || value instanceof PyDate) return value.toString();
  if (value instanceof PyBytes) return value.toString();
  return pyRepr(value);
}

/** Python's `repr()` of a value: strings quoted, containers with their items' reprs. */
export function pyRepr(value: unknown): string {
  return reprIn(value, []);
}

function reprIn(value: unknown, parents: unknown[]): string {
  if (typeof value === 'string' || value instanceof String) return quoteString(String(value));
  if (value === undefined) return 'Undefined';
  if (value instanceof PyDate) return reprDate(value);
  // A macro or method: never its JS source.
  if (typeof value === 'function') {
    const macro = (value as { pyMacro?: { name: string } }).pyMacro;
    return macro ? `<Macro ${quoteString(macro.name)}>` : `<function ${value.name || 'anonymous'}>`;
  }
  if (typeof value !== 'object' || value === null || value instanceof PyFloat) return pyStr(value);
  if (value instanceof PyRange) return `range(${value.start}, ${value.stop}${value.step === 1 ? '' : `, ${value.step}`})`;
  // A structure that contains itself prints as Python prints it: `[[...]]`, `{'a': {...}}`.
  if (parents.includes(value)) return Array.isArray(value) ? (value instanceof PyTuple ? '(...)' : '[...]') : '{...}';
  parents.push(value);
  let text: string;
  const items = (list: unknown[]) => list.map((item) => reprIn(item, parents)).join(', ');
  if (value instanceof PyTuple) {
    text = value.length === 1 ? `(${reprIn(value[0], parents)},)` : `(${items(value)})`;
  } else if (value instanceof PyNamedTuple) {
    text = `${value.typeName}(${value.fields.map((field, i) => `${field}=${reprIn(value[i], parents)}`).join(', ')})`;
  } else if (value instanceof PyDictView) {
    text = `dict_${value.kind}([${items(value)}])`;
  } else if (Array.isArray(value)) {
    text = `[${items(value)}]`;
  } else if (value instanceof PyNamespace) {
    text = `<Namespace ${reprIn(value.attributes, parents)}>`;
  } else if (isPlainObject(value)) {
    const items = Object.entries(value).map(([key, item]) => `${quoteString(key)}: ${reprIn(item, parents)}`);
    text = `{${items.join(', ')}}`;
  } else {
    text = String(value);
  }
  parents.pop();
  return text;
}

/** Whether a value is a dict: an object made by `{}` or a YAML mapping, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function formatNumber(x: number): string {
  if (!Number.isInteger(x)) return formatPythonFloat(x);
  // Python ints never print in exponent form; JS switches to it from 1e21.
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

/** Quotes a string as Python's repr does: single quotes unless it holds `'` and no `"`. */
export function quoteString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) out += char === quote || char === '\\' ? `\\${char}` : char;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || NON_PRINTABLE.test(char)) out += escapeCodePoint(code);
    else out += char;
  }
  return out + quote;
}

/**
 * The characters Python's str.isprintable() rejects: the "Other" and "Separator" categories, except the ASCII space
 * (https://docs.python.org/3/library/stdtypes.html#str.isprintable). A lone surrogate is category Cs.
 */
export const NON_PRINTABLE = /^(?! )[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

// repr(datetime.date(...)) and repr(datetime.datetime(...)): trailing zero seconds and microseconds are omitted.
function reprDate(date: PyDate): string {
  if (!date.hasTime) return `datetime.date(${date.year}, ${date.month}, ${date.day})`;
  const parts = [date.year, date.month, date.day, date.hour, date.minute];
  if (date.second || date.microsecond) parts.push(date.second);
  if (date.microsecond) parts.push(date.microsecond);
  let text = `datetime.datetime(${parts.join(', ')}`;
  if (date.offsetMinutes !== undefined) text += `, tzinfo=${reprTimezone(date.offsetMinutes)}`;
  return `${text})`;
}

function reprTimezone(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'datetime.timezone.utc';
  // timedelta normalises to whole days plus 0 <= seconds < 86400.
  const total = offsetMinutes * 60;
  const days = Math.floor(total / 86400);
  const seconds = total - days * 86400;
  const fields = [days ? `days=${days}` : '', seconds ? `seconds=${seconds}` : ''].filter(Boolean);
  return `datetime.timezone(datetime.timedelta(${fields.join(', ')}))`;
}
