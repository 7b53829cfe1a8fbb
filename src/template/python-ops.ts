// Python's operators for template expressions. nunjucks compiles `+`, `/`, `==`, `and` and friends to the JS
// operators, which differ where templates notice: `7 / 2` is 3.5 in both but `4 / 2` prints `2.0` in Jinja2, an
// empty list is false, `'1' == 1` is false, `-7 % 3` is 2, `1.0 == 1.0` holds between two PyFloat objects, and
// `'a' + 1` is an error rather than `a1`. Our compile step routes those operators here.
import { PyDate, PyFloat } from '../config/values.js';
import { typeFault, undefinedFault } from './fault.js';
import { PyTimedelta, addDates, subtractDates } from './python-date.js';
import { formatPercent } from './python-format.js';
import { PyBytes, PyDictView, PyNamedTuple, PyNamespace, PyRange, PyTuple, isList, isTuple, makeTuple } from './python-types.js';
import { isPlainObject, isPyFloat, pyStr } from './python.js';

/** Python's name for a value's type, for error messages. */
export function pyTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value === undefined) return 'Undefined';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || value instanceof PyFloat) return isPyFloat(value) ? 'float' : 'int';
  if (typeof value === 'string' || value instanceof String) return 'str';
  if (value instanceof PyNamedTuple) return value.typeName;
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyRange) return 'range';
  if (value instanceof PyDictView) return `dict_${value.kind}`;
  if (value instanceof PyTimedelta) return 'timedelta';
  if (value instanceof PyBytes) return 'bytes';
  if (value instanceof PyNamespace) return 'Namespace';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyDate) return value.hasTime ? 'datetime' : 'date';
  if (isPlainObject(value)) return 'dict';
  return typeof value;
}

/** Python's truth value: empty strings, lists and dicts, zero (0.0 too) and None are false. */
export function pyBool(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  // NaN is true in Python.
  if (typeof value === 'number' || value instanceof PyFloat) return Number(value) !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof String || Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  if (value instanceof PyTimedelta) return value.total !== 0;
  if (value instanceof PyBytes) return value.data.length > 0;
  return true;
}

/** `a or b`: `a` when it is true, else `b` (evaluated only then). */
export function pyOr(left: unknown, right: () => unknown): unknown {
  return pyBool(left) ? left : right();
}

/** `a and b`: `a` when it is false, else `b` (evaluated only then). */
export function pyAnd(left: unknown, right: () => unknown): unknown {
  return pyBool(left) ? right() : left;
}

// A number as Python's arithmetic sees it: bools are 0 and 1; anything else is not a number.
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof PyFloat) return value.valueOf();
  return undefined;
}

function isText(value: unknown): value is string | String {
  return typeof value === 'string' || value instanceof String;
}

/** Python's `==`: by value for numbers (`1 == 1.0 == True`), strings, lists, dicts and dates; no coercion. */
export function pyEq(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  const a = toNumber(left);
  const b = toNumber(right);
  if (a !== undefined || b !== undefined) return a === b;
  if (isText(left) || isText(right)) return isText(left) && isText(right) && String(left) === String(right);
  if (Array.isArray(left) || Array.isArray(right)) {
    return Array.isArray(left) && Array.isArray(right) && sequenceKind(left) === sequenceKind(right) &&
      left.length === right.length && left.every((item, i) => pyEq(item, right[i]));
  }
  if (left instanceof PyTimedelta || right instanceof PyTimedelta) {
    return left instanceof PyTimedelta && right instanceof PyTimedelta && left.total === right.total;
  }
  if (left instanceof PyBytes || right instanceof PyBytes) {
    return left instanceof PyBytes && right instanceof PyBytes && String(left) === String(right);
  }
  if (left instanceof PyDate || right instanceof PyDate) {
    return left instanceof PyDate && right instanceof PyDate && left.isoformat() === right.isoformat();
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && pyEq(left[key], right[key]));
  }
  return false;
}

// Which of Python's sequence types an array stands for: lists, tuples and ranges never compare equal to each other.
function sequenceKind(value: readonly unknown[] | object): string {
  if (isTuple(value)) return 'tuple';
  if (value instanceof PyRange) return 'range';
  if (value instanceof PyDictView) return `view:${value.kind}`;
  return 'list';
}

const SURROGATE = /[\uD800-\uDFFF]/;

// Python orders strings by code point; JS's < by UTF-16 unit, which differs only past U+FFFF.
function compareCodePoints(x: string, y: string): number {
  if (!SURROGATE.test(x) && !SURROGATE.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  const a = [...x];
  const b = [...y];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i]!.codePointAt(0) ?? 0) - (b[i]!.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

// Orders two values as Python does, or fails as Python does for values of different kinds.
function order(left: unknown, right: unknown, op: string): number {
  if (left === undefined || right === undefined) throw undefinedFault(`undefined value compared with '${op}'`);
  const a = toNumber(left);
  const b = toNumber(right);
  if (a !== undefined && b !== undefined) return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (isText(left) && isText(right)) return compareCodePoints(String(left), String(right));
  if (Array.isArray(left) && Array.isArray(right) && sequenceKind(left) === sequenceKind(right) &&
    (isList(left) || isTuple(left))) {
    const n = Math.min(left.length, right.length);
    for (let i = 0; i < n; i++) {
      if (!pyEq(left[i], right[i])) return order(left[i], right[i], op);
    }
    return left.length - right.length;
  }
  if (left instanceof PyDate && right instanceof PyDate) {
    const x = left.isoformat();
    const y = right.isoformat();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (left instanceof PyTimedelta && right instanceof PyTimedelta) return left.total - right.total;
  throw typeFault(
    `'${op}' not supported between instances of '${pyTypeName(left)}' and '${pyTypeName(right)}'`,
  );
}

/** Python's comparison chain `a < b <= c`: each pair compared, all must hold. `ops` alternates operator, operand. */
export function pyCompare(first: unknown, ops: readonly unknown[]): boolean {
  let left = first;
  for (let i = 0; i < ops.length; i += 2) {
    const op = ops[i] as string;
    const right = ops[i + 1];
    if (!compareOne(left, op, right)) return false;
    left = right;
  }
  return true;
}

function compareOne(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case '==':
      return pyEq(left, right);
    case '!=':
      return !pyEq(left, right);
    case '<':
      return order(left, right, op) < 0;
    case '>':
      return order(left, right, op) > 0;
    case '<=':
      return order(left, right, op) <= 0;
    case '>=':
      return order(left, right, op) >= 0;
    case 'in':
      return pyIn(left, right);
    case 'notin':
      return !pyIn(left, right);
    default:
      throw typeFault(`unknown comparison '${op}'`);
  }
}

/** Python's `needle in haystack` for strings (substring), lists (by ==) and dicts (keys). */
export function pyIn(needle: unknown, haystack: unknown): boolean {
  if (haystack === undefined) return false;
  if (isText(haystack)) {
    if (!isText(needle)) throw typeFault(`'in <string>' requires string as left operand, not ${pyTypeName(needle)}`);
    return String(haystack).includes(String(needle));
  }
  if (Array.isArray(haystack)) return haystack.some((item) => pyEq(needle, item));
  if (isPlainObject(haystack)) return isText(needle) && Object.hasOwn(haystack, String(needle));
  if (haystack === null || typeof haystack !== 'object') throw typeFault(`argument of type '${pyTypeName(haystack)}' is not iterable`);
  throw typeFault(`argument of type '${pyTypeName(haystack)}' is not iterable`);
}

function numeric(op: string, left: unknown, right: unknown): [number, number, boolean] {
  if (left === undefined || right === undefined) throw undefinedFault(`undefined value used with '${op}'`);
  const a = toNumber(left);
  const b = toNumber(right);
  if (a === undefined || b === undefined) {
    throw typeFault(`unsupported operand type(s) for ${op}: '${pyTypeName(left)}' and '${pyTypeName(right)}'`);
  }
  return [a, b, isPyFloat(left) || isPyFloat(right)];
}

// A result keeps Python's type: a float stays a float even when it is integral (`2.0`).
function result(value: number, float: boolean): number | PyFloat {
  // Python ints have no negative zero (`0 * -1` and `-0` are 0).
  if (!float) return value + 0;
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

/** Python's `+`: numbers, or two strings, or two lists. */
export function pyAdd(left: unknown, right: unknown): unknown {
  if (isText(left) && isText(right)) return String(left) + String(right);
  if (isList(left) && isList(right)) return [...left, ...right];
  if (isTuple(left) && isTuple(right)) return makeTuple([...left, ...right]);
  const date = addDates(left, right);
  if (date !== undefined) return date;
  const [a, b, float] = numeric('+', left, right);
  return result(a + b, float);
}

/** Python's `-`. */
export function pySub(left: unknown, right: unknown): unknown {
  const date = subtractDates(left, right);
  if (date !== undefined) return date;
  const [a, b, float] = numeric('-', left, right);
  return result(a - b, float);
}

/** Python's `*`: numbers, or a string or list repeated an int number of times. */
export function pyMul(left: unknown, right: unknown): unknown {
  if (isText(left) || isList(left) || isTuple(left)) return repeat(left, right);
  if (isText(right) || isList(right) || isTuple(right)) return repeat(right, left);
  const [a, b, float] = numeric('*', left, right);
  return result(a * b, float);
}

function repeat(seq: string | String | unknown[], times: unknown): unknown {
  const n = toNumber(times);
  if (n === undefined || isPyFloat(times)) {
    throw typeFault(`can't multiply sequence by non-int of type '${pyTypeName(times)}'`);
  }
  if (isText(seq)) return String(seq).repeat(Math.max(0, n));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...seq);
  return isTuple(seq) ? makeTuple(out) : out;
}

/** Python's `/`: always a float. */
export function pyDiv(left: unknown, right: unknown): PyFloat {
  const [a, b] = numeric('/', left, right);
  if (b === 0) throw typeFault('division by zero');
  return new PyFloat(a / b);
}

/** Python's `//`: the floor of the quotient, as CPython computes it for floats (`1 // 0.1` is 9.0). */
export function pyFloorDiv(left: unknown, right: unknown): number | PyFloat {
  const [a, b, float] = numeric('//', left, right);
  if (b === 0) throw typeFault('division by zero');
  if (!float) return (a - pyModNumber(a, b, false)) / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod && b < 0 !== mod < 0) div -= 1;
  let floor: number;
  if (div) {
    floor = Math.floor(div);
    if (div - floor > 0.5) floor += 1;
  } else {
    // A zero quotient keeps the sign of the true quotient, as C's copysign(0.0, a / b).
    const quotient = a / b;
    floor = quotient < 0 || Object.is(quotient, -0) ? -0 : 0;
  }
  return new PyFloat(floor);
}

/** Python's `%`: the remainder takes the divisor's sign; on a string it is printf-style formatting. */
export function pyMod(left: unknown, right: unknown): unknown {
  if (isText(left)) return formatPercent(String(left), right);
  const [a, b, float] = numeric('%', left, right);
  if (b === 0) throw typeFault('modulo by zero');
  return result(pyModNumber(a, b, float), float);
}

function pyModNumber(a: number, b: number, float: boolean): number {
  let mod = a % b;
  if (mod) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = float && b < 0 ? -0 : 0;
  }
  return mod;
}

/** Python's `**`: an int to a non-negative int power stays an int. */
export function pyPow(left: unknown, right: unknown): number | PyFloat {
  const [a, b, float] = numeric('**', left, right);
  if (a === 0 && b < 0) throw typeFault('0.0 cannot be raised to a negative power');
  return result(a ** b, float || b < 0);
}

/** Python's unary `-`. */
export function pyNeg(value: unknown): number | PyFloat {
  const [a, , float] = numeric('unary -', value, 0);
  return result(-a, float);
}

/** Python's unary `+`. */
export function pyPos(value: unknown): number | PyFloat {
  const [a, , float] = numeric('unary +', value, 0);
  return result(a, float);
}

/** Jinja2's `~`: both sides as `{{ }}` prints them, joined. */
export function pyConcat(left: unknown, right: unknown): string {
  if (left === undefined || right === undefined) throw undefinedFault("undefined value used with '~'");
  return pyStr(left) + pyStr(right);
}
