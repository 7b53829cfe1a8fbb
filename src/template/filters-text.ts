// Jinja2's text filters that wrap and size things: `wordwrap` (Python's textwrap, each existing line wrapped on its
// own) and `filesizeformat` (`12.3 kB`, `1.0 MiB`).
import { PyFloat } from '../config/values.js';
import { typeFault } from './fault.js';
import { formatFixed } from './python-format.js';
import { callStrMethod } from './python-str-methods.js';
import { pyStr } from './python.js';

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NOT_WS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WORD_PUNCT = `[\\p{L}\\p{N}_!"'&.,?]`;
const LETTER = '[\\p{L}\\p{Nl}\\p{No}_]';
const WORD = '[\\p{L}\\p{N}_]';

// textwrap's chunks: runs of whitespace; em-dashes between words; words, split after a hyphen between letters.
const CHUNK_WITH_HYPHENS = new RegExp(
  `(${WS}+|(?<=${WORD_PUNCT})-{2,}(?=${WORD})|${NOT_WS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))` +
    `(?=${LETTER}-?${LETTER})|(?=${WS}|$)|(?<=${WORD_PUNCT})(?=-{2,}${WORD})))`,
  'u',
);
const CHUNK_SIMPLE = new RegExp(`(${WS}+)`);

const isBlank = (chunk: string): boolean => (callStrMethod('strip', chunk) as string) === '';

// Python's textwrap.wrap(text, width, expand_tabs=False, replace_whitespace=False, ...): the lines, greedily filled.
function wrap(text: string, width: number, breakLongWords: boolean, breakOnHyphens: boolean): string[] {
  const chunks = text.split(breakOnHyphens ? CHUNK_WITH_HYPHENS : CHUNK_SIMPLE).filter(Boolean).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let length = 0;
    if (lines.length > 0 && isBlank(chunks[chunks.length - 1]!)) chunks.pop();
    while (chunks.length > 0 && length + chunks[chunks.length - 1]!.length <= width) {
      const chunk = chunks.pop()!;
      line.push(chunk);
      length += chunk.length;
    }
    if (chunks.length > 0 && chunks[chunks.length - 1]!.length > width) {
      // A word longer than the line: cut it (after a hyphen where one fits), or put it on a line of its own.
      const space = width < 1 ? 1 : width - length;
      const chunk = chunks[chunks.length - 1]!;
      if (breakLongWords) {
        let end = space;
        if (breakOnHyphens && chunk.length > space) {
          const hyphen = chunk.lastIndexOf('-', space - 1);
          if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
        }
        line.push(chunk.slice(0, end));
        chunks[chunks.length - 1] = chunk.slice(end);
      } else if (line.length === 0) {
        line.push(chunks.pop()!);
      }
    }
    if (line.length > 0 && isBlank(line[line.length - 1]!)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}

/** `s|wordwrap(width, break_long_words, wrapstring, break_on_hyphens)`. */
export function wordwrap(s: unknown, width: unknown = 79, breakLongWords: unknown = true, wrapstring: unknown = null,
  breakOnHyphens: unknown = true): string {
  if (typeof s !== 'string' && !(s instanceof String)) throw typeFault(`wordwrap: expected a string, got ${pyStr(s)}`);
  const glue = wrapstring === null || wrapstring === undefined ? '\n' : pyStr(wrapstring);
  const paragraphs = callStrMethod('splitlines', pyStr(s)) as string[];
  return paragraphs.map((line) => wrap(line, Number(width), breakLongWords !== false, breakOnHyphens !== false).join(glue)).join(glue);
}

const PREFIXES = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/** `value|filesizeformat(binary)`: `1 Byte`, `12 Bytes`, `1.5 kB`, or with binary prefixes `1.5 KiB`. */
export function filesizeformat(value: unknown, binary: unknown = false): string {
  const bytes = value instanceof PyFloat || typeof value === 'number' ? Number(value) : Number(pyStr(value));
  const base = binary === true ? 1024 : 1000;
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  let prefix = '';
  for (let i = 0; i < PREFIXES.length; i++) {
    unit = base ** (i + 2);
    prefix = binary === true ? `${PREFIXES[i]!.toUpperCase()}iB` : `${PREFIXES[i]}B`;
    if (bytes < unit) break;
  }
  return `${formatFixed((base * bytes) / unit, 1)} ${prefix}`;
}
