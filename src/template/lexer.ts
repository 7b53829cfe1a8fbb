// Our lexer: nunjucks' tokenizer for template text, with Jinja2's rules inside tags. nunjucks reads numbers,
// strings and names its own way (no `1e3`, `0x1f` or `1_000`; `'\x41'` loses its backslash and keeps `x41`; `$` is a
// name character) and knows neither the `+` markers (`{%+ if %}`) nor brackets that contain `}}`. The tokens keep
// nunjucks' shapes, so nunjucks' parser reads them unchanged.
import { lexer } from './nunjucks-internals.js';
import { decodeEscapes } from './string-escapes.js';

interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/** The part of nunjucks' tokenizer that ours builds on. */
interface TokenizerBase {
  str: string;
  index: number;
  lineno: number;
  colno: number;
  in_code: boolean;
  nextToken(): Token | null;
  forwardN(n: number): void;
}

const Tokenizer = (lexer.lex('', {}) as object).constructor as new (src: string, opts: object) => TokenizerBase;

// Jinja2's token patterns (jinja2/lexer.py), tried in this order at each position inside a tag.
const WHITESPACE = /\s+/y;
const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INTEGER = /(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)/y;
const NAME = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const OPERATOR = /\*\*|\/\/|==|!=|>=|<=|[-+/*%~[\](){}><=.:|,;]/y;

const BRACKET_TYPES: Record<string, string> = {
  '(': lexer.TOKEN_LEFT_PAREN, ')': lexer.TOKEN_RIGHT_PAREN, '[': lexer.TOKEN_LEFT_BRACKET, ']': lexer.TOKEN_RIGHT_BRACKET,
  '{': lexer.TOKEN_LEFT_CURLY, '}': lexer.TOKEN_RIGHT_CURLY, ',': lexer.TOKEN_COMMA, ':': lexer.TOKEN_COLON, '~': lexer.TOKEN_TILDE,
  '|': lexer.TOKEN_PIPE,
};
const BLOCK_CLOSE = /[-+]?%\}/y;
const VARIABLE_CLOSE = /-?\}\}/y;
const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

// Jinja2's constants: both spellings are literals, never variables; `null` is an ordinary name.
const CONSTANT_TOKENS: Record<string, [string, string]> = {
  true: [lexer.TOKEN_BOOLEAN, 'true'], True: [lexer.TOKEN_BOOLEAN, 'true'],
  false: [lexer.TOKEN_BOOLEAN, 'false'], False: [lexer.TOKEN_BOOLEAN, 'false'],
  none: [lexer.TOKEN_NONE, 'none'], None: [lexer.TOKEN_NONE, 'none'],
};

/** A syntax error with the 1-based line nunjucks' errors carry. */
function lexError(message: string, lineno: number, colno: number): Error {
  return Object.assign(new Error(message), { lineno: lineno + 1, colno: colno + 1 });
}

// Python's int() of a literal's digits, with its prefix and underscores.
function parseIntegerLiteral(text: string): string {
  const digits = text.replace(/_/g, '');
  const radix = /^0[bB]/.test(digits) ? 2 : /^0[oO]/.test(digits) ? 8 : /^0[xX]/.test(digits) ? 16 : 10;
  if (radix === 10) return String(Number(digits));
  return String(parseInt(digits.slice(2), radix));
}

/** nunjucks' tokenizer with Jinja2's tokens inside `{{ }}` and `{% %}`. */
class PyTokenizer extends Tokenizer {
  private brackets: string[] = [];
  /** How the open tag ends: `%}` for a statement, `}}` for an expression. */
  private closing: RegExp = BLOCK_CLOSE;

  override nextToken(): Token | null {
    if (!this.in_code) return this.nextDataToken();
    const { lineno, colno } = this;
    if (this.index >= this.str.length) return null;
    const make = (type: string, value: string, length: number): Token => {
      this.forwardN(length);
      return { type, value, lineno, colno };
    };
    if (this.brackets.length === 0) {
      const end = this.closing;
      end.lastIndex = this.index;
      const match = end.exec(this.str);
      if (match) {
        this.in_code = false;
        const text = match[0];
        if (text.endsWith('}}')) return make(lexer.TOKEN_VARIABLE_END, text, text.length);
        return make(lexer.TOKEN_BLOCK_END, text, text.length);
      }
    }
    const at = (pattern: RegExp): RegExpExecArray | null => {
      pattern.lastIndex = this.index;
      return pattern.exec(this.str);
    };
    let match = at(WHITESPACE);
    if (match) return make(lexer.TOKEN_WHITESPACE, match[0], match[0].length);
    if ((match = at(FLOAT))) return make(lexer.TOKEN_FLOAT, match[0].replace(/_/g, ''), match[0].length);
    if ((match = at(INTEGER))) return make(lexer.TOKEN_INT, parseIntegerLiteral(match[0]), match[0].length);
    if ((match = at(NAME))) {
      const constant = CONSTANT_TOKENS[match[0]];
      return constant ? make(constant[0], constant[1], match[0].length) : make(lexer.TOKEN_SYMBOL, match[0], match[0].length);
    }
    if ((match = at(STRING))) {
      const raw = (match[1] ?? match[2] ?? '').replace(/\r\n?/g, '\n');
      let value: string;
      try {
        value = decodeEscapes(raw);
      } catch (error) {
        throw lexError((error as Error).message, lineno, colno);
      }
      return make(lexer.TOKEN_STRING, value, match[0].length);
    }
    if ((match = at(OPERATOR))) {
      const op = match[0];
      if ('([{'.includes(op)) this.brackets.push(op);
      const opening = CLOSING[op];
      if (opening !== undefined) {
        if (this.brackets[this.brackets.length - 1] !== opening) throw lexError(`unexpected '${op}'`, lineno, colno);
        this.brackets.pop();
      }
      return make(BRACKET_TYPES[op] ?? lexer.TOKEN_OPERATOR, op, op.length);
    }
    throw lexError(`unexpected char ${JSON.stringify(this.str.charAt(this.index))}`, lineno, colno);
  }

  // Template text, comments and tag openings are nunjucks' own, but for Jinja2's `{%+` and `{{+`: the `+` keeps
  // lstrip_blocks from applying, and lstrip_blocks is off, so the tag is an ordinary one.
  private nextDataToken(): Token | null {
    const { lineno, colno } = this;
    const opening = this.str.slice(this.index, this.index + 3);
    if (opening === '{%+' || opening === '{{+') {
      this.forwardN(3);
      this.in_code = true;
      this.brackets = [];
      this.closing = opening === '{%+' ? BLOCK_CLOSE : VARIABLE_CLOSE;
      return { type: opening === '{%+' ? lexer.TOKEN_BLOCK_START : lexer.TOKEN_VARIABLE_START, value: opening.slice(0, 2), lineno, colno };
    }
    const token = super.nextToken();
    if (this.in_code) {
      this.brackets = [];
      this.closing = token?.type === lexer.TOKEN_BLOCK_START ? BLOCK_CLOSE : VARIABLE_CLOSE;
    }
    return token;
  }
}

/** Tokenizes template source for nunjucks' parser. */
export function lexTemplate(source: string): unknown {
  return new PyTokenizer(source, {});
}
