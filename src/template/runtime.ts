// The runtime our compiled templates receive in place of nunjucks' own: nunjucks' helpers for frames, macros and
// loops, plus the Python semantics our compile step calls (printing, operators, truth, lookup, iteration). Handing it
// to each compiled function (loader.ts) keeps the change to our templates: nunjucks' module state stays untouched.
import { PyFloat } from '../config/values.js';
import { RenderFault, typeFault, undefinedFault } from './fault.js';
import { lookupMember, sliceMember } from './python-methods.js';
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
import { isPlainObject, pyStr } from './python.js';
import { baseRuntime } from './nunjucks-internals.js';

type Lookup = (context: unknown, frame: unknown, name: string) => unknown;
const baseLookup = baseRuntime['contextOrFrameLookup'] as Lookup;

// Jinja2 accepts Python's spellings of the constants as well as the lower-case ones.
const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null };

/** What a `{{ }}` prints; an undefined value fails the render (a deliberate difference from Jinja2's ''). */
function pyOutput(value: unknown, message: string): string {
  if (value === undefined) throw undefinedFault(message);
  return pyStr(value);
}

/** What a `{% for x in ... %}` walks: a dict gives its keys, as in Python; undefined gives nothing. */
function pyIterate(value: unknown): unknown {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return value ?? [];
  if (value instanceof String) return String(value);
  if (isPlainObject(value)) return Object.keys(value);
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  throw typeFault(`'${pyTypeName(value)}' object is not iterable`);
}

/** `{% set a, b = value %}`: the value's items, which must be exactly `count`. */
function pyUnpack(value: unknown, count: number): unknown[] {
  const items = pyIterate(value);
  const list = typeof items === 'string' ? [...items] : (items as unknown[]);
  if (list.length !== count) {
    throw typeFault(`${list.length < count ? 'not enough' : 'too many'} values to unpack (expected ${count}, got ${list.length})`);
  }
  return list;
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
  handleError,
  pyOutput,
  pyIterate,
  pyUnpack,
  pyMember: lookupMember,
  pySlice: sliceMember,
  pyFloat: (value: number) => new PyFloat(value),
  loopCycle: (index: number) => (...items: unknown[]) => items[index % items.length],
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
