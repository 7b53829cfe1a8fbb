// Our expression parser: nunjucks' own, with the Python syntax and precedence that Jinja2 templates rely on and
// nunjucks reads differently or not at all: tuples (`(1, 2)`, `(1,)`, `{{ a, b }}`), trailing commas, adjacent
// string literals, dict keys that are expressions, slices (`x[1:]`), integer attributes (`x.0`), float literals that
// stay floats (`1.0`), tests with a bare argument (`x is divisibleby 3`) bound as tightly as filters, `in` and
// `not in` as comparison operators, and Jinja2's operator precedence.
import { PySlice, PyTuple, node } from './ast.js';
import { Parser, lexer, type AstNode, type ParserBase, type Token } from './nunjucks-internals.js';

// Token types that can start the single argument of a test written without parentheses (`x is divisibleby 3`).
const TEST_ARGUMENT_STARTS = new Set([lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT,
  lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN, lexer.TOKEN_LEFT_PAREN, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY]);
const NOT_AN_ARGUMENT = new Set(['else', 'or', 'and', 'is', 'if', 'in', 'not', 'recursive']);
const COMPARE_OPERATORS = new Set(['==', '!=', '<', '>', '<=', '>=']);

// Binary operators by precedence, loosest first, with the AST node each makes.
const BINARY_LEVELS: readonly Record<string, string>[] = [
  { '+': 'Add', '-': 'Sub' },
  { '~': 'Concat' },
  { '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' },
];

/** How a tuple without parentheses is read (Jinja2's parse_tuple). */
export interface TupleOptions {
  /** Whether items may be conditional expressions (`a if b else c`); a loop's iterable may not. */
  readonly condexpr?: boolean;
  /** Names that end the tuple besides the tag end and `)`, such as `in` after a loop's targets. */
  readonly endNames?: readonly string[];
  /** Inside parentheses, where `()` is the empty tuple. */
  readonly explicit?: boolean;
}

/** nunjucks' parser with Jinja2's expression syntax and precedence where they differ. */
export class PyExpressionParser extends (Parser as new (tokens: unknown) => ParserBase) {
  // `{{ a, b }}` prints a tuple: the expression right after `{{` is read as one.
  private tupleNext = false;
  private peeking = false;

  override peekToken(): Token {
    this.peeking = true;
    try {
      return super.peekToken();
    } finally {
      this.peeking = false;
    }
  }

  override nextToken(withWhitespace?: boolean): Token {
    const token = super.nextToken(withWhitespace);
    if (!this.peeking && token?.type === lexer.TOKEN_VARIABLE_START) this.tupleNext = true;
    return token;
  }

  override parseExpression(): AstNode {
    if (this.tupleNext) {
      this.tupleNext = false;
      return this.parseTuple();
    }
    return this.parseInlineIf();
  }

  /** Expressions separated by commas: a tuple when there is a comma, else the one expression. */
  parseTuple(options: TupleOptions = {}): AstNode {
    const start = this.peekToken();
    const items: AstNode[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length > 0) this.expect(lexer.TOKEN_COMMA);
      if (this.isTupleEnd(options.endNames ?? [])) break;
      items.push(options.condexpr === false ? this.parseOr() : this.parseInlineIf());
      if (this.peekToken().type !== lexer.TOKEN_COMMA) break;
      isTuple = true;
    }
    if (!isTuple) {
      if (items.length > 0) return items[0]!;
      if (!options.explicit) this.fail(`expected an expression, got ${start.value}`, start.lineno, start.colno);
    }
    return new PyTuple(start.lineno, start.colno, items);
  }

  private isTupleEnd(endNames: readonly string[]): boolean {
    const token = this.peekToken();
    if (!token) return true;
    if (token.type === lexer.TOKEN_VARIABLE_END || token.type === lexer.TOKEN_BLOCK_END) return true;
    if (token.type === lexer.TOKEN_RIGHT_PAREN) return true;
    return token.type === lexer.TOKEN_SYMBOL && endNames.includes(token.value);
  }

  override parsePrimary(noPostfix?: boolean): AstNode {
    const token = this.peekToken();
    let parsed: AstNode;
    if (token?.type === lexer.TOKEN_STRING) {
      // Adjacent string literals are one string, as in Python.
      this.nextToken();
      let text = token.value;
      while (this.peekToken()?.type === lexer.TOKEN_STRING) text += this.nextToken().value;
      parsed = new (node('Literal'))(token.lineno, token.colno, text);
    } else if (token?.type === lexer.TOKEN_LEFT_PAREN || token?.type === lexer.TOKEN_LEFT_BRACKET ||
      token?.type === lexer.TOKEN_LEFT_CURLY) {
      parsed = this.parseAggregate();
    } else {
      parsed = super.parsePrimary(true);
      if (token?.type === lexer.TOKEN_FLOAT && parsed.typename === 'Literal') parsed['pyFloat'] = true;
    }
    return noPostfix ? parsed : this.parsePostfix(parsed);
  }

  // `(...)` is a group or a tuple, `[...]` a list and `{...}` a dict, each allowing a trailing comma.
  parseAggregate(): AstNode {
    const open = this.nextToken();
    if (open.type === lexer.TOKEN_LEFT_PAREN) {
      const inner = this.parseTuple({ explicit: true });
      this.expect(lexer.TOKEN_RIGHT_PAREN);
      return inner;
    }
    const isList = open.type === lexer.TOKEN_LEFT_BRACKET;
    const close = isList ? lexer.TOKEN_RIGHT_BRACKET : lexer.TOKEN_RIGHT_CURLY;
    const aggregate = new (node(isList ? 'Array' : 'Dict'))(open.lineno, open.colno, []);
    const items = aggregate['children'] as AstNode[];
    while (this.peekToken().type !== close) {
      if (items.length > 0) this.expect(lexer.TOKEN_COMMA);
      if (this.peekToken().type === close) break;
      const first = this.parseInlineIf();
      if (isList) {
        items.push(first);
      } else {
        this.expect(lexer.TOKEN_COLON);
        items.push(new (node('Pair'))(first.lineno, first.colno, first, this.parseInlineIf()));
      }
    }
    this.expect(close);
    return aggregate;
  }

  override parsePostfix(target: AstNode): AstNode {
    let result = target;
    for (let token = this.peekToken(); token; token = this.peekToken()) {
      if (token.type === lexer.TOKEN_LEFT_PAREN) {
        result = new (node('FunCall'))(token.lineno, token.colno, result, this.parseSignature());
      } else if (token.type === lexer.TOKEN_LEFT_BRACKET) {
        this.nextToken();
        result = new (node('LookupVal'))(token.lineno, token.colno, result, this.parseSubscript(token));
      } else if (token.type === lexer.TOKEN_OPERATOR && token.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        let key: string | number;
        if (name.type === lexer.TOKEN_SYMBOL) key = name.value;
        else if (name.type === lexer.TOKEN_INT) key = Number(name.value);
        else this.fail(`expected name or number after '.', got ${name.value}`, name.lineno, name.colno);
        const literal = new (node('Literal'))(name.lineno, name.colno, key);
        // `a.b` reads an attribute first and `a['b']` an item first: the difference shows on dicts.
        if (typeof key === 'string') literal['pyAttribute'] = true;
        result = new (node('LookupVal'))(token.lineno, token.colno, result, literal);
      } else {
        break;
      }
    }
    return result;
  }

  // `a if c else b if d else e`; `a if c` alone is undefined when c is false.
  parseInlineIf(): AstNode {
    let body = this.parseOr();
    while (this.skipSymbol('if')) {
      const cond = this.parseOr();
      const otherwise = this.skipSymbol('else') ? this.parseInlineIf() : null;
      body = new (node('InlineIf'))(body.lineno, body.colno, cond, body, otherwise);
    }
    return body;
  }

  override parseNot(): AstNode {
    const token = this.peekToken();
    if (this.skipSymbol('not')) return new (node('Not'))(token.lineno, token.colno, this.parseNot());
    return this.parseCompare();
  }

  // A chain of comparisons, `in` and `not in` among them, as Jinja2 reads `a < b in c`.
  override parseCompare(): AstNode {
    const expr = this.parseConcat();
    const ops: AstNode[] = [];
    for (;;) {
      const token = this.peekToken();
      let type: string | undefined;
      if (token?.type === lexer.TOKEN_OPERATOR && COMPARE_OPERATORS.has(token.value)) {
        this.nextToken();
        type = token.value;
      } else if (token?.type === lexer.TOKEN_SYMBOL && token.value === 'in') {
        this.nextToken();
        type = 'in';
      } else if (token?.type === lexer.TOKEN_SYMBOL && token.value === 'not') {
        this.nextToken();
        // Only `not in` may follow an operand; anything else there is a syntax error, as in Jinja2.
        if (this.peekToken()?.type !== lexer.TOKEN_SYMBOL || this.peekToken().value !== 'in') {
          this.fail("expected 'in' after 'not'", token.lineno, token.colno);
        }
        this.nextToken();
        type = 'notin';
      } else {
        break;
      }
      ops.push(new (node('CompareOperand'))(token.lineno, token.colno, this.parseConcat(), type));
    }
    return ops.length ? new (node('Compare'))(expr.lineno, expr.colno, expr, ops) : expr;
  }

  // Jinja2's precedence, loosest first: `+ -`, then `~`, then `* / // %` (nunjucks gives each operator a level of
  // its own and puts `~` above `+`, so `2 * 7 % 4` and `'a' ~ 1 + 2` would group differently).
  override parseConcat(): AstNode {
    return this.parseLevel(0);
  }

  private parseLevel(level: number): AstNode {
    const operators = BINARY_LEVELS[level];
    if (!operators) return this.parsePow();
    let left = this.parseLevel(level + 1);
    for (;;) {
      const token = this.peekToken();
      const isOperator = token?.type === lexer.TOKEN_OPERATOR || token?.type === lexer.TOKEN_TILDE;
      const typename = isOperator ? operators[token.value] : undefined;
      if (!typename) return left;
      this.nextToken();
      left = new (node(typename))(left.lineno, left.colno, left, this.parseLevel(level + 1));
    }
  }

  // A filter's arguments are its parenthesised signature only: `x | f(1).y` is a syntax error, as in Jinja2.
  override parseFilterArgs(): AstNode[] {
    return this.peekToken()?.type === lexer.TOKEN_LEFT_PAREN ? (this.parseSignature()['children'] as AstNode[]) : [];
  }

  // Jinja2 reads tests where it reads filters, binding as tightly (`1 + 1 is odd` tests the 1).
  override parseFilter(target: AstNode): AstNode {
    let result = target;
    for (let token = this.peekToken(); token; token = this.peekToken()) {
      if (token.type === lexer.TOKEN_PIPE) result = super.parseFilter(result);
      else if (token.type === lexer.TOKEN_SYMBOL && token.value === 'is') result = this.parseTest(result);
      else break;
    }
    return result;
  }

  // After the subject: `is [not] name`, with arguments in parentheses or one argument without (`is divisibleby 3`).
  private parseTest(subject: AstNode): AstNode {
    this.nextToken();
    const negated = this.skipSymbol('not');
    const name = this.nextToken();
    const test = new (node('Symbol'))(name.lineno, name.colno, name.type === lexer.TOKEN_NONE ? 'none' : name.value);
    const next = this.peekToken();
    // `x is a is b` (a test right after a test name) is refused, as in Jinja2.
    if (next?.type === lexer.TOKEN_SYMBOL && next.value === 'is') this.fail('You cannot chain multiple tests with is', next.lineno, next.colno);
    let right = test;
    if (next?.type === lexer.TOKEN_LEFT_PAREN) {
      right = new (node('FunCall'))(name.lineno, name.colno, test, this.parseSignature());
    } else if (next && TEST_ARGUMENT_STARTS.has(next.type) && !NOT_AN_ARGUMENT.has(next.value)) {
      const args = new (node('NodeList'))(next.lineno, next.colno, [this.parsePrimary()]);
      right = new (node('FunCall'))(name.lineno, name.colno, test, args);
    }
    const result = new (node('Is'))(subject.lineno, subject.colno, subject, right);
    return negated ? new (node('Not'))(result.lineno, result.colno, result) : result;
  }

  // After `[`: an index expression, or a slice with up to three optional parts.
  private parseSubscript(open: { lineno: number; colno: number }): AstNode {
    const at = (type: string): boolean => this.peekToken().type === type;
    const part = (): AstNode | null =>
      at(lexer.TOKEN_COLON) || at(lexer.TOKEN_RIGHT_BRACKET) ? null : this.parseInlineIf();
    const start = part();
    if (!this.skip(lexer.TOKEN_COLON)) {
      this.expect(lexer.TOKEN_RIGHT_BRACKET);
      if (start === null) this.fail('expected an index', open.lineno, open.colno);
      return start;
    }
    const stop = part();
    const step = this.skip(lexer.TOKEN_COLON) ? part() : null;
    this.expect(lexer.TOKEN_RIGHT_BRACKET);
    return new PySlice(open.lineno, open.colno, start, stop, step);
  }
}
