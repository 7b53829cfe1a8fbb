// A seeded generator of small Jinja2 templates and run contexts, for the differential test: a grammar of literals
// of every type, run values, operators, filters with keyword arguments, tests, methods, formatting, statements
// (if, for with loop.* and filters, set, with, macros with varargs/kwargs/caller, includes) and whitespace control.
// Expressions are typed (a number, a string, a list, ...) so that most templates render, and compare on output.
import { PyDate, PyFloat } from '../../../../src/config/values.js';

/** One generated case: the template, its other files, the run context (with PyFloat and PyDate values). */
export interface GeneratedCase {
  readonly template: string;
  readonly files: Record<string, string>;
  readonly context: Record<string, unknown>;
}

/** mulberry32: a small seeded PRNG, so a seed replays the same corpus. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'int' | 'float' | 'str' | 'list' | 'dict' | 'bool' | 'any';

// The run context every case sees: each YAML-typed kind once or more.
const CONTEXT: Record<string, unknown> = {
  idx: 3, n: -7, big: 9007199254740993, ratio: new PyFloat(0.25), one: new PyFloat(1), exp: new PyFloat(1e-5),
  name: 'alpha-3', text: 'Hello World  foo-bar', path: '/scratch/b-1', empty: '', flag: true, off: false, none: null,
  xs: [3, 1, 2], words: ['b', 'A', 'c'], mixed: [1, 'a', null, new PyFloat(2)], nested: [[1, 2], [3, [4]]],
  d: { b: 2, a: 1, c: 3 }, people: [{ name: 'bo', age: 30 }, { name: 'al', age: 25 }, { name: 'cy', age: 30 }],
  day: new PyDate({ year: 2020, month: 2, day: 29 }), end: new PyDate({ year: 2021, month: 3, day: 1 }),
  stamp: new PyDate({ year: 2021, month: 6, day: 7, time: { hour: 8, minute: 9, second: 10, microsecond: 0 } }),
};
const VARS: Record<Exclude<Kind, 'any'>, string[]> = {
  int: ['run.idx', 'run.n', 'run.xs[0]', 'run.d.a', 'run.xs | length', 'run.day.year', 'run.people[0].age'],
  float: ['run.ratio', 'run.one', 'run.exp'],
  str: ['run.name', 'run.text', 'run.path', 'run.empty', 'run.words[1]', 'run.people[1].name'],
  list: ['run.xs', 'run.words', 'run.mixed', 'run.nested', 'run.people'],
  dict: ['run.d', 'run.people[0]'],
  bool: ['run.flag', 'run.off'],
};

/** A generator of one case at a time from a seed. */
export class TemplateGenerator {
  private readonly random: () => number;
  private depth = 0;
  private files: Record<string, string> = {};

  constructor(seed: number) {
    this.random = prng(seed);
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private oneOf(...makers: (() => string)[]): string {
    return this.pick(makers)();
  }

  private literal(kind: Kind): string {
    switch (kind) {
      case 'int': return this.pick(['0', '1', '2', '7', '-3', '42', '1_000', '0x1f', '0b101', '0o17']);
      case 'float': return this.pick(['0.5', '1.0', '2.5', '-0.25', '1e3', '2.5e-3', '1E5', '0.1', '3.14159', '1_0.5']);
      case 'str': return this.pick(["'a'", '"b c"', "''", "'it\\'s'", '"say \\"hi\\""', "'tab\\there'", "'\\u00e9t\\x41'",
        "'line\\nbreak'", "'a' 'b'", "'Mixed Case Words'", "'  pad  '", "'ß straße'", "'x,y,,z'", "'%s-%d'", "'{}'"]);
      case 'list': return this.pick(['[]', '[1, 2, 3]', "['a', 'b',]", '[1, [2, 3]]', '[none, true, 1.5]', "['b', 'a', 'C']"]);
      case 'dict': return this.pick(['{}', "{'a': 1}", "{'y': 2, 'x': [1],}", "{'k': 'v', 'n': none}"]);
      case 'bool': return this.pick(['true', 'false', 'True', 'False']);
      default: return this.pick(['none', 'None', '(1, 2)', '(1,)', '()', "('a', 1.5)", 'range(3)', 'range(1, 7, 2)']);
    }
  }

  /** An expression of a kind. */
  expr(kind: Kind): string {
    this.depth++;
    try {
      if (this.depth > 3 || this.random() < 0.35) {
        return kind !== 'any' && this.random() < 0.5 ? this.pick(VARS[kind]) : this.literal(kind);
      }
      return this.compound(kind);
    } finally {
      this.depth--;
    }
  }

  private compound(kind: Kind): string {
    const num = () => this.expr(this.pick(['int', 'float'] as const));
    switch (kind) {
      case 'int': return this.oneOf(
        () => `${this.expr('int')} ${this.pick(['+', '-', '*', '//', '%'])} ${this.expr('int')}`,
        () => `${this.expr('int')} ** ${this.pick(['0', '2', '3'])}`,
        () => `${this.expr('list')} | length`, () => `${this.expr('str')} | length`,
        () => `${num()} | int`, () => `${this.expr('str')}.count('a')`, () => `${this.expr('str')}.find('o')`,
        () => `${this.expr('list')} | sum`, () => `(${num()}) | round | int`, () => `-${this.expr('int')}`,
        () => `run.day.toordinal()`, () => `(run.end - run.day).days`, () => `run.stamp.weekday()`,
        () => `[${this.expr('int')}, ${this.expr('int')}] | max`, () => `range(${this.int(6)}) | list | length`);
      case 'float': return this.oneOf(
        () => `${num()} ${this.pick(['+', '-', '*', '/'])} ${num()}`, () => `${num()} | float`,
        () => `${num()} | round(${this.int(3)})`, () => `${num()} | round(1, 'floor')`, () => `${num()} / 4`,
        () => `${this.expr('float')} | abs`, () => `'${this.pick(['1.5', '2', 'x', '1e2'])}' | float`);
      case 'str': return this.oneOf(
        () => `${this.expr('any')} ~ ${this.expr('any')}`, () => `${this.expr('str')} + ${this.expr('str')}`,
        () => `${this.expr('str')} | ${this.pick(['upper', 'lower', 'title', 'capitalize', 'trim', 'string', 'e', 'striptags', 'urlencode'])}`,
        () => `${this.expr('str')}.${this.pick(['upper()', 'lower()', 'strip()', 'title()', 'swapcase()', 'casefold()',
          "replace('a', 'o')", "center(9, '*')", "ljust(6, '.')", 'zfill(6)', "lstrip('H')", 'expandtabs(4)',
          "removeprefix('He')", "split()[0]", "rsplit(None, 1)[-1]", "partition(' ')[2]", 'capitalize()'])}`,
        () => `${this.expr('any')} | string`, () => `${this.expr('list')} | join(${this.pick(["', '", "'-'", ''])})`,
        () => `'%s|%5.2f|%-4d|%03x' % (${this.expr('any')}, ${num()}, ${this.expr('int')}, ${this.pick(['10', '255', 'run.idx'])})`,
        () => `'{} {:>6} {:.3g} {:04d} {:,}'.format(${this.expr('any')}, ${this.expr('str')}, ${num()}, ${this.expr('int')}, ${this.pick(['1234567', 'run.big', '10'])})`,
        () => `'{:>{w}}|{0!r}'.format(${this.expr('str')}, w=${this.int(8)})`, () => `'%.${this.int(4)}${this.pick(['f', 'e', 'g', 'G', 'E'])}' % ${num()}`,
        () => `${this.expr('str')} | replace(${this.pick(["'o', '0'", "' ', ''", "'l', 'L', 1"])})`,
        () => `${this.expr('str')} | truncate(${5 + this.int(10)}, ${this.pick(['true', 'false'])}, leeway=0)`,
        () => `${this.expr('str')} | center(${this.int(12)})`, () => `${this.expr('str')} | indent(2, first=${this.pick(['true', 'false'])})`,
        () => `${this.expr('str')} | wordwrap(${3 + this.int(8)})`, () => `${this.pick(['0', '1', '999', '1000', '123456789', 'run.idx'])} | filesizeformat(${this.pick(['', 'true'])})`,
        () => `${this.expr('any')} | pprint`, () => `${this.expr('dict')} | xmlattr`, () => `${this.expr('any')} | tojson`,
        () => `${this.expr('str')}[${this.pick(['1:', ':-1', '::-1', '1:3', '::2'])}]`, () => `${this.expr('list')} | map('string') | join(',')`,
        () => `run.day.strftime('%Y%m%d %a %j')`, () => `run.stamp.isoformat()`, () => `run.stamp.date() ~ ''`,
        () => `run.day.replace(year=2021) ~ ''`, () => `(run.end - run.day) ~ ''`, () => `${this.expr('any')} | d('x')`,
        () => `'${this.pick(['yes', 'no'])}' if ${this.expr('bool')} else ${this.expr('str')}`,
        () => `${this.expr('dict')} | dictsort(${this.pick(['', 'reverse=true', "by='value'", 'true', "false, 'value', true"])}) | string`,
        () => `${this.expr('list')} | sort(${this.pick(['', 'reverse=true', 'case_sensitive=true'])}) | string`,
        () => `run.people | sort(attribute='age,name') | map(attribute='name') | join`,
        () => `run.people | groupby('age') | string`, () => `run.people | selectattr('age', 'gt', 26) | map(attribute='name') | list | string`,
        () => `${this.expr('list')} | batch(2, 'x') | list | string`, () => `${this.expr('list')} | slice(2) | list | string`,
        () => `${this.expr('list')} | unique | list | string`, () => `${this.expr('list')} | reverse | list | string`,
        () => `${this.expr('dict')} | first ~ ''`, () => `${this.expr('dict')} | last ~ ''`);
      case 'list': return this.oneOf(
        () => `${this.expr('list')} + ${this.expr('list')}`, () => `${this.expr('str')}.split(${this.pick(["','", "' '", '', 'None, 1'])})`,
        () => `${this.expr('list')}[1:]`, () => `${this.expr('list')} * 2`, () => `${this.expr('dict')}.items() | list`,
        () => `${this.expr('dict')}.keys() | list`, () => `range(${this.int(5)}) | list`, () => `[${this.expr('any')}, ${this.expr('any')}]`,
        () => `${this.expr('list')} | select('odd') | list`, () => `${this.expr('list')} | reject('none') | list`);
      // Keys stay strings: DIFFERENCES.md lists other keys (our dicts are JavaScript objects).
      case 'dict': return this.oneOf(() => `{${this.pick([...VARS.str, this.literal('str')])}: ${this.expr('any')}}`, () => `dict(a=${this.expr('any')}, b=2)`);
      case 'bool': return this.oneOf(
        () => `${this.expr('any')} ${this.pick(['==', '!='])} ${this.expr('any')}`, () => `${num()} ${this.pick(['<', '<=', '>', '>='])} ${num()}`,
        () => `${this.expr('any')} in ${this.expr('list')}`, () => `${this.expr('str')} not in ${this.expr('str')}`,
        () => `not ${this.expr('any')}`, () => `${this.expr('bool')} and ${this.expr('any')}`, () => `${this.expr('any')} or ${this.expr('bool')}`,
        () => `${this.expr('any')} is ${this.pick(['defined', 'none', 'number', 'string', 'mapping', 'sequence', 'iterable', 'integer', 'float', 'boolean', 'callable', 'lower', 'upper'])}`,
        () => `${this.expr('int')} is ${this.pick(['odd', 'even', 'divisibleby 3', 'divisibleby(2)', 'gt 2', 'eq 3', 'in [1, 2, 3]'])}`,
        () => `${this.expr('str')}.${this.pick(['startswith', 'endswith'])}(${this.expr('str')})`,
        () => `${this.expr('str')}.${this.pick(['isdigit', 'isalpha', 'isupper', 'islower', 'istitle', 'isspace', 'isalnum'])}()`,
        () => `'x' in run`, () => `1 in run`, () => `run.xs == [3, 1, 2]`, () => `(1, 2) == [1, 2]`);
      default: return this.expr(this.pick(['int', 'float', 'str', 'list', 'dict', 'bool', 'any'] as const));
    }
  }

  private output(): string {
    // Integers beyond 2**53 only where their digits print (DIFFERENCES.md: they lose precision).
    if (this.random() < 0.01) return this.pick(['{{ run.big }}', '{{ run.big + 2 }}', '{{ 12345678901234567 * 3 }}']);
    const [open, close] = this.pick([['{{ ', ' }}'], ['{{- ', ' }}'], ['{{ ', ' -}}'], ['{{+ ', ' }}']]);
    return `${open}${this.expr('any')}${close}`;
  }

  private block(depth: number): string {
    const parts: string[] = [];
    const count = 1 + this.int(3);
    for (let i = 0; i < count; i++) {
      parts.push(depth > 1 || this.random() < 0.45 ? this.output() : this.statement(depth + 1));
      parts.push(this.pick(['', ' ', '\n', ' | ', '\n  ']));
    }
    return parts.join('');
  }

  private tag(body: string): string {
    const [open, close] = this.pick([['{% ', ' %}'], ['{%- ', ' %}'], ['{% ', ' -%}'], ['{%+ ', ' %}'], ['{% ', ' +%}']]);
    return `${open}${body}${close}`;
  }

  private statement(depth: number): string {
    const body = () => this.block(depth);
    const loopVar = this.pick(['x', 'item', 'v']);
    return this.oneOf(
      () => `${this.tag(`if ${this.expr('bool')}`)}${body()}${this.random() < 0.5 ? `${this.tag('else')}${body()}` : ''}${this.tag('endif')}`,
      () => `${this.tag(`if ${this.expr('bool')}`)}a${this.tag(`elif ${this.expr('bool')}`)}b${this.tag('endif')}`,
      () => `${this.tag(`for ${loopVar} in ${this.expr('list')}${this.random() < 0.3 ? ` if ${loopVar}` : ''}`)}` +
        `{{ ${this.pick(['loop.index', 'loop.revindex0', 'loop.first', 'loop.last', 'loop.length', 'loop.depth', "loop.cycle('a', 'b')", 'loop.changed(' + loopVar + ')'])} }}:{{ ${loopVar} }},` +
        `${this.random() < 0.3 ? `${this.tag('else')}empty` : ''}${this.tag('endfor')}`,
      () => `${this.tag(`for k, v in ${this.pick(['run.d.items()', "{'a': 1, 'b': [2]}.items()", 'run.d | dictsort', '[(1, 2), (3, 4)]', "['ab', 'cd']"])}`)}{{ k }}={{ v }};${this.tag('endfor')}`,
      () => `${this.tag('set n = 0')}${this.tag('for i in range(3)')}${this.tag('set n = n + i')}{{ n }}${this.tag('endfor')}{{ n }}`,
      () => `${this.tag('set ns = namespace(total=0)')}${this.tag(`for i in ${this.expr('list')}`)}${this.tag('set ns.total = ns.total + 1')}${this.tag('endfor')}{{ ns.total }}`,
      () => `${this.tag(`set a, b = ${this.pick(['1, 2', "'xy'", '[3, 4]', '(5, (6, 7))'])}`)}{{ a }}/{{ b }}`,
      () => `${this.tag(`set s = ${this.expr('any')}`)}{{ s }}`,
      () => `${this.tag(`set s | ${this.pick(['upper', 'trim', 'title', 'wordcount'])}`)} ${this.expr('str').replace(/[{}%#]/g, '')} ${this.tag('endset')}{{ s }}`,
      () => `${this.tag(`with a = ${this.expr('any')}, b = 2`)}{{ a }}{{ b }}${this.tag('endwith')}`,
      () => `${this.tag('macro m(a, b=2)')}[{{ a }}|{{ b }}|{{ varargs }}|{{ kwargs }}]${this.tag('endmacro')}{{ m(${this.pick(['1', '1, 3', '1, 2, 3', "1, c='x'", 'b=5, a=4'])}) }}`,
      () => `${this.tag('macro w()')}<{{ caller() }}>${this.tag('endmacro')}${this.tag('call w()')}${this.output()}${this.tag('endcall')}`,
      () => `${this.tag("for x in [1, [2, [3, 4]], 5] recursive")}{% if x is iterable %}({{ loop(x) }}){% else %}{{ x }}@{{ loop.depth }}{% endif %}${this.tag('endfor')}`,
      () => {
        this.files['part.j2'] = `P{{ run.idx }}{% if local is defined %}{{ local }}{% endif %}`;
        return `${this.tag("set local = 'L'")}${this.tag(`include 'part.j2'${this.pick(['', ' with context', ' without context', ' ignore missing'])}`)}`;
      },
      () => `${this.tag('raw')}{{ not rendered }}${this.tag('endraw')}`,
      () => `{# a comment #}${this.pick(['', '{#- trimmed -#}'])}`,
    );
  }

  /** The next case. */
  next(): GeneratedCase {
    this.files = {};
    const template = this.block(0);
    return { template, files: this.files, context: CONTEXT };
  }
}
