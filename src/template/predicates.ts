// Jinja2's tests (`x is number`, `x is none`, `x is divisibleby 3`) with Python's types: a PyFloat is a number and a
// float, `True is number` holds while `True is integer` does not, and comparisons use Python's equality and order.
import { PyFloat } from '../config/values.js';
import type { Filter } from './filters.js';
import { callStrMethod } from './python-methods.js';
import { pyCompare, pyEq, pyIn, pyMod } from './python-ops.js';
import { isPlainObject, isPyFloat, pyStr } from './python.js';

const isText = (value: unknown): boolean => typeof value === 'string' || value instanceof String;
const isNumber = (value: unknown): boolean =>
  typeof value === 'number' || typeof value === 'boolean' || value instanceof PyFloat;
const compare = (op: string) => (left: unknown, right: unknown) => pyCompare(left, [op, right]);

/** The tests installed over nunjucks' own. */
export const PYTHON_TESTS: Readonly<Record<string, Filter>> = {
  none: (value) => value === null,
  boolean: (value) => typeof value === 'boolean',
  true: (value) => value === true,
  false: (value) => value === false,
  number: (value) => isNumber(value),
  integer: (value) => typeof value === 'number' && Number.isInteger(value),
  float: (value) => isPyFloat(value),
  string: (value) => isText(value),
  mapping: (value) => isPlainObject(value),
  sequence: (value) => isText(value) || Array.isArray(value) || isPlainObject(value),
  iterable: (value) => isText(value) || Array.isArray(value) || isPlainObject(value),
  eq: (left, right) => pyEq(left, right),
  equalto: (left, right) => pyEq(left, right),
  '==': (left, right) => pyEq(left, right),
  ne: (left, right) => !pyEq(left, right),
  '!=': (left, right) => !pyEq(left, right),
  lt: compare('<'),
  lessthan: compare('<'),
  '<': compare('<'),
  le: compare('<='),
  '<=': compare('<='),
  gt: compare('>'),
  greaterthan: compare('>'),
  '>': compare('>'),
  ge: compare('>='),
  '>=': compare('>='),
  in: (value, container) => pyIn(value, container),
  sameas: (left, right) => left === right,
  divisibleby: (value, divisor) => pyEq(pyMod(value, divisor), 0),
  // `value % 2`, as Jinja2 computes it: a TypeError for a value that is not a number.
  even: (value) => pyEq(pyMod(value, 2), 0),
  odd: (value) => pyEq(pyMod(value, 2), 1),
  lower: (value) => callStrMethod('islower', pyStr(value)) === true,
  upper: (value) => callStrMethod('isupper', pyStr(value)) === true,
};
