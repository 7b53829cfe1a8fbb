// A lean path for long `runs:` lists. Generated configurations list thousands of runs, one small mapping each, and
// the YAML document model costs about 25 kB of short-lived objects per run: for 10,000 runs, a quarter of a second
// and most of the peak memory (bench/RESULTS.md). A list whose every entry is a one-line flow mapping
// (`- {id: 1, melt: 0.5}`) or a block mapping of plain keys and simple scalars is read here line by line instead, and
// its lines are emptied (not removed, so every other line and column stays where it is) in the text the YAML parser
// reads. Anything else (comments, anchors, tags, nested values, escapes, quotes inside values, tabs) leaves the list
// to the parser, so every message a user can get still comes from it; yaml11.ts checks that each list read here is
// the value of a `runs:` key the parser found, and reads the whole file the ordinary way when one is not.
import type { LinePos } from './positions.js';
import { resolvePlainScalar } from './yaml11-tags.js';

/** One key and value of an entry, with where each is written. */
export interface FastPair {
  readonly key: string;
  readonly keyAt: LinePos;
  readonly value: unknown;
  readonly valueAt: LinePos;
}

/** One entry: a mapping, placed at its `{` (flow) or its first key (block). */
export interface FastEntry {
  readonly at: LinePos;
  readonly pairs: readonly FastPair[];
}

/** A `runs:` list read line by line. */
export interface FastList {
  /** The line of the `runs:` key (1-based). */
  readonly keyLine: number;
  /** The place of the first entry's `-`, where the parser places the sequence. */
  readonly start: LinePos;
  readonly entries: readonly FastEntry[];
}

/** Lists shorter than this go through the parser: nothing to gain there. */
export const FAST_RUNS_MIN = 64;

const KEY_LINE = /^( *)runs: *$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Plain scalars made only of characters with no meaning in YAML, and quoted strings without escapes.
const PLAIN = /^[A-Za-z0-9_.+/-](?:[A-Za-z0-9_.+/ -]*[A-Za-z0-9_.+/-])?$/;
const DOUBLE_QUOTED = /^"[^"\\]*"$/;
const SINGLE_QUOTED = /^'[^']*'$/;
// `key: value` inside a flow mapping: the value runs to the next `,` or `}`.
const FLOW_PAIR = / *([^:,{}\s]+): +("[^"\\]*"|'[^']*'|[^,{}'"]*?) *(,|\})/y;

/** The value of a scalar as written, or undefined when it is not one this path reads. */
function readScalar(text: string): { value: unknown } | undefined {
  if (DOUBLE_QUOTED.test(text) || SINGLE_QUOTED.test(text)) return { value: text.slice(1, -1) };
  if (text === '~') return { value: null };
  // `-` alone or `- x` would start a sequence, not a scalar.
  if (!PLAIN.test(text) || /^-(?: |$)/.test(text)) return undefined;
  return resolvePlainScalar(text);
}

/** Adds `key: value` written at 0-based columns `keyCol` and `valueCol` of `line` to `pairs`; false when unreadable. */
function addPair(pairs: FastPair[], line: number, key: string, keyCol: number, text: string, valueCol: number): boolean {
  const scalar = KEY.test(key) ? readScalar(text) : undefined;
  // A duplicate key is an error the parser reports, with both places.
  if (scalar === undefined || pairs.some((pair) => pair.key === key)) return false;
  pairs.push({ key, keyAt: { line, col: keyCol + 1 }, value: scalar.value, valueAt: { line, col: valueCol + 1 } });
  return true;
}

/** A one-line flow mapping starting at 0-based column `at` (its `{`), or undefined. */
function readFlowEntry(text: string, line: number, at: number): FastEntry | undefined {
  const pairs: FastPair[] = [];
  let index = at + 1;
  if (/^\{ *\} *$/.test(text.slice(at))) return { at: { line, col: at + 1 }, pairs };
  for (;;) {
    FLOW_PAIR.lastIndex = index;
    const match = FLOW_PAIR.exec(text);
    if (!match) return undefined;
    const [whole, key = '', value = '', end] = match;
    const keyCol = text.indexOf(key, index);
    const valueCol = text.indexOf(value, keyCol + key.length + 1);
    if (!addPair(pairs, line, key, keyCol, value, valueCol)) return undefined;
    index += whole.length;
    if (end === '}') return text.slice(index).trim() === '' ? { at: { line, col: at + 1 }, pairs } : undefined;
  }
}

/** `key: value` at 0-based column `col` of a block mapping line, added to `pairs`; false when unreadable. */
function readBlockPair(pairs: FastPair[], text: string, line: number, col: number): boolean {
  const colon = text.indexOf(': ', col);
  if (colon < 0) return false;
  const rest = text.slice(colon + 2);
  const value = rest.trim();
  return value !== '' && addPair(pairs, line, text.slice(col, colon), col, value, colon + 2 + rest.indexOf(value));
}

const indentOf = (text: string): number => text.length - text.trimStart().length;
const isBlank = (text: string): boolean => text.trim() === '';

/**
 * The list under the `runs:` key on line index `keyIndex` (0-based), and the index of the line after it; undefined
 * when any line of it is beyond this path.
 */
function readList(lines: readonly string[], keyIndex: number, keyIndent: number): { list: FastList; end: number } | undefined {
  let i = keyIndex + 1;
  while (i < lines.length && isBlank(lines[i] as string)) i++;
  const first = lines[i];
  if (first === undefined) return undefined;
  const seqIndent = indentOf(first);
  if (seqIndent < keyIndent || !first.startsWith('- ', seqIndent)) return undefined;
  const start = { line: i + 1, col: seqIndent + 1 };
  const entries: FastEntry[] = [];
  let end = i;
  for (; i < lines.length; i++) {
    const text = lines[i] as string;
    if (isBlank(text)) continue;
    const indent = indentOf(text);
    if (indent <= keyIndent && !(indent === seqIndent && text.startsWith('- ', indent))) break;
    if (indent !== seqIndent || !text.startsWith('- ', indent)) return undefined;
    const line = i + 1;
    const body = seqIndent + 2;
    if (text[body] === '{') {
      const entry = readFlowEntry(text, line, body);
      if (!entry) return undefined;
      entries.push(entry);
    } else {
      const pairs: FastPair[] = [];
      if (!readBlockPair(pairs, text, line, body)) return undefined;
      // The entry's other keys follow on their own lines, at the column of its first key.
      while (i + 1 < lines.length && indentOf(lines[i + 1] as string) === body && !isBlank(lines[i + 1] as string)) {
        i++;
        if (!readBlockPair(pairs, lines[i] as string, i + 1, body)) return undefined;
      }
      entries.push({ at: { line, col: body + 1 }, pairs });
    }
    end = i + 1;
  }
  return { list: { keyLine: keyIndex + 1, start, entries }, end };
}

/**
 * Finds the `runs:` lists of at least `minEntries` entries that this path can read, and returns them by the line of
 * their key, with the text the parser should read instead: those lists' lines emptied.
 */
export function extractRunLists(text: string, minEntries = FAST_RUNS_MIN): { text: string; lists: Map<number, FastList> } {
  const lists = new Map<number, FastList>();
  // Tabs and carriage returns have meanings this path does not follow.
  if (text.includes('\t') || text.includes('\r') || !text.includes('runs:')) return { text, lists };
  const lines = text.split('\n');
  let emptied = false;
  for (let i = 0; i < lines.length; i++) {
    const key = KEY_LINE.exec(lines[i] as string);
    if (!key) continue;
    const read = readList(lines, i, (key[1] ?? '').length);
    if (!read || read.list.entries.length < minEntries) continue;
    lists.set(read.list.keyLine, read.list);
    for (let j = i + 1; j < read.end; j++) lines[j] = '';
    emptied = true;
    i = read.end - 1;
  }
  return { text: emptied ? lines.join('\n') : text, lists };
}
