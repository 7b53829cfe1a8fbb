// Our compile step: nunjucks' code generator, subclassed where Jinja2's Python semantics differ. The generated code
// calls our runtime (runtime.ts) for printing, operators, truth tests, attribute lookup and loops, so these choices
// stay with our templates and nunjucks' global state is never touched.
import { OWN_NODES, PyBool, child, children, findAll } from './ast.js';
import { compilePyFor, compilePyWith } from './compiler-loops.js';
import { checkNames, type KnownNames } from './compiler-names.js';
import { startScope, type CompileFrame } from './compiler-scope.js';
import { compileCaller, compileMacro, compilePyAutoescape, compilePyInclude, compilePySet } from './compiler-statements.js';
import { Compiler, transform, type AstNode, type CompilerBase } from './nunjucks-internals.js';
import { parseTemplate } from './parser-statements.js';
import { quoteString } from './python.js';

/** The name under which compiled code finds our runtime (see loader.ts). */
export const RUNTIME_PARAMETER = 'pyRuntime';

/** A short text of an expression for messages: `run.custom_id`, `run['a b']`, `xs|first`. */
export function describeExpression(expr: AstNode): string {
  switch (expr.typename) {
    case 'Symbol':
      return String(expr['value']);
    case 'Literal':
      return typeof expr['value'] === 'string' ? quoteString(expr['value']) : String(expr['value']);
    case 'LookupVal': {
      const target = describeExpression(child(expr, 'target'));
      const val = child(expr, 'val');
      const key = val['value'];
      if (val.typename === 'Literal' && typeof key === 'string' && /^[A-Za-z_]\w*$/.test(key)) return `${target}.${key}`;
      return `${target}[${val.typename === 'PySlice' ? '...' : describeExpression(val)}]`;
    }
    case 'FunCall':
      return `${describeExpression(child(expr, 'name'))}(...)`;
    case 'Filter':
      return `${describeExpression(children(child(expr, 'args'))[0]!)}|${String(child(expr, 'name')['value'])}`;
    default:
      return `${expr.typename.toLowerCase()} expression`;
  }
}

const COMPARE_OPS: Record<string, string> = { '===': '==', '!==': '!=' };

const BINARY_OPS: Record<string, string> = {
  Add: 'pyAdd', Sub: 'pySub', Mul: 'pyMul', Div: 'pyDiv', FloorDiv: 'pyFloorDiv', Mod: 'pyMod', Pow: 'pyPow',
  Concat: 'pyConcat',
};

/** The code generator with Python's operators, truth, printing, lookup and iteration. */
class PyCompiler extends (Compiler as new (templateName: string, throwOnUndefined: boolean) => CompilerBase) {
  /** Whether outputs are HTML-escaped here (inside `{% autoescape true %}`). */
  autoescape = false;

  override assertType(target: AstNode, ...types: unknown[]): void {
    if (OWN_NODES.some((type) => target instanceof type)) return;
    super.assertType(target, ...types);
  }

  // Runtime errors report the line of the statement or output being evaluated.
  emitPosition(at: AstNode): void {
    this._emitLine(`lineno = ${at.lineno}; colno = ${at.colno};`);
  }

  emitCall(fn: string, args: readonly (AstNode | string)[], frame: unknown): void {
    this._emit(`runtime.${fn}(`);
    args.forEach((arg, i) => {
      if (i > 0) this._emit(', ');
      if (typeof arg === 'string') this._emit(arg);
      else this._compileExpression(arg, frame);
    });
    this._emit(')');
  }

  override compileLiteral(literal: AstNode): void {
    if (literal['pyFloat'] === true) this._emit(`runtime.pyFloat(${String(literal['value'])})`);
    else super.compileLiteral(literal);
  }

  compileOutput(output: AstNode, frame: unknown): void {
    for (const item of children(output)) {
      if (item.typename === 'TemplateData') {
        if (item['value']) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(item);
          this._emitLine(';');
        }
        continue;
      }
      const kind = item.typename === 'Symbol' || item.typename === 'LookupVal' ? 'variable' : 'value';
      const message = JSON.stringify(`undefined ${kind} "${describeExpression(item)}"`);
      this._emit(`${this.buffer} += runtime.${this.autoescape ? 'pyOutputEscaped' : 'pyOutput'}((lineno = ${item.lineno}, colno = ${item.colno}, `);
      this._compileExpression(item, frame);
      this._emitLine(`), ${message});`);
    }
  }

  override compileIf(statement: AstNode, frame: unknown, async?: boolean): void {
    this.emitPosition(statement);
    const cond = child(statement, 'cond');
    statement['cond'] = new PyBool(cond.lineno, cond.colno, cond);
    super.compileIf(statement, frame, async);
  }

  // Every compiled function (root and blocks) takes our runtime in place of the one nunjucks hands it.
  override _emitFuncBegin(at: AstNode, name: string): void {
    super._emitFuncBegin(at, name);
    this._emitLine(`runtime = ${RUNTIME_PARAMETER};`);
  }

  // The root's and each block's code is a scope of its own, where sets may give names their outer value first.
  _compileChildren(list: AstNode, frame: CompileFrame): void {
    if (!frame.parent && frame.pyScopeStart === undefined) startScope(this as never, frame);
    for (const item of children(list)) this.compile(item, frame);
  }

  compileInlineIf(expr: AstNode, frame: unknown): void {
    this._emit('(');
    this.emitCall('pyBool', [child(expr, 'cond')], frame);
    this._emit(' ? ');
    this._compileExpression(child(expr, 'body'), frame);
    this._emit(' : ');
    if (expr['else_'] === null) this._emit('""');
    else this._compileExpression(child(expr, 'else_'), frame);
    this._emit(')');
  }

  compileOr(expr: AstNode, frame: unknown): void {
    this.emitLazy('pyOr', expr, frame);
  }

  compileAnd(expr: AstNode, frame: unknown): void {
    this.emitLazy('pyAnd', expr, frame);
  }

  // `and`/`or` evaluate their right side only when needed, as in Python.
  private emitLazy(fn: string, expr: AstNode, frame: unknown): void {
    this._emit(`runtime.${fn}(`);
    this._compileExpression(child(expr, 'left'), frame);
    this._emit(', () => (');
    this._compileExpression(child(expr, 'right'), frame);
    this._emit('))');
  }

  compileNot(expr: AstNode, frame: unknown): void {
    this._emit('!');
    this.emitCall('pyBool', [child(expr, 'target')], frame);
  }

  compilePyBool(expr: AstNode, frame: unknown): void {
    this.emitCall('pyBool', [child(expr, 'target')], frame);
  }

  // A tuple literal; its items are evaluated left to right.
  compilePyTuple(tuple: AstNode, frame: unknown): void {
    this._emit('runtime.pyTuple(');
    this._compileAggregate(tuple, frame, '[', ']');
    this._emit(')');
  }

  // A dict literal's keys are expressions, as in Python: `{k: 1}` uses the variable k.
  compilePair(pair: AstNode, frame: unknown): void {
    this._emit('[');
    this.emitCall('pyKey', [child(pair, 'key')], frame);
    this._emit(']: ');
    this._compileExpression(child(pair, 'value'), frame);
  }

  // Keyword arguments (`f(a=1)`) keep their names.
  compileKeywordArgs(kwargs: AstNode, frame: unknown): void {
    this._emit('runtime.makeKeywordArgs({');
    children(kwargs).forEach((pair, i) => {
      this._emit(`${i > 0 ? ', ' : ''}${JSON.stringify(child(pair, 'key')['value'])}: `);
      this._compileExpression(child(pair, 'value'), frame);
    });
    this._emit('})');
  }

  compileNeg(expr: AstNode, frame: unknown): void {
    this.emitCall('pyNeg', [child(expr, 'target')], frame);
  }

  compilePos(expr: AstNode, frame: unknown): void {
    this.emitCall('pyPos', [child(expr, 'target')], frame);
  }

  compileCompare(expr: AstNode, frame: unknown): void {
    this._emit('runtime.pyCompare(');
    this._compileExpression(child(expr, 'expr'), frame);
    this._emit(', [');
    (expr['ops'] as AstNode[]).forEach((op, i) => {
      const type = String(op['type']);
      this._emit(`${i > 0 ? ', ' : ''}${JSON.stringify(COMPARE_OPS[type] ?? type)}, `);
      this._compileExpression(child(op, 'expr'), frame);
    });
    this._emit('])');
  }

  // As nunjucks' own, but the callee's name for messages is JSON-quoted: nunjucks pastes it in raw, so a string
  // literal with a newline before `.split()` made code that did not parse.
  compileFunCall(call: AstNode, frame: unknown): void {
    const name = child(call, 'name');
    this._emit(`(lineno = ${call.lineno}, colno = ${call.colno}, runtime.callWrap(`);
    this._compileExpression(name, frame);
    this._emit(`, ${JSON.stringify(describeExpression(name))}, context, `);
    this._compileAggregate(child(call, 'args'), frame, '[', '])');
    this._emit(')');
  }

  compileLookupVal(lookup: AstNode, frame: unknown): void {
    const target = child(lookup, 'target');
    const val = child(lookup, 'val');
    const text = JSON.stringify(describeExpression(target));
    if (val.typename === 'PySlice') {
      const parts = ['start', 'stop', 'step'].map((field) => (val[field] as AstNode | null) ?? 'null');
      this.emitCall('pySlice', [target, ...parts, text], frame);
    } else {
      this.emitCall(val['pyAttribute'] === true ? 'pyAttribute' : 'pyMember', [target, val, text], frame);
    }
  }
}

const STATEMENTS: Record<string, unknown> = {
  compilePyFor, compilePyWith, compilePySet, compilePyInclude, compilePyAutoescape, compileMacro, compileCaller,
};
for (const [name, fn] of Object.entries(STATEMENTS)) Object.defineProperty(PyCompiler.prototype, name, { value: fn });

for (const [typename, fn] of Object.entries(BINARY_OPS)) {
  Object.defineProperty(PyCompiler.prototype, `compile${typename}`, {
    value(this: PyCompiler, expr: AstNode, frame: unknown) {
      this.emitCall(fn, [child(expr, 'left'), child(expr, 'right')], frame);
    },
  });
}

/** The output of compiling one template: the code nunjucks evaluates, and the templates it names literally. */
export interface CompiledSource {
  readonly code: string;
  /** Templates named by string literals in include, import, from and extends, to load before any render. */
  readonly dependencies: readonly string[];
}

const TEMPLATE_REFERENCES = ['PyInclude', 'Import', 'FromImport', 'Extends'];

export type { KnownNames };

/** Compiles template source to nunjucks' code form; throws an error with a 1-based `lineno` on bad syntax. */
export function compileSource(source: string, name: string, known?: KnownNames): CompiledSource {
  const ast = transform(parseTemplate(source), []);
  if (known) checkNames(ast, known);
  const dependencies: string[] = [];
  for (const typename of TEMPLATE_REFERENCES) {
    for (const ref of findAll(ast, typename)) {
      const template = child(ref, 'template');
      if (template.typename === 'Literal' && typeof template['value'] === 'string') dependencies.push(template['value']);
    }
  }
  const compiler = new PyCompiler(name, false);
  compiler.compile(ast, null);
  return { code: compiler.getCode(), dependencies };
}
