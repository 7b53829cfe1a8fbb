// Typed access to the parts of nunjucks 3.2 that our Jinja2-compatible compile step builds on: its lexer, parser,
// AST node classes, CPS transformer and code generator. @types/nunjucks covers only the public API, and the
// transformer is not exported from the package index, so these come through require() with the minimal shapes below.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** An AST node: `typename` names its class, `fields` its child slots. */
export interface AstNode {
  readonly typename: string;
  readonly fields: readonly string[];
  lineno: number;
  colno: number;
  [field: string]: unknown;
}

/** A node class as nunjucks defines them (`new Literal(lineno, colno, value)`). */
export type NodeClass = (new (lineno: number, colno: number, ...fields: unknown[]) => AstNode) & {
  extend(name: string, props?: { fields?: readonly string[] }): NodeClass;
};

/** A lexer token. */
export interface Token {
  readonly type: string;
  readonly value: string;
  readonly lineno: number;
  readonly colno: number;
}

/** The parser's methods that our subclass uses or overrides. */
export interface ParserBase {
  extensions: unknown[];
  peekToken(): Token;
  nextToken(withWhitespace?: boolean): Token;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  advanceAfterBlockEnd(name?: string): Token;
  parseUntilBlocks(...names: string[]): AstNode;
  parseStatement(): AstNode | null;
  parseFilterName(): AstNode;
  parseFilterArgs(node?: AstNode): AstNode[];
  parseNot(): AstNode;
  expect(type: string): Token;
  fail(message: string, lineno?: number, colno?: number): never;
  parseAsRoot(): AstNode;
  parseExpression(): AstNode;
  parseSignature(tolerant?: boolean, noParens?: boolean): AstNode;
  parsePrimary(noPostfix?: boolean): AstNode;
  parsePostfix(node: AstNode): AstNode;
  parseCompare(): AstNode;
  parseOr(): AstNode;
  parseConcat(): AstNode;
  parsePow(): AstNode;
  parseFilter(node: AstNode): AstNode;
  skipSymbol(name: string): boolean;
}

/** The code generator's methods that our subclass uses or overrides. */
export interface CompilerBase {
  templateName: string | undefined;
  buffer: string;
  compile(node: AstNode, frame: unknown): void;
  assertType(node: AstNode, ...types: unknown[]): void;
  getCode(): string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  _compileExpression(node: AstNode, frame: unknown): void;
  _emitLoopBindings(node: AstNode, arr: string, i: string, len: string): void;
  _emitFuncBegin(node: AstNode, name: string): void;
  _tmpid(): string;
  _compileAggregate(node: AstNode, frame: unknown, startChar: string, endChar: string): void;
  compileLiteral(node: AstNode): void;
  compileIf(node: AstNode, frame: unknown, async?: boolean): void;
  compileFor(node: AstNode, frame: unknown): void;
  compileSet(node: AstNode, frame: unknown): void;
  compileGroup(node: AstNode, frame: unknown): void;
  fail(message: string, lineno?: number, colno?: number): never;
}

interface NunjucksInternals {
  readonly lexer: {
    lex(src: string, opts: object): unknown;
    readonly TOKEN_LEFT_BRACKET: string;
    readonly TOKEN_RIGHT_BRACKET: string;
    readonly TOKEN_LEFT_PAREN: string;
    readonly TOKEN_COLON: string;
    readonly TOKEN_OPERATOR: string;
    readonly TOKEN_SYMBOL: string;
    readonly TOKEN_INT: string;
    readonly TOKEN_FLOAT: string;
    readonly TOKEN_STRING: string;
    readonly TOKEN_NONE: string;
    readonly TOKEN_BOOLEAN: string;
    readonly TOKEN_LEFT_CURLY: string;
    readonly TOKEN_TILDE: string;
    readonly TOKEN_PIPE: string;
    readonly TOKEN_RIGHT_PAREN: string;
    readonly TOKEN_RIGHT_CURLY: string;
    readonly TOKEN_COMMA: string;
    readonly TOKEN_WHITESPACE: string;
    readonly TOKEN_BLOCK_START: string;
    readonly TOKEN_BLOCK_END: string;
    readonly TOKEN_VARIABLE_START: string;
    readonly TOKEN_VARIABLE_END: string;
  };
  readonly parser: { Parser: new (tokens: unknown) => ParserBase };
  readonly compiler: { Compiler: new (templateName: string, throwOnUndefined: boolean) => CompilerBase };
  readonly nodes: Record<string, NodeClass>;
  readonly runtime: Record<string, unknown>;
}

const nunjucks = require('nunjucks') as NunjucksInternals;

/** nunjucks' lexer: `lex(src, opts)` and the token type names. */
export const lexer = nunjucks.lexer;
/** nunjucks' parser class, subclassed for Python syntax it lacks. */
export const Parser = nunjucks.parser.Parser;
/** nunjucks' code generator, subclassed for Python semantics. */
export const Compiler = nunjucks.compiler.Compiler;
/** nunjucks' AST node classes by name (`Literal`, `LookupVal`, `For`, ...). */
export const nodes = nunjucks.nodes;
/** nunjucks' own runtime helpers, the base of the runtime our compiled templates receive. */
export const baseRuntime = nunjucks.runtime;
/** Lifts `{{ super() }}` and async filters out of expressions; every compiled AST goes through it. */
export const transform = (require('nunjucks/src/transformer') as {
  transform(ast: AstNode, asyncFilters: readonly string[]): AstNode;
}).transform;
