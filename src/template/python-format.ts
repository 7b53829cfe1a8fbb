// Python's string formatting, which templates use to pad run numbers and fix decimals: `"%03d" % run.idx`,
// `"%.2f"|format(x)` and `"{:04d}".format(n)`. Numbers round as Python rounds them: to the nearest decimal of the
// exact binary value, ties to even (`'%.0f' % 2.5` is `2`, where JS's toFixed gives `3`).
import { PyFloat } from '../config/values.js';
import { typeFault } from './fault.js';
import { isTuple } from './python-types.js';
import { isPlainObject, isPyFloat, pyRepr, pyStr } from './python.js';

// Rounds a digit string to `keep` digits, ties to even. A tie is a 5 followed by zeros only: the digits come from
// toFixed/toExponential with 24 digits to spare, enough to see any double's distance from a decimal tie.
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  if (keep < 0) return { digits: '', carry: false };
  const kept = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const tie = first === 5 && /^5?0*$/.test(rest);
  const lastOdd = keep > 0 && (kept.charCodeAt(keep - 1) - 48) % 2 === 1;
  if (!(first > 5 || (first === 5 && !tie) || (tie && lastOdd))) return { digits: kept, carry: false };
  const chars = kept.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] !== '9') {
      chars[i] = String.fromCharCode((chars[i] ?? '0').charCodeAt(0) + 1);
      return { digits: chars.join(''), carry: false };
    }
    chars[i] = '0';
  }
  return { digits: `1${chars.join('')}`, carry: true };
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  return undefined;
}

const sign = (x: number): string => (x < 0 || Object.is(x, -0) ? '-' : '');

/** Python's `'%.Nf' % x`. */
export function formatFixed(x: number, precision: number): string {
  const text = special(x);
  if (text !== undefined) return text;
  const abs = Math.abs(x);
  if (abs >= 1e21) return sign(x) + BigInt(abs).toString() + (precision > 0 ? `.${'0'.repeat(precision)}` : '');
  const [int = '0', frac = ''] = abs.toFixed(Math.min(precision + 24, 100)).split('.');
  const rounded = roundDigits(int + frac, int.length + precision);
  const digits = rounded.digits;
  const intLen = digits.length - precision;
  const head = digits.slice(0, intLen).replace(/^0+(?=\d)/, '') || '0';
  return sign(x) + head + (precision > 0 ? `.${digits.slice(intLen)}` : '');
}

// The first `count` significant digits of |x|, ties to even, and the decimal exponent of the first one.
function significant(x: number, count: number): { digits: string; exp: number } {
  const [mantissa = '0', expText = '0'] = Math.abs(x).toExponential(Math.min(count + 24, 100)).split('e');
  const rounded = roundDigits(mantissa.replace('.', ''), count);
  const exp = Number(expText) + (rounded.carry ? 1 : 0);
  return { digits: rounded.carry ? rounded.digits.slice(0, count) : rounded.digits, exp };
}

/** Python's `'%.Ne' % x`. */
export function formatExponent(x: number, precision: number, upper = false): string {
  const text = special(x);
  if (text !== undefined) return upper ? text.toUpperCase() : text;
  const { digits, exp } = x === 0 ? { digits: '0'.repeat(precision + 1), exp: 0 } : significant(x, precision + 1);
  const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return sign(x) + body + e;
}

/** Python's `'%.Ng' % x`: fixed or exponent notation by magnitude, trailing zeros dropped unless `alternate`. */
export function formatGeneral(x: number, precision: number, upper = false, alternate = false): string {
  const text = special(x);
  if (text !== undefined) return upper ? text.toUpperCase() : text;
  const p = precision === 0 ? 1 : precision;
  const exp = x === 0 ? 0 : significant(x, p).exp;
  const out = exp >= -4 && exp < p ? formatFixed(x, p - 1 - exp) : formatExponent(x, p - 1, upper);
  if (alternate) return out;
  const [mantissa = '', exponent = ''] = out.split(/(?=[eE])/);
  return (mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa) + exponent;
}

/** Python's `round(x, ndigits)` on a float: the nearest decimal with `ndigits` places, ties to even. */
export function roundHalfEven(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (ndigits >= 0) return Number(formatFixed(x, ndigits));
  const scale = 10 ** -ndigits;
  return Number(formatFixed(x / scale, 0)) * scale;
}

function toInteger(value: unknown, conversion: string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if ((typeof value === 'number' || value instanceof PyFloat) && Number.isFinite(Number(value))) {
    if (isPyFloat(value) && 'xXoc'.includes(conversion)) {
      throw typeFault(`%${conversion} format: an integer is required, not float`);
    }
    // Python ints have no negative zero: '%d' % -0.5 is '0'.
    return Math.trunc(Number(value)) || 0;
  }
  throw typeFault(`%${conversion} format: a real number is required, not ${typeof value}`);
}

function toFloat(value: unknown, conversion: string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || value instanceof PyFloat) return Number(value);
  throw typeFault(`%${conversion} format: a real number is required, not ${typeof value}`);
}

const intText = (n: number): string => (Math.abs(n) < 1e21 ? String(Math.abs(n)) : BigInt(Math.abs(n)).toString());

/** One conversion's options, shared by %-formatting and str.format. */
export interface ConversionSpec {
  readonly type: string;
  readonly precision: number | undefined;
  readonly alternate: boolean;
}

/** Converts a value by its type letter; returns the sign apart, so padding can go between sign and digits. */
export function convertValue(value: unknown, spec: ConversionSpec): { sign: string; body: string; numeric: boolean } {
  const { type, precision, alternate } = spec;
  const numericResult = (x: number, body: string) => ({ sign: sign(x), body, numeric: true });
  switch (type) {
    case 's':
      return { sign: '', body: pyStr(value).slice(0, precision), numeric: false };
    case 'r':
    case 'a':
      return { sign: '', body: pyRepr(value).slice(0, precision), numeric: false };
    case 'c':
      return { sign: '', body: typeof value === 'string' ? value : String.fromCodePoint(toInteger(value, 'c')), numeric: false };
    case 'd':
    case 'i':
    case 'u':
    case 'n': {
      const n = toInteger(value, type);
      return numericResult(n, intText(n));
    }
    case 'x':
    case 'X':
    case 'o':
    case 'b': {
      const n = toInteger(value, type);
      const radix = type === 'o' ? 8 : type === 'b' ? 2 : 16;
      let body = Math.abs(n).toString(radix);
      if (type === 'X') body = body.toUpperCase();
      if (alternate) body = `0${type}${body}`;
      return numericResult(n, body);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case '%': {
      const x = toFloat(value, type);
      const p = precision ?? 6;
      const lower = type.toLowerCase();
      let body =
        lower === 'f' ? formatFixed(Math.abs(x), p)
        : lower === 'e' ? formatExponent(Math.abs(x), p, type === 'E')
        : lower === 'g' ? formatGeneral(Math.abs(x), p, type === 'G', alternate)
        : `${formatFixed(Math.abs(x) * 100, p)}%`;
      if (type === 'F') body = body.toUpperCase();
      return numericResult(x, body);
    }
    default:
      throw typeFault(`unsupported format character '${type}'`);
  }
}

// %[(key)][flags][width][.precision][length modifier]type
const PERCENT = /%(?:\(([^)]*)\))?([-+ #0]*)(\d+)?(?:\.(\d*))?[hlL]?([a-zA-Z%])/g;

/** Python's `format % args`: `args` is one value, a tuple of values or, with `%(key)s`, a dict. */
export function formatPercent(format: string, args: unknown): string {
  const byKey = isPlainObject(args) && format.includes('%(');
  const list: readonly unknown[] = byKey ? [] : isTuple(args) ? args : [args];
  let next = 0;
  const out = format.replace(PERCENT, (_m, key: string | undefined, flags: string, width?: string, prec?: string, type = 's') => {
    if (type === '%') return '%';
    let value: unknown;
    if (key !== undefined) {
      if (!byKey) throw typeFault('format requires a mapping');
      value = (args as Record<string, unknown>)[key];
      if (value === undefined) throw typeFault(`missing key '${key}' in format arguments`);
    } else {
      if (next >= list.length) throw typeFault('not enough arguments for format string');
      value = list[next++];
    }
    const spec = { type, precision: prec === undefined ? undefined : Number(prec || 0), alternate: flags.includes('#') };
    const converted = convertValue(value, spec);
    let signText = converted.sign;
    if (converted.numeric && !signText) signText = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const size = Number(width ?? 0) - signText.length - converted.body.length;
    if (size <= 0) return signText + converted.body;
    if (flags.includes('-')) return signText + converted.body + ' '.repeat(size);
    if (flags.includes('0') && converted.numeric) return signText + '0'.repeat(size) + converted.body;
    return ' '.repeat(size) + signText + converted.body;
  });
  if (!byKey && next < list.length) throw typeFault('not all arguments converted during string formatting');
  return out;
}
