// Python's sequence types that templates meet besides lists: tuples (`(1, 2)`, `dict.items()` pairs), ranges,
// dict views (`d.keys()`), and model-ensembler's `run`, a named tuple of the run's values. Each is a JS array of its
// items, so loops, indexing, `in` and the filters work on it unchanged, marked by its class so it prints, compares
// and answers to methods as Python's does.

/** A Python tuple. */
export class PyTuple extends Array<unknown> {
  // Array methods (map, filter, slice) give plain arrays, not tuples.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

// Instances are made with `new` and filled, never by changing an array's prototype, which would slow every later
// access to it.
function fill<T extends unknown[]>(target: T, items: readonly unknown[]): T {
  for (const item of items) target.push(item);
  return target;
}

/** Makes a tuple of the items. */
export function makeTuple(items: readonly unknown[]): PyTuple {
  return fill(new PyTuple(), items);
}

/** A Python range: its items, with start, stop and step for printing and slicing. */
export class PyRange extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** range(start, stop, step) as Python makes it; `range(10**9)` would not fit, and no template needs it. */
  static make(start: number, stop: number, step: number): PyRange {
    const range = new PyRange();
    if (step > 0) for (let i = start; i < stop; i += step) range.push(i);
    else for (let i = start; i > stop; i += step) range.push(i);
    range.start = start;
    range.stop = stop;
    range.step = step;
    return range;
  }

  start = 0;
  stop = 0;
  step = 1;
}

/** What `dict.keys()`, `values()` and `items()` give: their items, printed as `dict_keys([...])` and the like. */
export class PyDictView extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Makes a view of one kind over the items. */
  static make(kind: 'keys' | 'values' | 'items', items: unknown[]): PyDictView {
    const view = fill(new PyDictView(), items);
    view.kind = kind;
    return view;
  }

  kind: 'keys' | 'values' | 'items' = 'keys';
}

/** A named tuple, as model-ensembler passes a run's values (`Run(id='b-1', idx=1, ...)`). */
export class PyNamedTuple extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Makes a named tuple of type `typeName` with the given fields and values. */
  static make(typeName: string, fields: readonly string[], values: unknown[]): PyNamedTuple {
    const record = fill(new PyNamedTuple(), values);
    record.typeName = typeName;
    record.fields = fields;
    return record;
  }

  typeName = '';
  fields: readonly string[] = [];

  /** The value of a field, or undefined when there is no such field. */
  field(name: string): unknown {
    const i = this.fields.indexOf(name);
    return i < 0 ? undefined : this[i];
  }
}

/** Jinja2's namespace(): an object whose attributes `{% set ns.attr = ... %}` may change from inside a loop. */
export class PyNamespace {
  /** The attributes, in the order they were first set. */
  readonly attributes: Record<string, unknown>;

  constructor(attributes: Record<string, unknown>) {
    this.attributes = attributes;
  }
}

/** Python's `bytes`, which `str.encode()` gives: UTF-8 by default. */
export class PyBytes {
  readonly data: Uint8Array;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  /** Python's repr: `b'ab'`, other bytes as `\xNN`. */
  toString(): string {
    const hasSingle = this.data.includes(0x27);
    const quote = hasSingle && !this.data.includes(0x22) ? '"' : "'";
    let out = `b${quote}`;
    for (const byte of this.data) {
      const char = String.fromCharCode(byte);
      if (char === quote || char === '\\') out += `\\${char}`;
      else if (byte === 0x0a) out += '\\n';
      else if (byte === 0x0d) out += '\\r';
      else if (byte === 0x09) out += '\\t';
      else if (byte >= 0x20 && byte < 0x7f) out += char;
      else out += `\\x${byte.toString(16).padStart(2, '0')}`;
    }
    return out + quote;
  }
}

/** Whether a value is a list in Python's sense: an array that is no tuple, range, view or named tuple. */
export function isList(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype;
}

/** Whether a value is a tuple (a named tuple is one too). */
export function isTuple(value: unknown): value is PyTuple | PyNamedTuple {
  return value instanceof PyTuple || value instanceof PyNamedTuple;
}
