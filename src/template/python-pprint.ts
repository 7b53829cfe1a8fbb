// Jinja2's `pprint` filter: Python's pprint.pformat(value) with its defaults (width 80, indent 1, dicts sorted by
// key). A value whose repr fits on the line prints as its repr; a longer dict, list, tuple or string is broken
// over lines as CPython's PrettyPrinter breaks it.
import { callStrMethod } from './python-str-methods.js';
import { PyTuple } from './python-types.js';
import { isPlainObject, pyRepr } from './python.js';

const WIDTH = 80;

// A dict's items in pprint's order: sorted by key.
const sortedItems = (dict: Record<string, unknown>): [string, unknown][] =>
  Object.entries(dict).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// repr() with every dict, however deep, in sorted order.
function sortedRepr(value: unknown): string {
  if (isPlainObject(value)) return `{${sortedItems(value).map(([k, v]) => `${pyRepr(k)}: ${sortedRepr(v)}`).join(', ')}}`;
  if (value instanceof PyTuple) {
    const items = value.map(sortedRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) return `[${value.map(sortedRepr).join(', ')}]`;
  return pyRepr(value);
}

class Printer {
  out = '';

  format(value: unknown, indent: number, allowance: number, level: number): void {
    const rep = sortedRepr(value);
    if (rep.length > WIDTH - indent - allowance) {
      if (isPlainObject(value)) return this.dict(value, indent, allowance, level + 1);
      if (value instanceof PyTuple) return this.sequence(value, '(', value.length === 1 ? ',)' : ')', indent, allowance, level + 1);
      if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) {
        return this.sequence(value, '[', ']', indent, allowance, level + 1);
      }
      if (typeof value === 'string' && value.length > 0) return this.string(value, indent, allowance, level + 1);
    }
    this.out += rep;
  }

  private dict(dict: Record<string, unknown>, indent: number, allowance: number, level: number): void {
    this.out += '{';
    const items = sortedItems(dict);
    const inner = indent + 1;
    items.forEach(([key, item], i) => {
      const last = i === items.length - 1;
      const rep = pyRepr(key);
      this.out += `${rep}: `;
      this.format(item, inner + rep.length + 2, last ? allowance + 1 : 1, level);
      if (!last) this.out += `,\n${' '.repeat(inner)}`;
    });
    this.out += '}';
  }

  private sequence(items: readonly unknown[], open: string, close: string, indent: number, allowance: number, level: number): void {
    this.out += open;
    const inner = indent + 1;
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      if (i > 0) this.out += `,\n${' '.repeat(inner)}`;
      this.format(item, inner, last ? allowance + close.length : 1, level);
    });
    this.out += close;
  }

  // A long string as adjacent literals, split at line ends and then between words.
  private string(text: string, indent: number, allowance: number, level: number): void {
    const lines = callStrMethod('splitlines', text, true) as string[];
    let ind = indent;
    let allow = allowance;
    if (level === 1) {
      ind += 1;
      allow += 1;
    }
    const maxWidth = WIDTH - ind;
    let maxFirst = maxWidth;
    const chunks: string[] = [];
    lines.forEach((line, i) => {
      const rep = pyRepr(line);
      const lastLine = i === lines.length - 1;
      if (lastLine) maxFirst -= allow;
      if (rep.length <= maxFirst) {
        chunks.push(rep);
        return;
      }
      const parts = line.match(/\S*\s*/g)!.slice(0, -1);
      let limit = maxWidth;
      let current = '';
      parts.forEach((part, j) => {
        const candidate = current + part;
        if (j === parts.length - 1 && lastLine) limit -= allow;
        if (pyRepr(candidate).length > limit) {
          if (current) chunks.push(pyRepr(current));
          current = part;
        } else {
          current = candidate;
        }
      });
      if (current) chunks.push(pyRepr(current));
    });
    if (chunks.length === 1) {
      this.out += pyRepr(text);
      return;
    }
    const body = chunks.join(`\n${' '.repeat(ind)}`);
    this.out += level === 1 ? `(${body})` : body;
  }
}

/** `value|pprint`: Python's pprint.pformat(value). */
export function pformat(value: unknown): string {
  const printer = new Printer();
  printer.format(value, 0, 0, 0);
  return printer.out;
}
