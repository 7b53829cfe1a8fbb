// Jinja2's `tojson` filter: Python's json.dumps with sorted keys and ASCII-only output, then `<`, `>`, `&` and `'`
// escaped so the text is safe inside HTML. Floats print as Python prints them (`2.0`), so a run's JSON input file
// matches the one model-ensembler would write.
import { PyFloat } from '../config/values.js';
import { typeFault } from './fault.js';
import { PyDictView, PyRange } from './python-types.js';
import { isPlainObject, pyStr } from './python.js';
import { pyTypeName } from './python-ops.js';

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quote(text: string): string {
  // Every character outside printable ASCII becomes \uXXXX (UTF-16 units, as ensure_ascii writes them).
  return `"${text.replace(/[^ -~]|["\\]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function dump(value: unknown, indent: string | undefined, depth: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || value instanceof PyFloat) {
    const x = Number(value);
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x < 0 ? '-Infinity' : 'Infinity';
    return pyStr(value);
  }
  if (typeof value === 'string' || value instanceof String) return quote(String(value));
  let items: string[];
  let open: string;
  let close: string;
  // Python's json serializes lists and tuples; a range or a dict view it refuses.
  if (Array.isArray(value) && !(value instanceof PyRange) && !(value instanceof PyDictView)) {
    items = value.map((item) => dump(item, indent, depth + 1));
    [open, close] = ['[', ']'];
  } else if (isPlainObject(value)) {
    items = Object.keys(value).sort().map((key) => `${quote(key)}: ${dump(value[key], indent, depth + 1)}`);
    [open, close] = ['{', '}'];
  } else {
    throw typeFault(`Object of type ${pyTypeName(value)} is not JSON serializable`);
  }
  if (items.length === 0) return open + close;
  if (indent === undefined) return open + items.join(', ') + close;
  const inner = `\n${indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${indent.repeat(depth)}${close}`;
}

/** `value|tojson(indent)` as Jinja2 renders it. */
export function toJson(value: unknown, indent?: unknown): string {
  const pad = typeof indent === 'number' ? ' '.repeat(indent) : typeof indent === 'string' ? indent : undefined;
  return dump(value, pad, 0)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
}
