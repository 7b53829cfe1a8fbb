// The runtime our compiled templates receive in place of nunjucks' own: nunjucks' helpers for frames, macros and
// loops, plus the Python semantics our compile step calls (printing, operators, truth, lookup, iteration). Handing it
// to each compiled function (loader.ts) keeps the change to our templates: nunjucks' module state stays untouched.
import { PyFloat } from '../config/values.js';
import { RenderFault, typeFault, undefinedFault } from './fault.js';
import { escapeHtml } from './filters-html.js';
import { lookupAttribute, lookupMember, sliceMember } from './python-methods.js';
import {
  pyAdd,
  pyAnd,
  pyBool,
  pyCompare,
  pyConcat,
  pyDiv,
  pyFloorDiv,
  pyIn,
  pyMod,
  pyMul,
  pyNeg,
  pyOr,
  pyPos,
  pyPow,
  pySub,
  pyTypeName,
} from './python-ops.js';
import { PyBytes, PyNamespace, makeTuple } from './python-types.js';
import { isPlainObject, pyStr } from './python.js';
import { baseRuntime } from './nunjucks-internals.js';
import { PyLoop, pyMacro, setAttribute } from './runtime-objects.js';

type Lookup = (context: unknown, frame: unknown, name: string) => unknown;
const baseLookup = baseRuntime['contextOrFrameLookup'] as Lookup;

// Jinja2 accepts Python's spellings of the constants as well as the lower-case ones.
const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null };

/** What a `{{ }}` prints; an undefined value fails the render (a deliberate difference from Jinja2's ''). */
function pyOutput(value: unknown, message: string): string {
  if (value === undefined) throw undefinedFault(message);
  return pyStr(value);
}

/** The same, HTML-escaped, inside `{% autoescape true %}`; a macro's or `| safe` output is not escaped again. */
function pyOutputEscaped(value: unknown, message: string): string {
  if (value === undefined) throw undefinedFault(message);
  return value instanceof (baseRuntime['SafeString'] as typeof String) ? String(value) : escapeHtml(pyStr(value));
}

/** What a `{% for x in ... %}` walks: a dict gives its keys, a string its characters; undefined gives nothing. */
function pyIterate(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined) return [];
  if (typeof value === 'string' || value instanceof String) return [...String(value)];
  if (isPlainObject(value)) return Object.keys(value);
  if (value instanceof PyBytes) return [...value.data];
  if (value !== null && typeof value === 'object' && !(value instanceof PyNamespace) && Symbol.iterator in value) {
    return Array.from(value as Iterable<unknown>);
  }
  throw typeFault(`'${pyTypeName(value)}' object is not iterable`);
}

/** `{% set a, b = value %}`: the value's items, which must be exactly `count`. */
function pyUnpack(value: unknown, count: number): readonly unknown[] {
  if (value === undefined) throw undefinedFault('undefined value unpacked');
  const list = pyIterate(value);
  if (list.length !== count) {
    throw typeFault(`${list.length < count ? 'not enough' : 'too many'} values to unpack (expected ${count}, got ${list.length})`);
  }
  return list;
}

/** A dict literal's key: Python allows any hashable value; our dicts hold string keys. */
function pyKey(key: unknown): string {
  if (key === undefined) throw undefinedFault('undefined value used as a dict key');
  if (Array.isArray(key) && !Object.isFrozen(key) && pyTypeName(key) === 'list') throw typeFault("unhashable type: 'list'");
  if (isPlainObject(key)) throw typeFault("unhashable type: 'dict'");
  return pyStr(key);
}

type GetTemplate = (name: unknown, eager: boolean, parent: unknown, ignoreMissing: boolean, cb: (e: unknown, t: unknown) => void) => void;

/** The template an include names: the first that exists of a list, or null when missing ones may be ignored. */
function pyGetTemplate(env: { getTemplate: GetTemplate }, name: unknown, parent: unknown, ignoreMissing: boolean): unknown {
  const names = Array.isArray(name) ? name : [name];
  let found: unknown = null;
  names.forEach((candidate, i) => {
    if (found) return;
    const lenient = ignoreMissing || i < names.length - 1;
    env.getTemplate(candidate, false, parent, lenient, (error, template) => {
      if (error) throw error;
      found = template;
    });
  });
  return found;
}

/** Calls what a template calls: a function, a macro, or a recursive loop's `loop`. */
function callWrap(callee: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (callee instanceof PyLoop) return callee.call(args[0]);
  if (typeof callee !== 'function') {
    if (callee === undefined) throw undefinedFault(`undefined value called: "${name}"`);
    throw typeFault(`'${pyTypeName(callee)}' object is not callable: "${name}"`);
  }
  return (callee as (...a: unknown[]) => unknown).apply(context, args);
}

/** Records where a failure arose: `lineno` is the 0-based line the compiled code last passed. */
function handleError(error: unknown, lineno: number | undefined, colno: number | undefined): RenderFault {
  const line = typeof lineno === 'number' ? lineno + 1 : undefined;
  if (error instanceof RenderFault) {
    error.lineno ??= line;
    error.colno ??= typeof colno === 'number' ? colno + 1 : undefined;
    return error;
  }
  const nested = error as { lineno?: number; message?: string };
  // nunjucks' own errors already carry a 1-based line.
  return new RenderFault('ERR_TEMPLATE_RENDER', nested.message ?? String(error), {
    cause: error,
    lineno: nested.lineno ?? line,
  });
}

/** The runtime object our compiled templates call as `runtime.<name>`. */
export const PY_RUNTIME: Readonly<Record<string, unknown>> = Object.freeze({
  ...baseRuntime,
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown {
    const value = baseLookup(context, frame, name);
    return value === undefined && Object.hasOwn(CONSTANTS, name) ? CONSTANTS[name] : value;
  },
  memberLookup: (obj: unknown, key: unknown) => lookupMember(obj, key, 'value'),
  inOperator: pyIn,
  callWrap,
  handleError,
  pyOutput,
  pyOutputEscaped,
  pyIterate,
  pyUnpack,
  pyKey,
  pyGetTemplate,
  pyMember: lookupMember,
  pyAttribute: lookupAttribute,
  pySlice: sliceMember,
  pySetAttribute: setAttribute,
  pyFloat: (value: number) => new PyFloat(value),
  pyTuple: makeTuple,
  pyLoop: (items: readonly unknown[], depth0: number, recurse: ((items: unknown, depth0: number) => string) | null) =>
    new PyLoop(items, depth0, recurse),
  pyMacro,
  pyBool,
  pyOr,
  pyAnd,
  pyCompare,
  pyIn,
  pyAdd,
  pySub,
  pyMul,
  pyDiv,
  pyFloorDiv,
  pyMod,
  pyPow,
  pyNeg,
  pyPos,
  pyConcat,
});

/**
 * The runtime for one template's compiled code: its handleError also records the template, so a failure in a
 * parent template's own code (under extends) is not blamed on the child being rendered.
 */
export function runtimeFor(template: string): Readonly<Record<string, unknown>> {
  return Object.freeze({
    ...PY_RUNTIME,
    handleError(error: unknown, lineno: number | undefined, colno: number | undefined): RenderFault {
      const fault = handleError(error, lineno, colno);
      fault.template ??= template;
      return fault;
    },
  });
}
