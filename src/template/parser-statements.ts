// Our statement parser: the tags as Jinja2 reads them where nunjucks reads them differently or not at all: `for`
// with unpacking, a loop filter and `recursive`; `set` with unpacking, `ns.attr` targets and filtered set blocks;
// `with`, `autoescape` and `print`; `include ... with/without context`; `block ... scoped/required`. nunjucks-only
// tags (`switch`, `verbatim`, `elseif`, `asyncEach`, ...) are refused, as Jinja2 refuses them.
import { PyAutoescape, PyFor, PyInclude, PySet, PyTuple, PyWith, node } from './ast.js';
import { lexTemplate } from './lexer.js';
import { lexer, type AstNode } from './nunjucks-internals.js';
import { PyExpressionParser } from './parser.js';

// Tags nunjucks knows and Jinja2 does not.
const NUNJUCKS_ONLY = new Set(['switch', 'verbatim', 'ifAsync', 'asyncEach', 'asyncAll']);

/** The whole Jinja2 statement syntax on top of our expression parser. */
class PyParser extends PyExpressionParser {
  override parseStatement(): AstNode | null {
    const token = this.peekToken();
    const breakOn = (this as unknown as { breakOnBlocks: string[] | null }).breakOnBlocks;
    if (token.type !== lexer.TOKEN_SYMBOL || breakOn?.includes(token.value)) return super.parseStatement();
    if (NUNJUCKS_ONLY.has(token.value)) this.fail(`unknown tag '${token.value}'`, token.lineno, token.colno);
    switch (token.value) {
      case 'for':
        return this.parseLoop();
      case 'set':
        return this.parseAssignment();
      case 'with':
        return this.parseWith();
      case 'include':
        return this.parseIncludeTag();
      case 'autoescape':
        return this.parseAutoescape();
      case 'print':
        return this.parsePrint();
      case 'block':
        return this.parseBlockTag();
      case 'raw':
        return this.parseRawBlock();
      case 'if':
        return this.parseCondition();
      default:
        return super.parseStatement();
    }
  }

  // One assignment target: a name, `ns.attr` where allowed, or a parenthesised tuple of targets.
  private parseTargetItem(withNamespace: boolean): AstNode {
    const token = this.nextToken();
    if (token.type === lexer.TOKEN_LEFT_PAREN) {
      const inner = this.parseTarget([], false);
      this.expect(lexer.TOKEN_RIGHT_PAREN);
      return inner;
    }
    if (token.type !== lexer.TOKEN_SYMBOL) this.fail(`can't assign to ${token.value}`, token.lineno, token.colno);
    const name = new (node('Symbol'))(token.lineno, token.colno, token.value);
    if (withNamespace && this.skipValue(lexer.TOKEN_OPERATOR, '.')) {
      const attr = this.expect(lexer.TOKEN_SYMBOL);
      return new (node('LookupVal'))(token.lineno, token.colno, name, new (node('Literal'))(attr.lineno, attr.colno, attr.value));
    }
    return name;
  }

  /** Assignment targets: one, or several separated by commas (a tuple to unpack into). */
  parseTarget(endNames: readonly string[], withNamespace = false): AstNode {
    const first = this.parseTargetItem(withNamespace);
    if (this.peekToken().type !== lexer.TOKEN_COMMA) return first;
    const items = [first];
    while (this.skip(lexer.TOKEN_COMMA)) {
      const next = this.peekToken();
      if (next.type === lexer.TOKEN_RIGHT_PAREN || (next.type === lexer.TOKEN_SYMBOL && endNames.includes(next.value))) break;
      items.push(this.parseTargetItem(false));
    }
    return new PyTuple(first.lineno, first.colno, items);
  }

  private parseLoop(): AstNode {
    const tag = this.nextToken();
    const target = this.parseTarget(['in']);
    if (!this.skipSymbol('in')) this.fail("expected 'in' in the for statement", tag.lineno, tag.colno);
    const iterable = this.parseTuple({ condexpr: false, endNames: ['recursive'] });
    const test = this.skipSymbol('if') ? this.parseInlineIf() : null;
    const recursive = this.skipSymbol('recursive');
    this.advanceAfterBlockEnd('for');
    const body = this.parseUntilBlocks('endfor', 'else');
    let otherwise: AstNode | null = null;
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      otherwise = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return new PyFor(tag.lineno, tag.colno, target, iterable, body, otherwise, test, recursive);
  }

  // `{% if %}` with `elif` and `else`; the test is no conditional expression (`{% if a if b else c %}` is an error).
  private parseCondition(): AstNode {
    const tag = this.nextToken();
    const cond = this.parseTuple({ condexpr: false });
    this.advanceAfterBlockEnd(tag.value);
    const statement = new (node('If'))(tag.lineno, tag.colno, cond, this.parseUntilBlocks('elif', 'else', 'endif'), null);
    const next = this.peekToken();
    if (next?.value === 'elif') {
      statement['else_'] = this.parseCondition();
    } else if (next?.value === 'else') {
      this.advanceAfterBlockEnd();
      statement['else_'] = this.parseUntilBlocks('endif');
      this.advanceAfterBlockEnd();
    } else if (next?.value === 'endif') {
      this.advanceAfterBlockEnd();
    } else {
      this.fail('expected elif, else or endif, got the end of the template', tag.lineno, tag.colno);
    }
    return statement;
  }

  private parseAssignment(): AstNode {
    const tag = this.nextToken();
    const target = this.parseTarget([], true);
    if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      const value = this.parseTuple();
      this.advanceAfterBlockEnd('set');
      return new PySet(tag.lineno, tag.colno, target, value);
    }
    // A set block, optionally filtered: `{% set x | upper %}...{% endset %}`.
    const filters: [AstNode, AstNode[]][] = [];
    while (this.skip(lexer.TOKEN_PIPE)) {
      const name = this.parseFilterName();
      filters.push([name, this.parseFilterArgs()]);
    }
    this.advanceAfterBlockEnd('set');
    let value: AstNode = new (node('Capture'))(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
    this.advanceAfterBlockEnd();
    for (const [name, args] of filters) {
      value = new (node('Filter'))(name.lineno, name.colno, name, new (node('NodeList'))(name.lineno, name.colno, [value, ...args]));
    }
    return new PySet(tag.lineno, tag.colno, target, value);
  }

  private parseWith(): AstNode {
    const tag = this.nextToken();
    const targets: AstNode[] = [];
    const values: AstNode[] = [];
    while (this.peekToken().type !== lexer.TOKEN_BLOCK_END) {
      if (targets.length > 0) this.expect(lexer.TOKEN_COMMA);
      targets.push(this.parseTarget([]));
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail("expected '=' in the with statement", tag.lineno, tag.colno);
      values.push(this.parseInlineIf());
    }
    this.advanceAfterBlockEnd('with');
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return new PyWith(tag.lineno, tag.colno, targets, values, body);
  }

  private parseIncludeTag(): AstNode {
    const tag = this.nextToken();
    const template = this.parseInlineIf();
    const ignoreMissing = this.skipSymbol('ignore') && (this.skipSymbol('missing') || this.fail("expected 'missing'"));
    let withContext = true;
    if (this.skipSymbol('with')) this.expectContext(true);
    else if (this.skipSymbol('without')) withContext = this.expectContext(false);
    this.advanceAfterBlockEnd('include');
    return new PyInclude(tag.lineno, tag.colno, template, ignoreMissing, withContext);
  }

  private expectContext(value: boolean): boolean {
    if (!this.skipSymbol('context')) this.fail("expected 'context' after with/without");
    return value;
  }

  private parseAutoescape(): AstNode {
    const tag = this.nextToken();
    const value = this.parseInlineIf();
    this.advanceAfterBlockEnd('autoescape');
    const body = this.parseUntilBlocks('endautoescape');
    this.advanceAfterBlockEnd();
    return new PyAutoescape(tag.lineno, tag.colno, value, body);
  }

  // `{% print a, b %}` prints each expression, as `{{ a }}{{ b }}`.
  private parsePrint(): AstNode {
    const tag = this.nextToken();
    const items: AstNode[] = [];
    while (this.peekToken().type !== lexer.TOKEN_BLOCK_END) {
      if (items.length > 0) this.expect(lexer.TOKEN_COMMA);
      items.push(this.parseInlineIf());
    }
    this.advanceAfterBlockEnd('print');
    return new (node('Output'))(tag.lineno, tag.colno, items);
  }

  // `{% raw %}...{% endraw %}` with Jinja2's whitespace control on either tag (nunjucks knows only the plain tags).
  private parseRawBlock(): AstNode {
    const tag = this.nextToken();
    const open = this.advanceAfterBlockEnd('raw');
    // Jinja2's raw tag takes `-%}` but not `+%}`.
    if (open.value.startsWith('+')) this.fail("unexpected '+%}' after raw", open.lineno, open.colno);
    const tokens = (this as unknown as { tokens: { str: string; index: number; forwardN(n: number): void } }).tokens;
    const end = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
    end.lastIndex = tokens.index;
    const match = end.exec(tokens.str);
    if (!match) this.fail('missing endraw tag', tag.lineno, tag.colno);
    let text = tokens.str.slice(tokens.index, match.index);
    if (open.value.startsWith('-')) text = text.replace(/^\s+/, '');
    if (match[1] === '-') text = text.replace(/\s+$/, '');
    tokens.forwardN(match.index + match[0].length - tokens.index);
    const self = this as unknown as { dropLeadingWhitespace: boolean };
    self.dropLeadingWhitespace = match[2] === '-';
    return new (node('Output'))(tag.lineno, tag.colno, [new (node('TemplateData'))(tag.lineno, tag.colno, text)]);
  }

  // `scoped` and `required` are accepted; a block already sees the names around it in our renderer.
  private parseBlockTag(): AstNode {
    const tag = this.nextToken();
    const name = this.expect(lexer.TOKEN_SYMBOL);
    this.skipSymbol('scoped');
    this.skipSymbol('required');
    this.advanceAfterBlockEnd('block');
    const block = new (node('Block'))(tag.lineno, tag.colno);
    block['name'] = new (node('Symbol'))(name.lineno, name.colno, name.value);
    block['body'] = this.parseUntilBlocks('endblock');
    this.skipSymbol('endblock');
    this.skipSymbol(name.value);
    this.advanceAfterBlockEnd('endblock');
    return block;
  }
}

/** Parses template source into nunjucks' AST; throws nunjucks' TemplateError (with line) on bad syntax. */
export function parseTemplate(source: string): AstNode {
  const parser = new PyParser(lexTemplate(source));
  parser.extensions = [];
  return parser.parseAsRoot();
}
