// Python's `str.format`, for templates that call it: `"{:04d}".format(run.idx)`, `"{name}_{0}".format(1, name=x)`.
// Field names may be positional, numbered or keyword, with attribute and index access; the format spec follows
// Python's mini-language ([[fill]align][sign][#][0][width][,|_][.precision][type]).
import { PyDate } from '../config/values.js';
import { typeFault } from './fault.js';
import { strftime } from './strftime.js';
import { convertValue } from './python-format.js';
import { isPyFloat, pyRepr, pyStr } from './python.js';

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/s;

/** Formats one value by a Python format spec (`format(value, spec)`). */
export function formatSpec(value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  // Only numbers and strings take a format spec; a date takes strftime's; other objects refuse one, as in Python.
  if (value instanceof PyDate) return strftime(value, spec);
  const formattable = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ||
    value instanceof String || isPyFloat(value);
  if (!formattable) throw typeFault(`unsupported format string passed to ${value === null ? 'NoneType' : 'object'}.__format__`);
  const match = SPEC.exec(spec);
  if (!match) throw typeFault(`invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signFlag = '-', alt, zero, width, grouping, prec, typeChar] = match;
  const isNumber = typeof value === 'number' || typeof value === 'boolean' || isPyFloat(value);
  let type = typeChar;
  if (type === undefined) type = !isNumber ? 's' : isPyFloat(value) ? '' : 'd';
  const precision = prec === undefined ? undefined : Number(prec);
  let sign = '';
  let body: string;
  if (type === '' && precision === undefined) {
    // No type on a float: str(), as `'{:>6}'.format(1.0)` gives `   1.0`.
    const text = pyStr(value);
    sign = text.startsWith('-') ? '-' : '';
    body = sign ? text.slice(1) : text;
  } else {
    const converted = convertValue(value, { type: type || 'g', precision, alternate: alt !== undefined });
    sign = converted.sign;
    body = converted.body;
    // No type with a precision: like 'g', but fixed notation keeps a digit after the point.
    if (type === '' && /^\d+$/.test(body)) body += '.0';
  }
  if (grouping && isNumber) body = groupDigits(body, grouping);
  if (isNumber && sign === '' && signFlag !== '-') sign = signFlag;
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : isNumber ? '>' : '<');
  const pad = Number(width ?? 0) - sign.length - body.length;
  if (pad <= 0) return sign + body;
  switch (align) {
    case '<':
      return sign + body + fill.repeat(pad);
    case '^':
      return fill.repeat(Math.floor(pad / 2)) + sign + body + fill.repeat(pad - Math.floor(pad / 2));
    case '=':
      return sign + fill.repeat(pad) + body;
    default:
      return fill.repeat(pad) + sign + body;
  }
}

function groupDigits(body: string, separator: string): string {
  const match = /^(\d+)(.*)$/s.exec(body);
  if (!match) return body;
  const [, int = '', rest = ''] = match;
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, separator) + rest;
}

/** Gives the argument index of a positional field: the next one for `{}`, the given one for `{0}`. */
type Numbering = (index?: number) => number;

// Follows `.attr` and `[key]` parts of a field name: `{0.year}`, `{run[name]}`.
function resolveField(name: string, args: readonly unknown[], kwargs: Record<string, unknown>, auto: Numbering) {
  const match = /^([^.[]*)(.*)$/s.exec(name);
  const [, head = '', path = ''] = match ?? [];
  let value: unknown;
  if (head === '') value = args[auto()];
  else if (/^\d+$/.test(head)) value = args[auto(Number(head))];
  else value = kwargs[head];
  if (value === undefined) throw typeFault(`format field '${name}' has no value`);
  for (const part of path.matchAll(/\.([^.[]+)|\[([^\]]*)\]/g)) {
    const key = part[1] ?? part[2] ?? '';
    const container = value as Record<string, unknown> | undefined;
    value = container?.[Array.isArray(container) && /^\d+$/.test(key) ? Number(key) : key];
    if (value === undefined) throw typeFault(`format field '${name}' has no value`);
  }
  return value;
}

// The end of the replacement field that opens at `start` (nested fields in its format spec included), or -1.
function fieldEnd(template: string, start: number): number {
  let depth = 0;
  for (let i = start; i < template.length; i++) {
    const char = template.charAt(i);
    if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

function formatWith(template: string, args: readonly unknown[], kwargs: Record<string, unknown>, auto: Numbering): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const char = template.charAt(i);
    const next = template.charAt(i + 1);
    if ((char === '{' && next === '{') || (char === '}' && next === '}')) {
      out += char;
      i++;
      continue;
    }
    if (char === '}') throw typeFault("Single '}' encountered in format string");
    if (char !== '{') {
      out += char;
      continue;
    }
    const end = fieldEnd(template, i);
    if (end < 0) throw typeFault("Single '{' encountered in format string");
    const field = template.slice(i + 1, end);
    i = end;
    const match = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!match) throw typeFault(`invalid format field '{${field}}'`);
    const [, name = '', conversion, rawSpec = ''] = match;
    let value = resolveField(name, args, kwargs, auto);
    // A spec may hold fields of its own: '{:>{width}}'.
    const spec = rawSpec.includes('{') ? formatWith(rawSpec, args, kwargs, auto) : rawSpec;
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    out += formatSpec(value, spec);
  }
  return out;
}

/** Python's `template.format(*args, **kwargs)`. */
export function formatBraces(template: string, args: readonly unknown[], kwargs: Record<string, unknown>): string {
  // Python refuses to mix automatic (`{}`) and manual (`{0}`) field numbering in one format string.
  let next = 0;
  let mode: 'auto' | 'manual' | undefined;
  return formatWith(template, args, kwargs, (index?: number) => {
    const wanted = index === undefined ? 'auto' : 'manual';
    if (mode !== undefined && mode !== wanted) {
      throw typeFault('cannot switch from automatic field numbering to manual field specification');
    }
    mode = wanted;
    return index ?? next++;
  });
}
