// `{% set %}`, `{% include %}`, `{% autoescape %}` and macros compiled as Jinja2 runs them: sets scoped to their
// loop or macro and able to unpack or write a namespace attribute; includes with or without the includer's context;
// macros that take `varargs`, `kwargs` and `caller` when their body uses them, refuse extra arguments otherwise,
// evaluate defaults at call time, and print as `<Macro 'name'>`.
import { child, children, findAll } from './ast.js';
import { assignTarget, bindName, newFrame, startScope, type CompileFrame, type PyCompilerApi } from './compiler-scope.js';
import type { AstNode } from './nunjucks-internals.js';

/** Compiles a PySet node. */
export function compilePySet(this: PyCompilerApi, statement: AstNode, frame: CompileFrame): void {
  this.emitPosition(statement);
  const target = child(statement, 'target');
  const value = this._tmpid();
  this._emit(`var ${value} = `);
  const expression = child(statement, 'value');
  // A set block's body is a Capture, which nunjucks' expression check does not list.
  if (expression.typename === 'Capture') this.compile(expression, frame);
  else this._compileExpression(expression, frame);
  this._emitLine(';');
  if (target.typename === 'LookupVal') {
    this.emitCall('pySetAttribute', [child(target, 'target'), JSON.stringify(child(target, 'val')['value']), value], frame);
    this._emitLine(';');
    return;
  }
  assignTarget(this, frame, target, value);
}

/** Compiles a PyInclude node; without context the included template sees only the globals. */
export function compilePyInclude(this: PyCompilerApi, statement: AstNode, frame: CompileFrame): void {
  this.emitPosition(statement);
  const template = this._tmpid();
  const result = this._tmpid();
  this._emit(`var ${template} = runtime.pyGetTemplate(env, `);
  this._compileExpression(child(statement, 'template'), frame);
  this._emitLine(`, ${JSON.stringify(this.templateName ?? null)}, ${statement['ignoreMissing'] === true});`);
  this._emitLine(`var ${result} = "";`);
  // A parent frame keeps nunjucks' render synchronous; without context it is an empty one.
  const args = statement['withContext'] === false ? '{}, new runtime.Frame()' : 'context.getVariables(), frame';
  this._emitLine(`if (${template}) ${template}.render(${args}, function (e, r) { if (e) throw e; ${result} = r; });`);
  this._emitLine(`${this.buffer} += ${result};`);
}

/** Compiles a PyAutoescape node: its body's outputs are HTML-escaped or not, as its value says. */
export function compilePyAutoescape(this: PyCompilerApi, statement: AstNode, frame: CompileFrame): void {
  const value = child(statement, 'value');
  if (value.typename !== 'Literal') this.fail('autoescape takes a constant: true or false', statement.lineno, statement.colno);
  const saved = this.autoescape;
  this.autoescape = Boolean(value['value']);
  this.compile(child(statement, 'body'), frame);
  this.autoescape = saved;
}

// Whether a macro's own body (not a macro nested in it) names `name`.
function bodyUses(body: AstNode, name: string): boolean {
  const nested = new Set(findAll(body, 'Macro').flatMap((macro) => findAll(child(macro, 'body'), 'Symbol')));
  return findAll(body, 'Symbol').some((symbol) => symbol['value'] === name && !nested.has(symbol));
}

/** Emits a macro's function and returns the JS variable that holds it. */
function emitMacro(compiler: PyCompilerApi, macro: AstNode, frame: CompileFrame | undefined, name: string): string {
  const params: AstNode[] = [];
  const defaults: AstNode[] = [];
  for (const arg of children(child(macro, 'args'))) {
    if (arg.typename === 'Symbol') {
      params.push(arg);
    } else {
      for (const pair of children(arg)) {
        params.push(child(pair, 'key'));
        defaults.push(child(pair, 'value'));
      }
    }
  }
  const body = child(macro, 'body');
  const flags = { varargs: bodyUses(body, 'varargs'), kwargs: bodyUses(body, 'kwargs'), caller: bodyUses(body, 'caller') };
  const funcId = `macro_${compiler._tmpid()}`;
  const [args, varargs, kwargs, caller] = [compiler._tmpid(), compiler._tmpid(), compiler._tmpid(), compiler._tmpid()];
  // A macro inside a loop or another macro sees the names around its definition, as a Python closure does.
  const definition = compiler._tmpid();
  compiler._emitLine(`var ${definition} = frame;`);
  const names = params.map((param) => String(param['value']));
  compiler._emitLine(`var ${funcId} = runtime.pyMacro(${JSON.stringify(name)}, ${JSON.stringify(names)}, ` +
    `${JSON.stringify(flags)}, function (${args}, ${varargs}, ${kwargs}, ${caller}) {`);
  compiler._emitLine(`var callerFrame = frame; frame = ${frame ? `${definition}.push(true)` : 'new runtime.Frame()'};`);
  const inner = frame ? frame.push(true) : newFrame();
  const firstDefault = params.length - defaults.length;
  names.forEach((paramName, i) => {
    const id = compiler._tmpid();
    compiler._emitLine(`var ${id} = ${args}[${i}];`);
    if (i >= firstDefault) {
      compiler._emit(`if (${id} === undefined) ${id} = `);
      compiler._compileExpression(defaults[i - firstDefault]!, inner);
      compiler._emitLine(';');
    }
    compiler._emitLine(`frame.set(${JSON.stringify(paramName)}, ${id});`);
    inner.set(paramName, id);
  });
  if (flags.varargs) bindName(compiler, inner, 'varargs', varargs);
  if (flags.kwargs) bindName(compiler, inner, 'kwargs', kwargs);
  if (flags.caller) bindName(compiler, inner, 'caller', caller);
  startScope(compiler, inner);
  const buffer = compiler._pushBuffer();
  compiler._emitLine('');
  compiler._withScopedSyntax(() => compiler.compile(body, inner));
  compiler._emitLine(`frame = callerFrame;`);
  compiler._emitLine(`return ${buffer};`);
  compiler._popBuffer();
  compiler._emitLine('});');
  return funcId;
}

/** Compiles a Macro node and binds its name, exported at the top level as nunjucks does. */
export function compileMacro(this: PyCompilerApi, macro: AstNode, frame: CompileFrame): void {
  const name = String(child(macro, 'name')['value']);
  const funcId = emitMacro(this, macro, frame.parent ? frame : undefined, name);
  frame.set(name, funcId);
  if (frame.parent) {
    this._emitLine(`frame.set(${JSON.stringify(name)}, ${funcId});`);
  } else {
    if (!name.startsWith('_')) this._emitLine(`context.addExport(${JSON.stringify(name)});`);
    this._emitLine(`context.setVariable(${JSON.stringify(name)}, ${funcId});`);
  }
}

/** Compiles a Caller node (the body of a `{% call %}` block) as an anonymous macro named `caller`. */
export function compileCaller(this: PyCompilerApi, caller: AstNode, frame: CompileFrame): void {
  this._emit('(function () {');
  const funcId = emitMacro(this, caller, frame, 'caller');
  this._emit(`return ${funcId}; })()`);
}
