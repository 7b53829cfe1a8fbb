// Unknown filters and tests, refused when a template is compiled as Jinja2 refuses them: a misspelt filter stops
// the ensemble before anything is written. Inside an `{% if %}` or a conditional expression Jinja2 lets an unknown
// name through and fails only if that part runs, so there the check is left to the render.
import { child } from './ast.js';
import type { AstNode } from './nunjucks-internals.js';

/** The filter and test names a template may use. */
export interface KnownNames {
  readonly filters: ReadonlySet<string>;
  readonly tests: ReadonlySet<string>;
}

// Statements whose parts run in a scope of their own, where Jinja2 checks names again even inside an if: every
// field but those listed here, which are evaluated in the enclosing scope (a loop's iterable, a with's values).
const SCOPES: Record<string, readonly string[]> = {
  PyFor: ['arr'], PyWith: ['values'], Macro: [], Caller: [], Capture: [], PyAutoescape: ['value'],
};

function fail(message: string, at: AstNode): never {
  throw Object.assign(new Error(message), { lineno: at.lineno + 1, colno: at.colno + 1 });
}

function visit(item: unknown, known: KnownNames, soft: boolean): void {
  if (Array.isArray(item)) {
    for (const element of item) visit(element, known, soft);
    return;
  }
  if (item === null || typeof item !== 'object' || !('typename' in item)) return;
  const at = item as AstNode;
  if (!soft && at.typename === 'Filter') {
    const name = String(child(at, 'name')['value']);
    if (!known.filters.has(name)) fail(`no filter named '${name}'`, at);
  }
  if (!soft && at.typename === 'Is') {
    const right = child(at, 'right');
    const name = String(right.typename === 'FunCall' ? child(right, 'name')['value'] : right['value']);
    if (!known.tests.has(name)) fail(`no test named '${name}'`, right);
  }
  const conditional = at.typename === 'If' || at.typename === 'InlineIf';
  const outer = SCOPES[at.typename];
  for (const field of at.fields) {
    visit(at[field], known, conditional || (outer ? outer.includes(field) && soft : soft));
  }
}

/** Throws a syntax error (with a 1-based line) for the first unknown filter or test Jinja2 would refuse. */
export function checkNames(ast: AstNode, known: KnownNames): void {
  visit(ast, known, false);
}
