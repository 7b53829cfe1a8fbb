// Our compile step: nunjucks' code generator, subclassed where Jinja2's Python semantics differ. The generated code
// calls our runtime (runtime.ts) for printing, operators, truth tests, attribute lookup and loops, so these choices
// stay with our templates and nunjucks' global state is never touched.
import { OWN_NODES, PyBool, PyCode, PyIter, child, children, findAll, node } from './ast.js';
import { Compiler, transform, type AstNode, type CompilerBase } from './nunjucks-internals.js';
import { parseTemplate } from './parser.js';
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
  Concat: 'pyConcat', In: 'pyIn',
};

// Whether a loop body reads `loop.<name>`, so the binding is only made where it is used.
function usesLoopAttribute(body: AstNode, name: string): boolean {
  return findAll(body, 'LookupVal').some((lookup) => {
    const target = child(lookup, 'target');
    return target.typename === 'Symbol' && target['value'] === 'loop' && child(lookup, 'val')['value'] === name;
  });
}

/** The code generator with Python's operators, truth, printing, lookup and iteration. */
class PyCompiler extends (Compiler as new (templateName: string, throwOnUndefined: boolean) => CompilerBase) {
  override assertType(target: AstNode, ...types: unknown[]): void {
    if (OWN_NODES.some((type) => target instanceof type)) return;
    super.assertType(target, ...types);
  }

  // Runtime errors report the line of the statement or output being evaluated.
  private emitPosition(at: AstNode): void {
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
      this._emit(`${this.buffer} += runtime.pyOutput((lineno = ${item.lineno}, colno = ${item.colno}, `);
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

  override compileFor(loop: AstNode, frame: unknown): void {
    this.emitPosition(loop);
    const arr = child(loop, 'arr');
    // `for x in xs if cond` is a Jinja2 loop filter; nunjucks would read it as an inline if and loop wrongly.
    if (arr.typename === 'InlineIf' && arr['else_'] === null) {
      this.fail('loop filters (for x in items if condition) are not supported: put an {% if %} inside the loop',
        loop.lineno, loop.colno);
    }
    if (child(loop, 'name').typename !== 'Array') loop['arr'] = new PyIter(arr.lineno, arr.colno, arr);
    super.compileFor(loop, frame);
  }

  override _emitLoopBindings(loop: AstNode, arr: string, i: string, len: string): void {
    super._emitLoopBindings(loop, arr, i, len);
    const body = child(loop, 'body');
    if (usesLoopAttribute(body, 'cycle')) this._emitLine(`frame.set("loop.cycle", runtime.loopCycle(${i}));`);
    if (usesLoopAttribute(body, 'previtem')) this._emitLine(`frame.set("loop.previtem", ${arr}[${i} - 1]);`);
    if (usesLoopAttribute(body, 'nextitem')) this._emitLine(`frame.set("loop.nextitem", ${arr}[${i} + 1]);`);
  }

  // Every compiled function (root and blocks) takes our runtime in place of the one nunjucks hands it.
  override _emitFuncBegin(at: AstNode, name: string): void {
    super._emitFuncBegin(at, name);
    this._emitLine(`runtime = ${RUNTIME_PARAMETER};`);
  }

  override compileSet(statement: AstNode, frame: unknown): void {
    this.emitPosition(statement);
    const targets = statement['targets'] as AstNode[];
    const value = statement['value'] as AstNode | null;
    if (targets.length < 2 || !value) {
      super.compileSet(statement, frame);
      return;
    }
    // `{% set a, b = pair %}` unpacks, as in Python; nunjucks would give both names the whole value.
    const values = this._tmpid();
    this._emit(`var ${values} = `);
    this.emitCall('pyUnpack', [value, String(targets.length)], frame);
    this._emitLine(';');
    targets.forEach((target, i) => {
      const item = new PyCode(target.lineno, target.colno, `${values}[${i}]`);
      super.compileSet(new (node('Set'))(statement.lineno, statement.colno, [target], item), frame);
    });
  }

  compilePyCode(code: AstNode): void {
    this._emit(String(code['code']));
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

  compilePyIter(expr: AstNode, frame: unknown): void {
    this.emitCall('pyIterate', [child(expr, 'target')], frame);
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

  // A parenthesised list of several values is a tuple; lists stand in for tuples.
  override compileGroup(group: AstNode, frame: unknown): void {
    if (children(group).length > 1) this._compileAggregate(group, frame, '[', ']');
    else super.compileGroup(group, frame);
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
      this.emitCall('pyMember', [target, val, text], frame);
    }
  }
}

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

const TEMPLATE_REFERENCES = ['Include', 'Import', 'FromImport', 'Extends'];

/** The filter and test names a template may use. */
export interface KnownNames {
  readonly filters: ReadonlySet<string>;
  readonly tests: ReadonlySet<string>;
}

// Jinja2 rejects an unknown filter or test when it compiles a template; nunjucks only when it renders one. Checked
// here, a misspelt filter stops the ensemble before anything is written.
function checkNames(ast: AstNode, known: KnownNames): void {
  const fail = (message: string, at: AstNode) => {
    throw Object.assign(new Error(message), { lineno: at.lineno + 1, colno: at.colno + 1 });
  };
  for (const filter of findAll(ast, 'Filter')) {
    const name = String(child(filter, 'name')['value']);
    if (!known.filters.has(name)) fail(`no filter named '${name}'`, filter);
  }
  for (const test of findAll(ast, 'Is')) {
    const right = child(test, 'right');
    const name = String(right.typename === 'FunCall' ? child(right, 'name')['value'] : right['value']);
    if (!known.tests.has(name)) fail(`no test named '${name}'`, right);
  }
}

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
