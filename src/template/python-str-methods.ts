// Python's str methods, for templates that call them: `.upper()`, `.split(',')`, `.rsplit(None, 1)`,
// `.partition('=')`, `.zfill(4)`, `.expandtabs(4)`, `.encode()`. Whitespace, case and character classes follow
// Python's definitions (str.isspace, title case), which differ from JavaScript's `\s` and toUpperCase here and there.
import { typeFault } from './fault.js';
import { formatBraces } from './python-str-format.js';
import { PyBytes, isTuple, makeTuple } from './python-types.js';
import { titleChar } from './python-titlecase.js';
import { NON_PRINTABLE, pyStr } from './python.js';

type Method = (self: string, ...args: unknown[]) => unknown;

/** The characters Python's str.isspace() accepts (what split() and strip() remove). */
export const PY_WHITESPACE = '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005' +
  '\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const SPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`);
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

const CASED = /\p{Cased}/u;
const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const TITLE = /\p{Lt}/u;

function stripChars(text: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? PY_WHITESPACE : String(chars);
  const items = [...text];
  let start = 0;
  let end = items.length;
  while (left && start < end && set.includes(items[start]!)) start++;
  while (right && end > start && set.includes(items[end - 1]!)) end--;
  return items.slice(start, end).join('');
}

const limitOf = (maxsplit: unknown): number => (typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity);

function split(text: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = limitOf(maxsplit);
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = stripChars(text, null, true, false);
    while (rest && parts.length < limit) {
      const match = SPACE_RUN.exec(rest);
      if (!match) break;
      parts.push(rest.slice(0, match.index));
      rest = stripChars(rest.slice(match.index), null, true, false);
    }
    // Past maxsplit the rest stays as it is, trailing whitespace included ('1  2 '.split(None, 1) is ['1', '2 ']).
    if (rest) parts.push(rest);
    return parts;
  }
  const separator = String(sep);
  if (separator === '') throw typeFault('empty separator');
  const all = text.split(separator);
  return all.length - 1 <= limit ? all : [...all.slice(0, limit), all.slice(limit).join(separator)];
}

function rsplit(text: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = limitOf(maxsplit);
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = stripChars(text, null, false, true);
    while (rest && parts.length < limit) {
      let i = rest.length;
      while (i > 0 && !PY_WHITESPACE.includes(rest.charAt(i - 1))) i--;
      if (i === 0) break;
      parts.unshift(rest.slice(i));
      rest = stripChars(rest.slice(0, i), null, false, true);
    }
    if (rest) parts.unshift(rest);
    return parts;
  }
  const separator = String(sep);
  if (separator === '') throw typeFault('empty separator');
  const all = text.split(separator);
  return all.length - 1 <= limit ? all : [all.slice(0, all.length - limit).join(separator), ...all.slice(all.length - limit)];
}

function pad(text: string, width: unknown, fill: unknown, where: 'left' | 'right' | 'center'): string {
  const char = fill === undefined ? ' ' : String(fill);
  if ([...char].length !== 1) throw typeFault('The fill character must be exactly one character long');
  const size = Number(width) - [...text].length;
  if (size <= 0) return text;
  if (where === 'left') return char.repeat(size) + text;
  if (where === 'right') return text + char.repeat(size);
  // CPython's centring puts the odd pad character on the left when the width is odd.
  const left = Math.floor(size / 2) + (size & Number(width) & 1);
  return char.repeat(left) + text + char.repeat(size - left);
}

// `s[start:end]` for the optional start/end arguments of find, count and friends; returns the offset too.
function window(s: string, start: unknown, end: unknown): [string, number] {
  const n = s.length;
  const bound = (value: unknown, fallback: number) => {
    if (value === undefined || value === null) return fallback;
    const x = Number(value);
    return Math.min(Math.max(x < 0 ? x + n : x, 0), n);
  };
  const from = bound(start, 0);
  return [s.slice(from, Math.max(from, bound(end, n))), from];
}

function find(s: string, sub: unknown, start: unknown, end: unknown, fromRight: boolean): number {
  const [part, offset] = window(s, start, end);
  const i = fromRight ? part.lastIndexOf(String(sub)) : part.indexOf(String(sub));
  return i < 0 ? -1 : i + offset;
}

// startswith/endswith take a str or a tuple of str, as in Python.
function affixes(value: unknown, method: string): string[] {
  const items = isTuple(value) ? [...value] : [value];
  if (!items.every((item) => typeof item === 'string' || item instanceof String)) {
    throw typeFault(`${method} first arg must be str or a tuple of str`);
  }
  return items.map(String);
}

function titleCase(s: string): string {
  let previousCased = false;
  let out = '';
  for (const char of s) {
    out += previousCased ? char.toLowerCase() : titleChar(char);
    previousCased = CASED.test(char);
  }
  return out;
}

function isTitle(s: string): boolean {
  let cased = false;
  let previousCased = false;
  for (const char of s) {
    if (UPPER.test(char) || TITLE.test(char)) {
      if (previousCased) return false;
      previousCased = cased = true;
    } else if (LOWER.test(char)) {
      if (!previousCased) return false;
      previousCased = cased = true;
    } else {
      previousCased = false;
    }
  }
  return cased;
}

function expandTabs(s: string, tabsize: unknown = 8): string {
  const size = Number(tabsize);
  let column = 0;
  let out = '';
  for (const char of s) {
    if (char === '\t') {
      const spaces = size > 0 ? size - (column % size) : 0;
      out += ' '.repeat(spaces);
      column += spaces;
    } else {
      out += char;
      column = char === '\n' || char === '\r' ? 0 : column + 1;
    }
  }
  return out;
}

function partition(s: string, sep: unknown, fromRight: boolean): unknown {
  const separator = String(sep);
  if (separator === '') throw typeFault('empty separator');
  const i = fromRight ? s.lastIndexOf(separator) : s.indexOf(separator);
  if (i < 0) return makeTuple(fromRight ? ['', '', s] : [s, '', '']);
  return makeTuple([s.slice(0, i), separator, s.slice(i + separator.length)]);
}

function encode(s: string, encoding: unknown = 'utf-8'): PyBytes {
  const name = String(encoding).toLowerCase().replace(/[-_]/g, '');
  if (name === 'utf8') return new PyBytes(new TextEncoder().encode(s));
  const limit = name === 'ascii' ? 0x80 : name === 'latin1' || name === 'iso88591' ? 0x100 : 0;
  if (!limit) throw typeFault(`unknown encoding: ${String(encoding)}`);
  const codes = [...s].map((char) => char.codePointAt(0) ?? 0);
  if (codes.some((code) => code >= limit)) throw typeFault(`'${String(encoding)}' codec can't encode character`);
  return new PyBytes(Uint8Array.from(codes));
}

const every = (s: string, test: (char: string) => boolean): boolean => s.length > 0 && [...s].every(test);
const DIGIT = /[\p{Nd}\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490]/u;

const STR_METHODS: Record<string, Method> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => [...s].map((c) => (c === 'ı' ? c : c.toUpperCase().toLowerCase())).join(''),
  swapcase: (s) => [...s].map((c) => (UPPER.test(c) ? c.toLowerCase() : LOWER.test(c) ? c.toUpperCase() : c)).join(''),
  capitalize: (s) => {
    const [first = '', ...rest] = [...s];
    return titleChar(first) + rest.join('').toLowerCase();
  },
  title: (s) => titleCase(s),
  strip: (s, chars) => stripChars(s, chars, true, true),
  lstrip: (s, chars) => stripChars(s, chars, true, false),
  rstrip: (s, chars) => stripChars(s, chars, false, true),
  split: (s, sep, maxsplit) => split(s, sep, maxsplit),
  rsplit: (s, sep, maxsplit) => rsplit(s, sep, maxsplit),
  splitlines: (s, keepends) => {
    const lines: string[] = [];
    let last = 0;
    for (const match of s.matchAll(LINE_BREAK)) {
      const end = match.index + match[0].length;
      lines.push(s.slice(last, keepends ? end : match.index));
      last = end;
    }
    if (last < s.length) lines.push(s.slice(last));
    return lines;
  },
  partition: (s, sep) => partition(s, sep, false),
  rpartition: (s, sep) => partition(s, sep, true),
  expandtabs: (s, tabsize) => expandTabs(s, tabsize),
  encode: (s, encoding) => encode(s, encoding),
  replace: (s, old, replacement, count) => {
    const n = typeof count === 'number' && count >= 0 ? count : Infinity;
    // An empty `old` matches before every character and at the end, as in Python.
    const parts = String(old) === '' ? ['', ...s, ''] : s.split(String(old));
    const glue = String(old) === '' ? '' : String(old);
    return parts.reduce((out, part, i) => (i === 0 ? part : out + (i <= n ? String(replacement) : glue) + part), '');
  },
  startswith: (s, prefix, start, end) => affixes(prefix, 'startswith').some((p) => window(s, start, end)[0].startsWith(p)),
  endswith: (s, suffix, start, end) => affixes(suffix, 'endswith').some((p) => window(s, start, end)[0].endsWith(p)),
  removeprefix: (s, p) => (s.startsWith(String(p)) ? s.slice(String(p).length) : s),
  removesuffix: (s, p) => (String(p) && s.endsWith(String(p)) ? s.slice(0, -String(p).length) : s),
  find: (s, sub, start, end) => find(s, sub, start, end, false),
  rfind: (s, sub, start, end) => find(s, sub, start, end, true),
  index: (s, sub, start, end) => {
    const i = find(s, sub, start, end, false);
    if (i < 0) throw typeFault('substring not found');
    return i;
  },
  rindex: (s, sub, start, end) => {
    const i = find(s, sub, start, end, true);
    if (i < 0) throw typeFault('substring not found');
    return i;
  },
  count: (s, sub, start, end) => {
    const [part] = window(s, start, end);
    return String(sub) === '' ? [...part].length + 1 : part.split(String(sub)).length - 1;
  },
  join: (s, items) => (Array.isArray(items) ? items : [...String(items)]).map((item) => {
    if (typeof item !== 'string' && !(item instanceof String)) {
      throw typeFault(`sequence item: expected str instance, ${typeof item} found`);
    }
    return String(item);
  }).join(s),
  zfill: (s, width) => {
    const sign = /^[-+]/.test(s) ? s.charAt(0) : '';
    return sign + (sign ? s.slice(1) : s).padStart(Number(width) - sign.length, '0');
  },
  ljust: (s, width, fill) => pad(s, width, fill, 'right'),
  rjust: (s, width, fill) => pad(s, width, fill, 'left'),
  center: (s, width, fill) => pad(s, width, fill, 'center'),
  isdigit: (s) => every(s, (c) => DIGIT.test(c)),
  isdecimal: (s) => every(s, (c) => /\p{Nd}/u.test(c)),
  isnumeric: (s) => every(s, (c) => /\p{N}/u.test(c)),
  isalpha: (s) => every(s, (c) => /\p{L}/u.test(c)),
  isalnum: (s) => every(s, (c) => /[\p{L}\p{N}]/u.test(c)),
  isascii: (s) => [...s].every((c) => (c.codePointAt(0) ?? 0) < 0x80),
  isidentifier: (s) => /^[\p{ID_Start}_][\p{ID_Continue}]*$/u.test(s),
  isprintable: (s) => [...s].every((c) => c === ' ' || !NON_PRINTABLE.test(c)),
  isspace: (s) => every(s, (c) => PY_WHITESPACE.includes(c)),
  isupper: (s) => [...s].some((c) => UPPER.test(c)) && ![...s].some((c) => LOWER.test(c) || TITLE.test(c)),
  islower: (s) => [...s].some((c) => LOWER.test(c)) && ![...s].some((c) => UPPER.test(c) || TITLE.test(c)),
  istitle: (s) => isTitle(s),
  translate: (s, table) => [...s].map((c) => {
    const mapped = (table as Record<string, unknown> | null)?.[String(c.codePointAt(0))];
    if (mapped === undefined) return c;
    return mapped === null ? '' : typeof mapped === 'number' ? String.fromCodePoint(mapped) : pyStr(mapped);
  }).join(''),
};

/** The parameter names of the str methods that take optional arguments, for calls with keywords. */
export const STR_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  split: ['sep', 'maxsplit'], rsplit: ['sep', 'maxsplit'], splitlines: ['keepends'], strip: ['chars'],
  lstrip: ['chars'], rstrip: ['chars'], replace: ['old', 'new', 'count'], ljust: ['width', 'fillchar'],
  rjust: ['width', 'fillchar'], center: ['width', 'fillchar'], zfill: ['width'], expandtabs: ['tabsize'],
  encode: ['encoding', 'errors'],
};

/** A str method by name, or undefined; `format` and `format_map` included. */
export function strMethod(name: string): Method | undefined {
  if (name === 'format' || name === 'format_map') return undefined;
  return Object.hasOwn(STR_METHODS, name) ? STR_METHODS[name] : undefined;
}

/** Calls a Python str method by name: `callStrMethod('center', text, 80)`. */
export function callStrMethod(name: string, self: string, ...args: unknown[]): unknown {
  const fn = strMethod(name);
  if (!fn) throw typeFault(`'str' object has no attribute '${name}'`);
  return fn(self, ...args);
}

/** `template.format_map(mapping)`. */
export function formatMap(self: string, mapping: unknown): string {
  return formatBraces(self, [], mapping as Record<string, unknown>);
}
