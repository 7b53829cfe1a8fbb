// The scalar types of YAML 1.1 exactly as PyYAML 6 resolves and constructs them, as `yaml` custom tags. model-ensembler
// reads its configuration with PyYAML, and its users' files must keep their meaning here: `yes` is true, `14:00` is
// 840, `00:20:00` and `1e3` are strings, `1.0` is a float that prints `1.0`. The `yaml` package's own `yaml-1.1` schema
// differs (it reads `y`/`n` as booleans, `1e3` as a number), so each regular expression and constructor below is a
// port of PyYAML's (yaml/resolver.py and yaml/constructor.py, SafeConstructor).
import type { ScalarTag } from 'yaml';
import { PyDate, PyFloat } from './values.js';

// The implicit resolvers of yaml/resolver.py, in PyYAML's order (the first that matches wins).
const BOOL_TEST = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT_TEST =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT_TEST =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const MERGE_TEST = /^(?:<<)$/;
const NULL_TEST = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP_TEST =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const VALUE_TEST = /^(?:=)$/;

// The constructor's own timestamp expression: looser than the resolver's (one-digit month and day), used for `!!timestamp`.
const TIMESTAMP_PARTS =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

const BOOL_VALUES: Readonly<Record<string, boolean>> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** Splits a leading sign off, as PyYAML's constructors do. */
function splitSign(text: string): [sign: number, rest: string] {
  if (text.startsWith('-')) return [-1, text.slice(1)];
  if (text.startsWith('+')) return [1, text.slice(1)];
  return [1, text];
}

/** Python's `int(text, base)` for the digits PyYAML passes it; throws where Python raises ValueError. */
function parseDigits(text: string, base: 2 | 8 | 10 | 16): number {
  const digits = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base];
  if (!digits.test(text)) throw new Error(`invalid literal for int() with base ${base}: '${text}'`);
  return parseInt(text, base);
}

/** Python's `float(text)` for what PyYAML passes it (underscores removed, lower case). */
function parsePythonFloat(text: string): number {
  const [sign, rest] = splitSign(text.trim());
  if (rest === 'inf' || rest === 'infinity') return sign * Infinity;
  if (rest === 'nan') return NaN;
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?$/.test(rest)) throw new Error(`could not convert string to float: '${text}'`);
  return sign * Number(rest);
}

/** Base-60 digits (`1:30:00`), summed as PyYAML sums them. */
function sexagesimal(text: string, parse: (part: string) => number): number {
  let value = 0;
  let base = 1;
  for (const part of text.split(':').reverse()) {
    value += parse(part) * base;
    base *= 60;
  }
  return value;
}

/** PyYAML's construct_yaml_int: binary, octal (leading 0), hexadecimal, base 60 and decimal. */
function constructInt(source: string): number {
  const [sign, value] = splitSign(source.replace(/_/g, ''));
  let magnitude: number;
  if (value === '0') magnitude = 0;
  else if (value.startsWith('0b')) magnitude = parseDigits(value.slice(2), 2);
  else if (value.startsWith('0x')) magnitude = parseDigits(value.slice(2), 16);
  else if (value.startsWith('0')) magnitude = parseDigits(value, 8);
  else if (value.includes(':')) magnitude = sexagesimal(value, (part) => parseDigits(part, 10));
  else magnitude = parseDigits(value, 10);
  // Python has no negative zero integer.
  return sign * magnitude || 0;
}

/** PyYAML's construct_yaml_float: `.inf`, `.nan`, base 60 and decimal; always a PyFloat. */
function constructFloat(source: string): PyFloat {
  const [sign, value] = splitSign(source.replace(/_/g, '').toLowerCase());
  if (value === '.inf') return new PyFloat(sign * Infinity);
  if (value === '.nan') return new PyFloat(NaN);
  if (value.includes(':')) return new PyFloat(sign * sexagesimal(value, parsePythonFloat));
  return new PyFloat(sign * parsePythonFloat(value));
}

/** PyYAML's construct_yaml_bool. */
function constructBool(source: string): boolean {
  const value = BOOL_VALUES[source.toLowerCase()];
  if (value === undefined) throw new Error(`"${source}" is not a YAML 1.1 boolean (yes/no, true/false, on/off)`);
  return value;
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** Throws as Python's `datetime` does for a field out of range. */
function checkRange(what: string, value: number, min: number, max: number): void {
  if (value < min || value > max) throw new Error(`${what} must be in ${min}..${max}, got ${value}`);
}

/** PyYAML's construct_yaml_timestamp: a date, or a date and time with optional fraction and UTC offset. */
function constructTimestamp(source: string): PyDate {
  const match = TIMESTAMP_PARTS.exec(source);
  if (!match) throw new Error(`"${source}" is not a YAML timestamp (2020-01-31 or 2020-01-31 12:00:00)`);
  const [, year = '', month = '', day = '', hour, minute = '0', second = '0', fraction, tz, tzSign, tzHour = '0', tzMinute] = match;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  checkRange('year', date.year, 1, 9999);
  checkRange('month', date.month, 1, 12);
  checkRange('day', date.day, 1, daysInMonth(date.year, date.month));
  if (hour === undefined) return new PyDate(date);
  const time = { hour: Number(hour), minute: Number(minute), second: Number(second) };
  checkRange('hour', time.hour, 0, 23);
  checkRange('minute', time.minute, 0, 59);
  checkRange('second', time.second, 0, 59);
  // PyYAML keeps the first six fraction digits and pads shorter fractions: `.1` is 100000 microseconds.
  const microsecond = fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0;
  let offsetMinutes: number | undefined;
  if (tzSign) {
    offsetMinutes = (Number(tzHour) * 60 + Number(tzMinute ?? 0)) * (tzSign === '-' ? -1 : 1);
    // datetime.timezone accepts offsets strictly inside one day.
    if (Math.abs(offsetMinutes) >= 24 * 60) throw new Error(`UTC offset must be less than 24 hours, got ${tz ?? ''}`);
  } else if (tz) {
    offsetMinutes = 0;
  }
  return new PyDate({ ...date, time: { ...time, microsecond, ...(offsetMinutes === undefined ? {} : { offsetMinutes }) } });
}

/** Wraps a constructor so its failure becomes a positioned YAML error rather than a throw. */
function guarded(construct: (source: string) => unknown): ScalarTag['resolve'] {
  return (source, onError) => {
    try {
      return construct(source);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
      return source;
    }
  };
}

/** A scalar that PyYAML resolves to a tag it has no constructor for: loading such a file fails there too. */
function refused(what: string): ScalarTag['resolve'] {
  return (source, onError) => {
    onError(`a plain ${what} cannot be read as a value (PyYAML refuses it too); quote it: "${source}"`);
    return source;
  };
}

const TAG = (name: string): string => `tag:yaml.org,2002:${name}`;

/** Tags tried on every plain scalar, in PyYAML's order; a scalar none matches is a string. */
const IMPLICIT_TAGS: readonly ScalarTag[] = [
  { tag: TAG('bool'), default: true, test: BOOL_TEST, resolve: guarded(constructBool) },
  { tag: TAG('float'), default: true, test: FLOAT_TEST, resolve: guarded(constructFloat) },
  { tag: TAG('int'), default: true, test: INT_TEST, resolve: guarded(constructInt) },
  { tag: TAG('merge'), default: true, test: MERGE_TEST, resolve: refused('"<<"') },
  { tag: TAG('null'), default: true, test: NULL_TEST, resolve: () => null },
  { tag: TAG('timestamp'), default: true, test: TIMESTAMP_TEST, resolve: guarded(constructTimestamp) },
  { tag: TAG('value'), default: true, test: VALUE_TEST, resolve: refused('"="') },
];

/** Tags written out (`!!int "42"`): the same constructors applied to any text, as PyYAML applies them. */
const EXPLICIT_TAGS: readonly ScalarTag[] = [
  { tag: TAG('bool'), resolve: guarded(constructBool) },
  { tag: TAG('float'), resolve: guarded(constructFloat) },
  { tag: TAG('int'), resolve: guarded(constructInt) },
  { tag: TAG('null'), resolve: () => null },
  { tag: TAG('timestamp'), resolve: guarded(constructTimestamp) },
];

/**
 * The value of a plain scalar as the parser reads it with these tags (the first implicit tag whose test matches,
 * else a string); undefined when its constructor refuses it, which the parser would report as an error.
 */
export function resolvePlainScalar(source: string): { value: unknown } | undefined {
  for (const tag of IMPLICIT_TAGS) {
    if (!tag.test?.test(source)) continue;
    let refused = false;
    const value = tag.resolve(source, () => (refused = true), {});
    return refused ? undefined : { value };
  }
  return { value: source };
}

/** The `yaml` customTags option: the failsafe schema's map, seq and str, plus PyYAML's scalar types. */
export function buildPyYamlTags<T>(failsafe: readonly T[]): (T | ScalarTag)[] {
  return [...failsafe, ...IMPLICIT_TAGS, ...EXPLICIT_TAGS];
}
