// Reads a configuration file's text as PyYAML would, keeping where every value is written. `yaml` parses (with
// PyYAML's scalar types from yaml11-tags.ts); the document tree is then turned into plain values by hand so that merge
// keys follow PyYAML, mapping keys stay the text written (`on:` is the key "on", not true), duplicate keys are refused
// with both places (PyYAML silently keeps the last one: a deliberate difference), and every node's place is recorded.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Problem } from '../errors.js';
import { extractRunLists, FAST_RUNS_MIN, type FastList } from './fast-runs.js';
import { PositionMap, toPointer } from './positions.js';
import type { LinePos, PathSegment } from './positions.js';
import { buildPyYamlTags } from './yaml11-tags.js';

/** A configuration file read into values, with every value's place, and the problems met reading it. */
export interface YamlRead {
  /** The document's value: mappings are plain objects, floats PyFloat, timestamps PyDate; undefined if empty. */
  readonly value: unknown;
  readonly positions: PositionMap;
  /** Syntax errors, duplicate keys, unreadable scalars: any of them makes the file unusable. */
  readonly problems: readonly Problem[];
}

// Aliases can make a small file expand enormously ("billion laughs"): values are counted as they are read, so such
// a file is refused at once. No configuration needs this many values, nor this many repeated through aliases (a
// `<<: *defaults` in each of a thousand runs is some ten thousand).
const MAX_VALUES = 2_000_000;
const MAX_ALIASED_VALUES = 100_000;

/** Explicit tags whose values read as PyYAML reads them; yaml11-tags.ts gives the scalars their meaning. */
const SUPPORTED_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'timestamp', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`));

/** Sets a key without ever touching the prototype (a key named `__proto__` is just a key). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Turns one parsed document into values and places. */
class TreeReader {
  readonly problems: Problem[] = [];
  /** The lines of the `runs:` keys whose list was read line by line and found here. */
  readonly consumed = new Set<number>();
  #count = 0;
  /** Values read through an alias, and how many aliases are being expanded now. */
  #aliased = 0;
  #aliasDepth = 0;
  readonly #active = new Set<Node>();

  constructor(
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    readonly positions: PositionMap,
    private readonly fastLists: ReadonlyMap<number, FastList>,
  ) {}

  pos(offset: number): LinePos {
    return this.lines.linePos(offset);
  }

  problem(offset: number, message: string, path: readonly PathSegment[] = []): void {
    const { line, col } = this.pos(offset);
    const where = this.positions.where(path);
    this.problems.push({ where: { ...where, line, col }, message });
  }

  /** The value of `node` at `path`; `at` is where the node is written (an alias's own place, not its anchor's). */
  read(node: unknown, path: PathSegment[], at?: number): unknown {
    if (++this.#count > MAX_VALUES) {
      if (this.#count === MAX_VALUES + 1) this.problem(at ?? 0, `the file holds more than ${MAX_VALUES} values`);
      return null;
    }
    if (this.#aliasDepth > 0 && ++this.#aliased > MAX_ALIASED_VALUES) {
      if (this.#aliased === MAX_ALIASED_VALUES + 1) this.problem(at ?? 0, `aliases repeat more than ${MAX_ALIASED_VALUES} values (aliases of aliases multiply); write the values out, or use fewer levels of aliases`);
      return null;
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) return null; // yaml has already reported the unknown anchor
      this.#aliasDepth++;
      try {
        return this.read(target, path, node.range?.[0] ?? 0);
      } finally {
        this.#aliasDepth--;
      }
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return null;
    if (node.tag && !SUPPORTED_TAGS.has(node.tag)) {
      // yaml knows !!binary, !!set, !!omap and !!pairs, but as JS types that print unlike Python's bytes, set and tuples.
      this.problem(at ?? node.range?.[0] ?? 0, `the tag ${node.tag.replace('tag:yaml.org,2002:', '!!')} is not supported here; remove it`, path);
      return null;
    }
    if (isScalar(node)) {
      this.positions.set(path, { value: this.pos(at ?? node.range?.[0] ?? 0) });
      return node.value;
    }
    if (this.#active.has(node)) {
      this.problem(at ?? node.range?.[0] ?? 0, 'an alias refers to a collection that contains it');
      return null;
    }
    this.#active.add(node);
    try {
      const value = isSeq(node)
        ? node.items.map((item, index) => this.read(item, [...path, index]))
        : this.readMap(node.items as Pair[], path);
      this.positions.set(path, { value: this.pos(at ?? node.range?.[0] ?? 0) });
      return value;
    } finally {
      this.#active.delete(node);
    }
  }

  /** A mapping: merged mappings (`<<`) first, in PyYAML's order of precedence, then its own keys, which win. */
  readMap(pairs: readonly Pair[], path: PathSegment[]): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const own = pairs.filter((pair) => !this.isMergeKey(pair));
    for (const source of this.mergeSources(pairs, path)) {
      const merged = this.read(source, path);
      if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
        const offset = isAlias(source) || isMap(source) || isSeq(source) || isScalar(source) ? (source.range?.[0] ?? 0) : 0;
        this.problem(offset, 'a merge key (<<) takes a mapping or a list of mappings', path);
        continue;
      }
      for (const [key, value] of Object.entries(merged)) setOwn(result, key, value);
    }
    const seen = new Map<string, number>();
    for (const pair of own) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value ?? '') : '';
      const keyOffset = keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
      const first = seen.get(key);
      if (first !== undefined) {
        this.problem(keyOffset, `duplicate key "${key}" (first at line ${this.pos(first).line}); remove one of them`, [...path, key]);
        continue;
      }
      seen.set(key, keyOffset);
      const valueNode = pair.value as Node | null;
      const fast = key === 'runs' ? this.takeFastList(keyOffset, valueNode) : undefined;
      if (fast) {
        setOwn(result, key, this.readFastList(fast, [...path, key]));
        this.positions.set([...path, key], { key: this.pos(keyOffset), value: fast.start });
        continue;
      }
      setOwn(result, key, valueNode === null ? null : this.read(valueNode, [...path, key]));
      this.positions.set([...path, key], {
        key: this.pos(keyOffset),
        value: this.pos(valueNode?.range?.[0] ?? keyOffset),
      });
    }
    return result;
  }

  /** The list read line by line for the key at `keyOffset`, when the lines under it were emptied for it (the value reads empty). */
  takeFastList(keyOffset: number, valueNode: Node | null): FastList | undefined {
    const list = this.fastLists.get(this.pos(keyOffset).line);
    const empty = valueNode === null || (isScalar(valueNode) && valueNode.source === '' && valueNode.type === 'PLAIN');
    if (!list || !empty) return undefined;
    this.consumed.add(list.keyLine);
    return list;
  }

  /** A list read line by line, as `read` would give it: fresh values, and the same places. */
  readFastList(list: FastList, path: PathSegment[]): unknown[] | null {
    this.#count += 1 + list.entries.reduce((sum, entry) => sum + 1 + entry.pairs.length, 0);
    if (this.#count > MAX_VALUES) {
      this.problem(0, `the file holds more than ${MAX_VALUES} values`);
      return null;
    }
    // Keys read line by line are plain words: their pointers need no escaping.
    const base = toPointer(path);
    return list.entries.map((entry, index) => {
      const value: Record<string, unknown> = {};
      const pointer = `${base}/${index}`;
      for (const pair of entry.pairs) {
        setOwn(value, pair.key, pair.value);
        this.positions.setPointer(`${pointer}/${pair.key}`, { key: pair.keyAt, value: pair.valueAt });
      }
      this.positions.setPointer(pointer, { value: entry.at });
      return value;
    });
  }

  isMergeKey(pair: Pair): boolean {
    return isScalar(pair.key) && pair.key.type === 'PLAIN' && pair.key.value === '<<';
  }

  /** The mappings merged into this one, in the order they are applied (a later one overrides an earlier one). */
  mergeSources(pairs: readonly Pair[], path: PathSegment[]): unknown[] {
    const sources: unknown[] = [];
    for (const pair of pairs) {
      if (!this.isMergeKey(pair)) continue;
      const value = isAlias(pair.value) ? pair.value.resolve(this.doc) : pair.value;
      // In `<<: [*a, *b]` the first mapping wins, so it is applied last.
      if (isSeq(value)) sources.push(...[...value.items].reverse());
      else if (value) sources.push(pair.value);
      else this.problem((pair.key as Node).range?.[0] ?? 0, 'a merge key (<<) takes a mapping or a list of mappings', path);
    }
    return sources;
  }
}

/** Options of parseYaml11. */
export interface Yaml11Options {
  /** `runs:` lists of at least this many entries may be read line by line (fast-runs.ts); Infinity: never. */
  readonly fastRunsMin?: number;
}

/** Parses YAML text as PyYAML 6 would read it; `file` is the name messages give. */
export function parseYaml11(text: string, file: string, options: Yaml11Options = {}): YamlRead {
  const fast = extractRunLists(text, options.fastRunsMin ?? FAST_RUNS_MIN);
  if (fast.lists.size > 0) {
    const read = parseText(fast.text, file, fast.lists);
    // Each list read line by line must be the value of a `runs:` key the parser found in its place; and any
    // problem is reported from the file as written, by the parser alone.
    if (read.problems.length === 0 && read.consumed === fast.lists.size) return { value: read.value, positions: read.positions, problems: [] };
  }
  const { value, positions, problems } = parseText(text, file, new Map());
  return { value, positions, problems };
}

/** Parses `text`, taking the lists in `fastLists` in place of the emptied lines under their keys. */
function parseText(text: string, file: string, fastLists: ReadonlyMap<number, FastList>): YamlRead & { consumed: number } {
  // A LineCounter per document: one shared between documents would shift every line after the first.
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    schema: 'failsafe',
    customTags: (failsafe) => buildPyYamlTags(failsafe),
    // Keys stay the text written; duplicates are found below, where both places are known.
    stringKeys: true,
    uniqueKeys: false,
  });
  const positions = new PositionMap(file);
  const problems: Problem[] = [];
  const report = (offset: number, message: string): void => {
    const { line, col } = lines.linePos(offset);
    problems.push({ where: { file, line, col }, message });
  };
  for (const error of doc.errors) report(error.pos[0], yamlMessage(error.code, error.message));
  for (const warning of doc.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') report(warning.pos[0], yamlMessage(warning.code, warning.message));
  }
  if (problems.length > 0) return { value: undefined, positions, problems, consumed: 0 };
  const reader = new TreeReader(doc, lines, positions, fastLists);
  const value = doc.contents === null ? undefined : reader.read(doc.contents, []);
  return { value, positions, problems: reader.problems, consumed: reader.consumed.size };
}

/** A `yaml` error message as ours: what is wrong, and for unknown tags what to do. */
function yamlMessage(code: string, message: string): string {
  if (code === 'TAG_RESOLVE_FAILED' && message.startsWith('Unresolved tag')) {
    return `${message.replace(/^Unresolved tag/, 'unknown tag').replace('tag:yaml.org,2002:', '!!')}; remove the tag or quote the value`;
  }
  if (code === 'TAG_RESOLVE_FAILED') return `cannot read this value: ${message}`;
  if (code === 'MULTIPLE_DOCS') return 'a configuration file holds one YAML document; remove the one starting here';
  if (code === 'NON_STRING_KEY') return 'a mapping key must be a plain word or string, not a list or mapping';
  return `YAML syntax: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}
