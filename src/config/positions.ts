// Where each value of a configuration file is written. Validation speaks in data paths (Ajv's JSON pointers,
// `/ensemble/batches/2/maxjobs`); users need `config.yaml:14:7 batches[2].maxjobs`. The reader records every node's
// place under its pointer, and the key path shown to users is made here too, so both speak the same language.
import type { Where } from '../errors.js';

/** A 1-based line and column. */
export interface LinePos {
  readonly line: number;
  readonly col: number;
}

/** Where a node is: its value, and its key when it is a mapping's value. */
export interface NodePlace {
  readonly value: LinePos;
  readonly key?: LinePos;
}

/** One step of a data path: a mapping key or a list index. */
export type PathSegment = string | number;

/** The JSON pointer (RFC 6901) of a data path, as Ajv reports it. */
export function toPointer(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A JSON pointer back into its segments; all strings, since a pointer does not say which are indexes. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The key path users read: `batches[2].maxjobs`. Everything lives under `ensemble:`, so that prefix is left out below it;
 * a segment that is all digits is shown as an index, a key that is not a plain word is quoted.
 */
export function formatKeyPath(path: readonly PathSegment[]): string {
  const shown = path[0] === 'ensemble' && path.length > 1 ? path.slice(1) : path;
  let text = '';
  for (const segment of shown) {
    if (typeof segment === 'number' || /^(?:0|[1-9][0-9]*)$/.test(segment)) text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** The places of every node of one document, by JSON pointer. */
export class PositionMap {
  readonly #places = new Map<string, NodePlace>();

  /** The file these places are in, as messages show it. */
  constructor(readonly file: string) {}

  /** Records a node's place; a later record for the same pointer (a merge overridden by the mapping) wins. */
  set(path: readonly PathSegment[], place: NodePlace): void {
    this.#places.set(toPointer(path), place);
  }

  /** `set` for a pointer already made (`toPointer`), for callers that record many places under one parent. */
  setPointer(pointer: string, place: NodePlace): void {
    this.#places.set(pointer, place);
  }

  /** The place recorded for a pointer, or for its nearest recorded ancestor (a value made by defaults). */
  find(pointer: string): NodePlace | undefined {
    let current = pointer;
    for (;;) {
      const place = this.#places.get(current);
      if (place || current === '') return place;
      current = current.slice(0, current.lastIndexOf('/'));
    }
  }

  /** A `Where` for a path: the key's place when `at` is 'key' and there is one, else the value's. */
  where(path: readonly PathSegment[], at: 'key' | 'value' = 'value'): Where {
    const place = this.find(toPointer(path));
    const pos = at === 'key' ? (place?.key ?? place?.value) : place?.value;
    const key = formatKeyPath(path);
    return {
      file: this.file,
      ...(pos ? { line: pos.line, col: pos.col } : {}),
      ...(key ? { key } : {}),
    };
  }
}
