// The one way tests write an ensemble's configuration: `buildEnsembleYaml` turns a plain object into YAML laid out as
// users write it (model-ensembler's examples): `ensemble:` at the top, each batch a block mapping, task and run lists
// one flow mapping an item, at their key's indentation. Strings are quoted only where YAML 1.1 would read them as
// something else, so `yes` stays the string "yes"; `raw()` writes YAML text exactly as given (`2.0`, `[unclosed`,
// a value the schema refuses), for tests that need a form or a mistake a JavaScript value cannot carry.
import { resolvePlainScalar } from '../../src/config/yaml11-tags.js';

/** YAML text written as given, neither quoted nor reformatted; `raw('')` leaves a key without a value. */
export class RawYaml {
  constructor(readonly text: string) {}
}

/** A mapping written one key a line, where the builder would write it in flow style (`{a: 1}`). */
export class BlockMapping {
  constructor(readonly entries: YamlMapping) {}
}

/** YAML text to write as given. */
export function raw(text: string): RawYaml {
  return new RawYaml(text);
}

/** A mapping to write in block style (a run written `- custom_id: 1`, a `batch_config:` one key a line). */
export function block(entries: YamlMapping): BlockMapping {
  return new BlockMapping(entries);
}

/**
 * Keys written as YAML lines, as a user types them, as builder values: a `key: text` line is raw(text); a `key:` line
 * with lines indented under it is a block mapping of those, or the list of their `- item`s.
 */
export function fromLines(...lines: readonly string[]): Record<string, RawYaml | BlockMapping | RawYaml[]> {
  const out: Record<string, RawYaml | BlockMapping | RawYaml[]> = {};
  for (let i = 0; i < lines.length; ) {
    const line = lines[i++] as string;
    const match = /^([^\s:][^:]*):(?: (.*))?$/.exec(line);
    if (!match) throw new Error(`not a "key: value" line: ${JSON.stringify(line)}`);
    const children: string[] = [];
    while (i < lines.length && (lines[i] as string).startsWith('  ')) children.push((lines[i++] as string).slice(2));
    const [, key = '', text] = match;
    if (text !== undefined && text !== '') out[key] = raw(text);
    else if (children.length > 0 && children.every((child) => child.startsWith('- '))) out[key] = children.map((child) => raw(child.slice(2)));
    else out[key] = block(fromLines(...children));
  }
  return out;
}

export type YamlScalar = string | number | boolean | null;
export type YamlValue = YamlScalar | RawYaml | BlockMapping | readonly YamlValue[] | YamlMapping;
/** A mapping; keys whose value is undefined are left out. */
export interface YamlMapping {
  readonly [key: string]: YamlValue | undefined;
}

/** A task of any task list: `{name: execute, args: {cmd: ...}}`, or its YAML text. */
export type TaskYaml = YamlMapping | RawYaml;

/** One batch. Keys are written in the order given; any key the schema knows (or refuses) may be added. */
export interface BatchYaml extends YamlMapping {
  readonly name?: string | RawYaml;
  readonly runs?: readonly YamlValue[] | RawYaml;
  readonly pre_batch?: readonly TaskYaml[] | RawYaml;
  readonly pre_run?: readonly TaskYaml[] | RawYaml;
  readonly post_run?: readonly TaskYaml[] | RawYaml;
  readonly post_batch?: readonly TaskYaml[] | RawYaml;
  readonly retry?: { readonly max?: number; readonly on?: readonly string[]; readonly backoff?: number } | RawYaml;
}

/** The `ensemble:` mapping. Keys are written in the order given (`batches` usually last). */
export interface EnsembleYaml {
  readonly vars?: YamlMapping | BlockMapping | RawYaml;
  readonly pre_process?: readonly TaskYaml[] | RawYaml;
  readonly post_process?: readonly TaskYaml[] | RawYaml;
  readonly batch_config?: YamlMapping | BlockMapping | RawYaml;
  readonly batches: readonly BatchYaml[] | RawYaml;
  readonly [key: string]: YamlValue | undefined;
}

export interface BuildOptions {
  /** Start with the document marker `---`, as model-ensembler's example files do. */
  readonly documentStart?: boolean;
}

/** The configuration file's text for `ensemble`. */
export function buildEnsembleYaml(ensemble: EnsembleYaml, options: BuildOptions = {}): string {
  // Batches are block mappings, one key a line, as users write them.
  const entries: YamlMapping = Object.fromEntries(
    Object.entries(ensemble).map(([key, value]) => [key, key === 'batches' && value !== undefined && isList(value) ? value.map((batch) => block(batch as BatchYaml)) : value]),
  );
  return [...(options.documentStart ? ['---'] : []), 'ensemble:', ...writeMapping(entries, 2), ''].join('\n');
}

/** The lines of a block mapping at `indent` spaces. */
function writeMapping(mapping: YamlMapping, indent: number): string[] {
  return Object.entries(mapping).flatMap(([key, value]) => (value === undefined ? [] : writePair(key, value, indent)));
}

/** The lines of `key: value` at `indent` spaces; a list of anything but plain scalars goes one item a line. */
function writePair(key: string, value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const head = `${pad}${writeKey(key)}:`;
  if (value instanceof RawYaml) return [value.text === '' ? head : `${head} ${value.text}`];
  if (value instanceof BlockMapping) return [head, ...writeMapping(value.entries, indent + 2)];
  if (isList(value) && value.some((item) => !isPlainScalar(item))) {
    // Batches stand indented under their key, as users write them; other lists sit at their key's indentation.
    const itemIndent = key === 'batches' && indent === 2 ? indent + 2 : indent;
    return [head, ...value.flatMap((item) => writeItem(item, itemIndent))];
  }
  return [`${head} ${writeFlow(value)}`];
}

/** The lines of one list item at `indent` spaces: `- {flow}`, or a block mapping whose first key follows the dash. */
function writeItem(item: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (!(item instanceof BlockMapping)) return [`${pad}- ${writeFlow(item)}`];
  const [first = '', ...rest] = writeMapping(item.entries, indent + 2);
  return [`${pad}- ${first.trimStart()}`, ...rest];
}

/** A value in flow style, on one line. */
function writeFlow(value: YamlValue): string {
  if (value instanceof RawYaml) return value.text;
  if (value instanceof BlockMapping) throw new Error('a block mapping cannot stand inside a flow collection');
  if (isList(value)) return `[${value.map(writeFlow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const pairs = Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : [`${writeKey(key)}: ${writeFlow(item)}`]));
    return `{${pairs.join(', ')}}`;
  }
  return writeScalar(value);
}

// Plain scalars made of characters that mean nothing in YAML's block or flow context.
const PLAIN = /^[A-Za-z0-9_./$+(][A-Za-z0-9_./$+=()@ -]*(?<! )$/;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A scalar that reads back as the same value under YAML 1.1 (PyYAML's rules, which the tool follows). */
function writeScalar(value: YamlScalar): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    const text = String(value);
    // YAML 1.1 reads `1e+21` as a string and has no `Infinity`: write such numbers with raw().
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`write the number ${text} with raw(), as YAML 1.1 should read it`);
    return text;
  }
  return writeString(value);
}

/** A string: plain when YAML 1.1 reads it back as this string, else quoted. */
function writeString(text: string): string {
  if (/[\u0000-\u001f\u007f]/.test(text)) return JSON.stringify(text);
  if (PLAIN.test(text) && resolvePlainScalar(text)?.value === text) return text;
  return `'${text.replace(/'/g, "''")}'`;
}

/** A mapping key: written plain (the tool keeps keys as written, so `on` stays "on"), quoted when it must be. */
function writeKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : `'${key.replace(/'/g, "''")}'`;
}

function isList(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

/** A string, number, boolean or null: lists of only these are written in flow style (`[a, b]`). */
function isPlainScalar(value: YamlValue): boolean {
  return value === null || typeof value !== 'object';
}
