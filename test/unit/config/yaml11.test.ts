import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { parseYaml11 } from '../../../src/config/yaml11.js';
import { PyDate, PyFloat } from '../../../src/config/values.js';
import { FIXTURES, yaml } from './fixtures.js';

interface CorpusCase {
  readonly input: string;
  readonly type: 'bool' | 'null' | 'int' | 'float' | 'str' | 'date' | 'datetime' | 'error';
  readonly value?: string | boolean;
}

const corpus = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pyyaml-scalars.json'), 'utf8')) as { pyyaml: string; cases: CorpusCase[] };

/** The value of `v` in `v: <input>`, or the problems of reading it. */
function readScalar(input: string): { value?: unknown; problems: number } {
  const read = parseYaml11(`v: ${input}\n`, 'corpus.yaml');
  return { value: (read.value as Record<string, unknown> | undefined)?.v, problems: read.problems.length };
}

/** Our value in the corpus's terms: a type name and a text that compares exactly. */
function classify(value: unknown): { type: string; value?: string | boolean } {
  if (value === null) return { type: 'null' };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (value instanceof PyFloat) return { type: 'float', value: value.toString() };
  if (typeof value === 'number') return { type: 'int', value: String(value) };
  if (value instanceof PyDate) return { type: value.hasTime ? 'datetime' : 'date', value: value.isoformat() };
  if (typeof value === 'string') return { type: 'str', value };
  return { type: 'other', value: String(value) };
}

describe('config/yaml11', () => {
  describe(`scalars read as PyYAML ${corpus.pyyaml} reads them`, () => {
    for (const entry of corpus.cases) {
      it(`reads ${JSON.stringify(entry.input)} as ${entry.type}${entry.value === undefined ? '' : ` ${JSON.stringify(entry.value)}`}`, () => {
        const read = readScalar(entry.input);
        if (entry.type === 'error') {
          expect(read.problems, 'PyYAML refuses this value, so must we').to.be.greaterThan(0);
          return;
        }
        expect(read.problems).to.equal(0);
        expect(classify(read.value)).to.deep.equal(entry.value === undefined ? { type: entry.type } : { type: entry.type, value: entry.value });
      });
    }
  });

  it('covers the scalars model-ensembler configurations depend on', () => {
    const inputs = new Set(corpus.cases.map((entry) => entry.input));
    for (const input of ['yes', 'y', '14:00', '00:20:00', '1e3', '1.5e+3', '1.0', '0777', '2020-01-01', '']) {
      expect(inputs.has(input), input).to.equal(true);
    }
  });

  it('keeps mapping keys as the text written, so a key "on" or "yes" is not a boolean', () => {
    const read = parseYaml11('on: 1\nyes: 2\n1: 3\nnull: 4\n', 'f.yaml');
    expect(read.value).to.deep.equal({ on: 1, yes: 2, 1: 3, null: 4 });
  });

  it('merges mappings with << as PyYAML does: own keys win, then the first merged mapping', () => {
    const read = parseYaml11(
      yaml`
        base: &base {a: 1, b: 1}
        other: &other {a: 2, c: 2}
        one:
          <<: *base
          b: 5
        many:
          <<: [*base, *other]
      `,
      'f.yaml',
    );
    const value = read.value as Record<string, unknown>;
    expect(read.problems).to.deep.equal([]);
    expect(value.one).to.deep.equal({ a: 1, b: 5 });
    expect(value.many).to.deep.equal({ a: 1, b: 1, c: 2 });
  });

  it('refuses a merge key whose value is not a mapping', () => {
    const read = parseYaml11('m:\n  <<: 3\n', 'f.yaml');
    expect(read.problems.map((p) => p.message)).to.deep.equal(['a merge key (<<) takes a mapping or a list of mappings']);
  });

  it('refuses duplicate keys, giving the place of the second and the line of the first', () => {
    const read = parseYaml11('a: 1\nb:\n  c: 1\n  c: 2\n', 'f.yaml');
    expect(read.problems).to.have.length(1);
    expect(read.problems[0]?.where).to.deep.include({ file: 'f.yaml', line: 4, col: 3, key: 'b.c' });
    expect(read.problems[0]?.message).to.equal('duplicate key "c" (first at line 3); remove one of them');
  });

  it('gives a syntax error its line and column', () => {
    const read = parseYaml11('a:\n  b: [1, 2\nc: 3\n', 'f.yaml');
    expect(read.problems.length).to.be.greaterThan(0);
    expect(read.problems[0]?.where.line).to.be.a('number');
    expect(read.problems[0]?.message).to.match(/^YAML syntax: /);
  });

  it('refuses a second document in the same file', () => {
    const read = parseYaml11('a: 1\n---\nb: 2\n', 'f.yaml');
    expect(read.problems.map((p) => [p.where.line, p.message])).to.deep.equal([[2, 'a configuration file holds one YAML document; remove the one starting here']]);
  });

  it('refuses an unknown tag, as PyYAML has no constructor for it', () => {
    const read = parseYaml11('a: !!foo x\n', 'f.yaml');
    expect(read.problems.map((p) => p.message)).to.deep.equal(['unknown tag: !!foo; remove the tag or quote the value']);
  });

  it('refuses the tags whose values would not print as Python prints them', () => {
    for (const text of ['a: !!binary aGk=\n', 'a: !!set {x, y}\n', 'a: !!omap [{x: 1}]\n']) {
      expect(parseYaml11(text, 'f.yaml').problems.map((p) => p.message), text).to.have.length(1);
    }
  });

  it('refuses an alias that contains itself', () => {
    const read = parseYaml11('a: &a [1, *a]\n', 'f.yaml');
    expect(read.problems.map((p) => p.message)).to.deep.equal(['an alias refers to a collection that contains it']);
  });

  it('reads an empty file as no document', () => {
    expect(parseYaml11('# nothing here\n', 'f.yaml')).to.deep.include({ value: undefined, problems: [] });
  });

  it('records where each key and value is written', () => {
    const read = parseYaml11('ensemble:\n  batches:\n    - name: a\n      maxruns: 2\n', 'f.yaml');
    expect(read.positions.find('/ensemble/batches/0/maxruns')).to.deep.equal({ key: { line: 4, col: 7 }, value: { line: 4, col: 16 } });
    expect(read.positions.find('/ensemble/batches/0')).to.deep.equal({ value: { line: 3, col: 7 } });
  });

  it('uses a fresh line count per document, so a second file read starts again at line 1', () => {
    parseYaml11('a: 1\nb: 2\nc: 3\n', 'first.yaml');
    const read = parseYaml11('a: 1\na: 2\n', 'second.yaml');
    expect(read.problems[0]?.where.line).to.equal(2);
  });

  describe('properties', () => {
    const printInt = fc.oneof(
      fc.integer({ min: -1e12, max: 1e12 }).map((n) => ({ n, text: String(n) })),
      fc.nat({ max: 2 ** 40 }).map((n) => ({ n, text: `0x${n.toString(16)}` })),
      fc.nat({ max: 2 ** 40 }).map((n) => ({ n, text: `0b${n.toString(2)}` })),
      fc.integer({ min: 1, max: 2 ** 40 }).map((n) => ({ n, text: `0${n.toString(8)}` })),
      fc.integer({ min: 1, max: 2 ** 30 }).map((n) => {
        // Base 60 with a first group that does not start with 0, as PyYAML requires.
        const groups: number[] = [];
        let rest = n;
        while (rest >= 60) {
          groups.unshift(rest % 60);
          rest = Math.floor(rest / 60);
        }
        if (rest === 0 || groups.length === 0) return { n, text: String(n) };
        return { n, text: [rest, ...groups.map((g) => String(g).padStart(2, '0'))].join(':') };
      }),
    );

    it('reads every integer printed in decimal, hexadecimal, binary, octal or base 60 as that integer', () => {
      fc.assert(
        fc.property(printInt, ({ n, text }) => {
          expect(readScalar(text).value).to.equal(n);
        }),
      );
    });

    it('reads every finite float printed with a point and a signed exponent as that float, printing as Python does', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
          // toExponential() drops the sign of -0, so the sign is written separately.
          const sign = x < 0 || Object.is(x, -0) ? '-' : '';
          const [mantissa = '', exponent = '+0'] = Math.abs(x).toExponential().split('e');
          const text = `${sign}${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent}`;
          const value = readScalar(text).value;
          expect(value).to.be.instanceOf(PyFloat);
          expect(Object.is((value as PyFloat).valueOf(), x)).to.equal(true);
        }),
      );
    });

    it('reads a word as a boolean exactly when it is one of PyYAML\'s spellings', () => {
      const words = ['yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n'];
      const spelling = fc.tuple(fc.constantFrom(...words), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 })).map(([word, upper]) =>
        [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''),
      );
      fc.assert(
        fc.property(spelling, (text) => {
          const lower = text.toLowerCase();
          const isBool = lower.length > 1 && (text === lower || text === text.toUpperCase() || text === lower[0]?.toUpperCase() + lower.slice(1));
          expect(typeof readScalar(text).value === 'boolean').to.equal(isBool);
        }),
      );
    });
  });
});
