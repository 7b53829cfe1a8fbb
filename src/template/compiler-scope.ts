// Names and scopes in compiled templates, as Jinja2 scopes them. A loop body (each iteration afresh), a macro, a
// `with` block and a loop's `else` are scopes: a `{% set %}` inside one is local to it, and the name keeps its outer
// value until the set runs. nunjucks instead writes a set in a loop through to the enclosing frame.
//
// Each name lives twice: in a JS variable the compiled code reads directly (nunjucks' compile-time Frame maps names
// to those variables), and in the runtime frame, which included templates and dynamic lookups read.
import type { AstNode, CompilerBase } from './nunjucks-internals.js';
import { baseRuntime } from './nunjucks-internals.js';

/** A compile-time frame: names to JS variables; `pyScopeStart` marks where its scope's code begins. */
export interface CompileFrame {
  variables: Record<string, string>;
  parent: CompileFrame | undefined;
  pyScopeStart?: number;
  set(name: string, id: string): void;
  lookup(name: string): string | undefined;
  push(isolateWrites?: boolean): CompileFrame;
}

/** The compiler's parts that statement compilers use. */
export interface PyCompilerApi extends CompilerBase {
  codebuf: string[];
  bufferStack: string[];
  _pushBuffer(): string;
  _popBuffer(): void;
  _withScopedSyntax(fn: () => void): void;
  emitCall(fn: string, args: readonly (AstNode | string)[], frame: unknown): void;
  emitPosition(at: AstNode): void;
  /** Whether outputs are HTML-escaped here (inside `{% autoescape true %}`). */
  autoescape: boolean;
}

/** A new compile-time frame with no parent (a macro's, a block's). */
export const newFrame = (): CompileFrame => new (baseRuntime['Frame'] as new () => CompileFrame)();

/** Marks where the code of a new scope begins, so sets inside it can give their names the outer value there. */
export function startScope(compiler: PyCompilerApi, frame: CompileFrame): CompileFrame {
  frame.pyScopeStart = compiler.codebuf.length;
  return frame;
}

// The code that reads a name as the scope around `frame` sees it.
function outerValue(frame: CompileFrame, name: string): string {
  return frame.parent?.lookup(name) ?? `runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)})`;
}

/** The JS variable a `{% set name %}` in this scope writes, made (with the outer value) on first use. */
export function setVariableFor(compiler: PyCompilerApi, frame: CompileFrame, name: string): string {
  const own = Object.hasOwn(frame.variables, name) ? frame.variables[name] : undefined;
  if (own) return own;
  const id = compiler._tmpid();
  if (frame.pyScopeStart === undefined) {
    compiler._emitLine(`var ${id};`);
  } else {
    // Until the set runs (it may sit in an {% if %}), the name still means what it means outside.
    compiler.codebuf.splice(frame.pyScopeStart, 0, `var ${id} = ${outerValue(frame, name)};\n`);
  }
  frame.set(name, id);
  return id;
}

/** Binds a name to a value's code in this scope: a loop variable, a macro argument, a `with` name. */
export function bindName(compiler: PyCompilerApi, frame: CompileFrame, name: string, code: string): void {
  const id = compiler._tmpid();
  compiler._emitLine(`var ${id} = ${code};`);
  compiler._emitLine(`frame.set(${JSON.stringify(name)}, ${id});`);
  frame.set(name, id);
}

/** Binds an assignment target (a name, or a tuple of targets to unpack into) to a value's code. */
export function bindTarget(compiler: PyCompilerApi, frame: CompileFrame, target: AstNode, code: string): void {
  if (target.typename === 'Symbol') {
    bindName(compiler, frame, String(target['value']), code);
    return;
  }
  const items = target['children'] as AstNode[];
  const values = compiler._tmpid();
  compiler._emitLine(`var ${values} = runtime.pyUnpack(${code}, ${items.length});`);
  items.forEach((item, i) => bindTarget(compiler, frame, item, `${values}[${i}]`));
}

/** Assigns a value's code to a `{% set %}` target in this scope, exporting top-level names as nunjucks does. */
export function assignTarget(compiler: PyCompilerApi, frame: CompileFrame, target: AstNode, code: string): void {
  if (target.typename !== 'Symbol') {
    const items = target['children'] as AstNode[];
    const values = compiler._tmpid();
    compiler._emitLine(`var ${values} = runtime.pyUnpack(${code}, ${items.length});`);
    items.forEach((item, i) => assignTarget(compiler, frame, item, `${values}[${i}]`));
    return;
  }
  const name = String(target['value']);
  const quoted = JSON.stringify(name);
  const id = setVariableFor(compiler, frame, name);
  compiler._emitLine(`${id} = ${code};`);
  compiler._emitLine(`frame.set(${quoted}, ${id});`);
  compiler._emitLine(`if (frame.topLevel) { context.setVariable(${quoted}, ${id});` +
    (name.startsWith('_') ? ' }' : ` context.addExport(${quoted}, ${id}); }`));
}
