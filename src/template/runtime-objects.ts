// The objects Jinja2 gives templates besides data: the loop object of a `{% for %}`, macros, `cycler()`,
// `joiner()` and `namespace()`, with the attributes and calls Jinja2 gives them.
import { typeFault } from './fault.js';
import { splitKeywords } from './python-keywords.js';
import { pyEq } from './python-ops.js';
import { PyNamespace, makeTuple } from './python-types.js';
import { isPlainObject } from './python.js';

/** A loop's `loop`: where the loop is, and `cycle()`, `changed()` and (for a recursive loop) `loop(items)`. */
export class PyLoop {
  /** The iteration, from 0; the compiled loop sets it before each iteration. */
  index0 = 0;
  readonly items: readonly unknown[];
  readonly depth0: number;
  private readonly recurse: ((items: unknown, depth0: number) => string) | null;
  private lastChanged: unknown[] | undefined;

  constructor(items: readonly unknown[], depth0: number, recurse: ((items: unknown, depth0: number) => string) | null) {
    this.items = items;
    this.depth0 = depth0;
    this.recurse = recurse;
  }

  get index(): number { return this.index0 + 1; }
  get length(): number { return this.items.length; }
  get revindex(): number { return this.items.length - this.index0; }
  get revindex0(): number { return this.items.length - this.index0 - 1; }
  get first(): boolean { return this.index0 === 0; }
  get last(): boolean { return this.index0 === this.items.length - 1; }
  get depth(): number { return this.depth0 + 1; }
  get previtem(): unknown { return this.index0 > 0 ? this.items[this.index0 - 1] : undefined; }
  get nextitem(): unknown { return this.items[this.index0 + 1]; }

  /** `loop.cycle(a, b, ...)`: the argument for this iteration. */
  cycle(...args: unknown[]): unknown {
    if (args.length === 0) throw typeFault('no items for cycling given');
    return args[this.index0 % args.length];
  }

  /** `loop.changed(value)`: whether the value differs from the last call's (true on the first call). */
  changed(...args: unknown[]): boolean {
    if (this.lastChanged !== undefined && pyEq(makeTuple([...this.lastChanged]), makeTuple([...args]))) return false;
    this.lastChanged = args;
    return true;
  }

  /** `loop(items)` in a recursive loop: the loop run again over the items, one level deeper. */
  call(items: unknown): string {
    if (!this.recurse) throw typeFault("The loop must have the 'recursive' marker to be called recursively.");
    return this.recurse(items, this.depth0 + 1);
  }

  toString(): string {
    return `<LoopContext ${this.index}/${this.length}>`;
  }
}

/** The attributes a loop object shows to templates. */
export const LOOP_ATTRIBUTES = new Set(['index', 'index0', 'revindex', 'revindex0', 'first', 'last', 'length', 'depth',
  'depth0', 'previtem', 'nextitem', 'cycle', 'changed']);

/** What a compiled macro knows of itself, for printing and for Jinja2's macro attributes. */
export interface MacroInfo {
  readonly name: string;
  readonly arguments: readonly string[];
  readonly catchVarargs: boolean;
  readonly catchKwargs: boolean;
  readonly caller: boolean;
}

/** A macro as compiled code calls it: nunjucks' arguments (keywords last) in, the text out. */
export type MacroFunction = ((...raw: unknown[]) => string) & { readonly pyMacro: MacroInfo };

type MacroBody = (args: unknown[], varargs: unknown, kwargs: unknown, caller: unknown) => string;

/** Makes a macro: binds arguments as Jinja2's Macro.__call__ does, then runs the compiled body. */
export function pyMacro(
  name: string,
  params: readonly string[],
  flags: { varargs: boolean; kwargs: boolean; caller: boolean },
  body: MacroBody,
): MacroFunction {
  const macro = (...raw: unknown[]): string => {
    const { args, kwargs } = splitKeywords(raw);
    const bound = args.slice(0, params.length);
    for (const param of params.slice(bound.length)) {
      bound.push(Object.hasOwn(kwargs, param) ? kwargs[param] : undefined);
      delete kwargs[param];
    }
    let caller: unknown;
    if (flags.caller && !params.includes('caller')) {
      caller = kwargs['caller'];
      delete kwargs['caller'];
    }
    if (!flags.kwargs && Object.keys(kwargs).length > 0) {
      throw typeFault(`macro '${name}' takes no keyword argument '${Object.keys(kwargs)[0]}'`);
    }
    if (!flags.varargs && args.length > params.length) {
      throw typeFault(`macro '${name}' takes not more than ${params.length} argument(s)`);
    }
    return body(bound, makeTuple(args.slice(params.length)), { ...kwargs }, caller);
  };
  const info: MacroInfo = { name, arguments: params, catchVarargs: flags.varargs, catchKwargs: flags.kwargs, caller: flags.caller };
  return Object.assign(macro, { pyMacro: info });
}

/** Whether a value is a macro made by pyMacro. */
export function isMacro(value: unknown): value is MacroFunction {
  return typeof value === 'function' && 'pyMacro' in value;
}

/** Jinja2's `cycler(a, b, ...)`: `next()` gives the items in turn; `current` is the one next() gives next. */
export class PyCycler {
  private position = 0;
  private readonly items: readonly unknown[];

  constructor(items: readonly unknown[]) {
    if (items.length === 0) throw typeFault('at least one item has to be provided');
    this.items = items;
  }

  get current(): unknown { return this.items[this.position]; }

  next(): unknown {
    const item = this.items[this.position];
    this.position = (this.position + 1) % this.items.length;
    return item;
  }

  reset(): null {
    this.position = 0;
    return null;
  }

  toString(): string {
    return '<jinja2.utils.Cycler object>';
  }
}

/** Jinja2's `joiner(sep)`: a function that gives '' the first time and `sep` after. */
export function makeJoiner(separator: unknown = ', '): () => unknown {
  let first = true;
  return () => {
    if (first) {
      first = false;
      return '';
    }
    return separator;
  };
}

/** Jinja2's `namespace(...)`: from a dict and/or keyword arguments. */
export function makeNamespace(...raw: unknown[]): PyNamespace {
  const { args, kwargs } = splitKeywords(raw);
  const initial = isPlainObject(args[0]) ? args[0] : {};
  return new PyNamespace({ ...initial, ...kwargs });
}

/** `{% set ns.attr = value %}`: only a namespace accepts it, as in Jinja2. */
export function setAttribute(target: unknown, name: string, value: unknown): void {
  if (!(target instanceof PyNamespace)) throw typeFault('cannot assign attribute on non-namespace object');
  target.attributes[name] = value;
}
