// `{% for %}` compiled as Jinja2 runs it: the iterable walked as Python walks it (a dict gives its keys), targets
// unpacked as Python unpacks them (`for k, v in pairs`, with an error for the wrong count), the loop filter
// (`for x in xs if x`) applied before `loop.length` is known, each iteration a scope of its own, Jinja2's loop
// object (`loop.index`, `loop.depth`, `loop.changed()`, `loop.cycle()`, ...), and `recursive` loops that call
// `loop(children)`.
import { bindTarget, startScope, type CompileFrame, type PyCompilerApi } from './compiler-scope.js';
import { child } from './ast.js';
import type { AstNode } from './nunjucks-internals.js';

// The loop proper: filter the items, then run the body once per item in a fresh runtime frame.
function emitLoop(compiler: PyCompilerApi, loop: AstNode, frame: CompileFrame, items: string, depth: string, recurse: string): void {
  const outer = compiler._tmpid();
  compiler._emitLine(`var ${outer} = frame;`);
  const target = child(loop, 'name');
  const test = loop['test'] as AstNode | null;
  if (test) {
    const kept = compiler._tmpid();
    const j = compiler._tmpid();
    compiler._emitLine(`var ${kept} = [];`);
    compiler._emitLine(`for (var ${j} = 0; ${j} < ${items}.length; ${j}++) {`);
    compiler._emitLine(`frame = ${outer}.push();`);
    const testFrame = frame.push();
    bindTarget(compiler, testFrame, target, `${items}[${j}]`);
    compiler._emit(`if (`);
    compiler.emitCall('pyBool', [test], testFrame);
    compiler._emitLine(`) ${kept}.push(${items}[${j}]);`);
    compiler._emitLine('}');
    compiler._emitLine(`frame = ${outer};`);
    compiler._emitLine(`${items} = ${kept};`);
  }
  const loopObject = compiler._tmpid();
  const i = compiler._tmpid();
  compiler._emitLine(`var ${loopObject} = runtime.pyLoop(${items}, ${depth}, ${recurse});`);
  compiler._emitLine(`for (var ${i} = 0; ${i} < ${items}.length; ${i}++) {`);
  compiler._emitLine(`frame = ${outer}.push();`);
  compiler._emitLine(`${loopObject}.index0 = ${i};`);
  const body = frame.push();
  body.set('loop', loopObject);
  compiler._emitLine(`frame.set("loop", ${loopObject});`);
  bindTarget(compiler, body, target, `${items}[${i}]`);
  startScope(compiler, body);
  compiler._withScopedSyntax(() => compiler.compile(child(loop, 'body'), body));
  compiler._emitLine('}');
  compiler._emitLine(`frame = ${outer};`);
  const otherwise = loop['else_'] as AstNode | null;
  if (otherwise) {
    compiler._emitLine(`if (${items}.length === 0) {`);
    compiler._emitLine(`frame = ${outer}.push();`);
    const elseFrame = startScope(compiler, frame.push());
    compiler._withScopedSyntax(() => compiler.compile(otherwise, elseFrame));
    compiler._emitLine(`frame = ${outer};`);
    compiler._emitLine('}');
  }
}

/** Compiles a PyFor node. */
export function compilePyFor(this: PyCompilerApi, loop: AstNode, frame: CompileFrame): void {
  this.emitPosition(loop);
  const items = this._tmpid();
  if (!loop['recursive']) {
    this._emit(`var ${items} = `);
    this.emitCall('pyIterate', [child(loop, 'arr')], frame);
    this._emitLine(';');
    emitLoop(this, loop, frame, items, '0', 'null');
    return;
  }
  // A recursive loop is a function of its iterable and depth, returning what it printed; `loop(xs)` calls it again.
  const fn = this._tmpid();
  const depth = this._tmpid();
  const argument = this._tmpid();
  this._emitLine(`var ${fn} = function (${argument}, ${depth}) {`);
  const buffer = this._pushBuffer();
  this._emitLine('');
  this._emitLine(`var ${items} = runtime.pyIterate(${argument});`);
  emitLoop(this, loop, frame, items, depth, fn);
  this._emitLine(`return ${buffer};`);
  this._popBuffer();
  this._emitLine('};');
  this._emit(`${this.buffer} += ${fn}(`);
  this._compileExpression(child(loop, 'arr'), frame);
  this._emitLine(', 0);');
}

/** Compiles a PyWith node: the values are evaluated outside, then bound inside a scope of their own. */
export function compilePyWith(this: PyCompilerApi, statement: AstNode, frame: CompileFrame): void {
  this.emitPosition(statement);
  const values = (statement['values'] as AstNode[]).map((value) => {
    const id = this._tmpid();
    this._emit(`var ${id} = `);
    this._compileExpression(value, frame);
    this._emitLine(';');
    return id;
  });
  const outer = this._tmpid();
  this._emitLine(`var ${outer} = frame;`);
  this._emitLine(`frame = frame.push();`);
  const inner = frame.push();
  (statement['targets'] as AstNode[]).forEach((target, i) => bindTarget(this, inner, target, values[i]!));
  startScope(this, inner);
  this._withScopedSyntax(() => this.compile(child(statement, 'body'), inner));
  this._emitLine(`frame = ${outer};`);
}

