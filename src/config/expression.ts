// The small, safe grammar of `when:` conditions and `rules:` (never `eval`): metric names, numbers, comparisons and
// `and`/`or`/`not`, with parentheses. Parsed once, when the file is read, so a typo is a configuration error with
// its place and a did-you-mean rather than a rule that silently never fires.
//
//   expr    := or
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | compare
//   compare := atom (('<' | '<=' | '>' | '>=' | '==' | '!=') atom)?
//   atom    := number | metric | '(' expr ')'
//   metric  := <batch name> '.' <metric> ('.' <statistic>)?     e.g. sim.succeeded, sim.queue_wait.p90
import { suggest } from './describe.js';

/** A parsed expression. */
export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'metric'; readonly batch: string; readonly name: string; readonly text: string }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr };

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** The metrics of a batch, by the name after `<batch>.` (DESIGN: counts and streaming statistics per batch). */
export const COUNT_METRICS = ['total', 'pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped', 'done', 'done_fraction'] as const;
/** The statistics kept of run durations and queue waits. */
export const STATISTICS = ['count', 'mean', 'variance', 'min', 'max', 'median', 'p90', 'iqr'] as const;
/** Every metric name an expression may use after `<batch>.`. */
export const METRIC_NAMES: readonly string[] = [
  ...COUNT_METRICS,
  ...['duration', 'queue_wait'].flatMap((series) => STATISTICS.map((stat) => `${series}.${stat}`)),
];

/** An expression that cannot be parsed: the message and the column (from 1) it points at. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

interface Token {
  readonly kind: 'number' | 'name' | 'op' | '(' | ')' | 'end';
  readonly text: string;
  readonly at: number;
}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_.+=,-]*)|(<=|>=|==|!=|<|>)|(\()|(\)))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (!match) {
      const column = at + (text.slice(at).length - text.slice(at).trimStart().length) + 1;
      throw new ExpressionError(`unexpected ${JSON.stringify(text.slice(column - 1, column))}`, column);
    }
    const start = match.index + (match[0].length - match[0].trimStart().length);
    const [, number, name, op, open, close] = match;
    if (number !== undefined) tokens.push({ kind: 'number', text: number, at: start });
    else if (name !== undefined) tokens.push({ kind: 'name', text: name, at: start });
    else if (op !== undefined) tokens.push({ kind: 'op', text: op, at: start });
    else tokens.push({ kind: open !== undefined ? '(' : ')', text: open ?? close ?? '', at: start });
    at = TOKEN.lastIndex;
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

/** Parses `text` against the batches `batches` names; throws ExpressionError (with a did-you-mean) when it cannot. */
export function parseExpression(text: string, batches: readonly string[]): Expr {
  const tokens = tokenize(text);
  let next = 0;
  const peek = (): Token => tokens[next] as Token;
  const take = (): Token => tokens[next++] as Token;
  const word = (t: Token, w: string): boolean => t.kind === 'name' && t.text === w;
  const fail = (t: Token, expected: string): never => {
    throw new ExpressionError(`expected ${expected}, got ${t.kind === 'end' ? 'the end' : JSON.stringify(t.text)}`, t.at + 1);
  };

  const metric = (t: Token): Expr => {
    // The batch is the longest prefix of the dotted name that is a batch (names may hold dots).
    const batch = [...batches].sort((a, b) => b.length - a.length).find((name) => t.text.startsWith(`${name}.`));
    if (batch === undefined) {
      const head = t.text.split('.')[0] ?? t.text;
      throw new ExpressionError(`${JSON.stringify(t.text)} names no batch${suggest(head, batches)}; a metric is <batch>.<metric>, e.g. ${batches[0] ?? 'sim'}.succeeded`, t.at + 1);
    }
    const name = t.text.slice(batch.length + 1);
    if (!METRIC_NAMES.includes(name)) {
      throw new ExpressionError(`${JSON.stringify(name)} is not a metric of batch ${batch}${suggest(name, METRIC_NAMES)}; the metrics are ${COUNT_METRICS.join(', ')}, and duration.<s> or queue_wait.<s> for s in ${STATISTICS.join(', ')}`, t.at + batch.length + 2);
    }
    return { kind: 'metric', batch, name, text: t.text };
  };
  const atom = (): Expr => {
    const t = take();
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.kind === '(') {
      const inner = or();
      if (take().kind !== ')') fail(tokens[next - 1] as Token, '")"');
      return inner;
    }
    if (t.kind === 'name' && !['and', 'or', 'not'].includes(t.text)) return metric(t);
    return fail(t, 'a number, a metric or "("');
  };
  const compare = (): Expr => {
    const left = atom();
    if (peek().kind !== 'op') return left;
    const op = take().text as CompareOp;
    return { kind: 'compare', op, left, right: atom() };
  };
  const not = (): Expr => (word(peek(), 'not') ? (take(), { kind: 'not', arg: not() }) : compare());
  const and = (): Expr => {
    let left = not();
    while (word(peek(), 'and')) {
      take();
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (word(peek(), 'or')) {
      take();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const expr = or();
  if (peek().kind !== 'end') fail(peek(), '"and", "or" or the end');
  return expr;
}

/** The batches an expression reads metrics of. */
export function batchesOf(expr: Expr): Set<string> {
  switch (expr.kind) {
    case 'metric':
      return new Set([expr.batch]);
    case 'number':
      return new Set();
    case 'not':
      return batchesOf(expr.arg);
    default:
      return new Set([...batchesOf(expr.left), ...batchesOf(expr.right)]);
  }
}

/** The value of an expression, `metric` giving each metric's value (NaN when it has none yet). */
export function evaluate(expr: Expr, metric: (batch: string, name: string) => number): number | boolean {
  const truth = (value: number | boolean): boolean => (typeof value === 'boolean' ? value : !Number.isNaN(value) && value !== 0);
  const num = (value: number | boolean): number => (typeof value === 'boolean' ? Number(value) : value);
  switch (expr.kind) {
    case 'number':
      return expr.value;
    case 'metric':
      return metric(expr.batch, expr.name);
    case 'not':
      return !truth(evaluate(expr.arg, metric));
    case 'and':
      return truth(evaluate(expr.left, metric)) && truth(evaluate(expr.right, metric));
    case 'or':
      return truth(evaluate(expr.left, metric)) || truth(evaluate(expr.right, metric));
    case 'compare': {
      const [a, b] = [num(evaluate(expr.left, metric)), num(evaluate(expr.right, metric))];
      switch (expr.op) {
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
        case '==':
          return a === b;
        case '!=':
          // A metric without a value yet makes every comparison false, this one too.
          return a !== b && !Number.isNaN(a) && !Number.isNaN(b);
      }
    }
  }
}

/** Whether an expression holds. */
export function holds(expr: Expr, metric: (batch: string, name: string) => number): boolean {
  const value = evaluate(expr, metric);
  return typeof value === 'boolean' ? value : !Number.isNaN(value) && value !== 0;
}
