// Our parser: nunjucks' own, with the Python syntax and precedence that Jinja2 templates rely on and nunjucks
// reads differently or not at all: slices (`x[1:]`), integer attributes (`x.0`), float literals that stay floats
// (`1.0`), tests with a bare argument (`x is divisibleby 3`) bound as tightly as filters, and Jinja2's operator
// precedence.
import { PySlice, node } from './ast.js';
import { Parser, lexer, type AstNode, type ParserBase } from './nunjucks-internals.js';

// Token types that can start the single argument of a test written without parentheses (`x is divisibleby 3`).
const TEST_ARGUMENT_STARTS = new Set([lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT,
  lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN, lexer.TOKEN_LEFT_PAREN, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY]);
const NOT_AN_ARGUMENT = new Set(['else', 'or', 'and', 'is', 'if']);

// Binary operators by precedence, loosest first, with the AST node each makes.
const BINARY_LEVELS: readonly Record<string, string>[] = [
  { '+': 'Add', '-': 'Sub' },
  { '~': 'Concat' },
  { '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' },
];

/** nunjucks' parser with Jinja2's syntax and precedence where they differ. */
class PyParser extends (Parser as new (tokens: unknown) => ParserBase) {
  override parsePrimary(noPostfix?: boolean): AstNode {
    const token = this.peekToken();
    const parsed = super.parsePrimary(noPostfix);
    if (token.type === lexer.TOKEN_FLOAT && parsed.typename === 'Literal') parsed['pyFloat'] = true;
    return parsed;
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
        else this.fail(`expected name as lookup value, got ${name.value}`, name.lineno, name.colno);
        const literal = new (node('Literal'))(name.lineno, name.colno, key);
        result = new (node('LookupVal'))(token.lineno, token.colno, result, literal);
      } else {
        break;
      }
    }
    return result;
  }

  // `a if c else b if d else e`: Jinja2 lets the else branch be another conditional expression.
  parseInlineIf(): AstNode {
    const body = this.parseOr();
    if (!this.skipSymbol('if')) return body;
    const cond = this.parseOr();
    const otherwise = this.skipSymbol('else') ? this.parseInlineIf() : null;
    return new (node('InlineIf'))(body.lineno, body.colno, cond, body, otherwise);
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
      const isOperator = token.type === lexer.TOKEN_OPERATOR || token.type === lexer.TOKEN_TILDE;
      const typename = isOperator ? operators[token.value] : undefined;
      if (!typename) return left;
      this.nextToken();
      left = new (node(typename))(left.lineno, left.colno, left, this.parseLevel(level + 1));
    }
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
    const test = new (node('Symbol'))(name.lineno, name.colno, name.value);
    const next = this.peekToken();
    let right = test;
    if (next.type === lexer.TOKEN_LEFT_PAREN) {
      right = new (node('FunCall'))(name.lineno, name.colno, test, this.parseSignature());
    } else if (TEST_ARGUMENT_STARTS.has(next.type) && !NOT_AN_ARGUMENT.has(next.value)) {
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
      at(lexer.TOKEN_COLON) || at(lexer.TOKEN_RIGHT_BRACKET) ? null : this.parseExpression();
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

/** Parses template source into nunjucks' AST; throws nunjucks' TemplateError (with line) on bad syntax. */
export function parseTemplate(source: string): AstNode {
  const parser = new PyParser(lexer.lex(source, {}));
  parser.extensions = [];
  return parser.parseAsRoot();
}
