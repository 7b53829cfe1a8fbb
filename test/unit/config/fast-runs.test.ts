import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'chai';
import fc from 'fast-check';
import { extractRunLists, FAST_RUNS_MIN } from '../../../src/config/fast-runs.js';
import type { PathSegment } from '../../../src/config/positions.js';
import { parseYaml11, type YamlRead } from '../../../src/config/yaml11.js';
import { FIXTURES } from './fixtures.js';

const corpus = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'pyyaml-scalars.json'), 'utf8')) as { cases: Array<{ input: string }> };

/** A configuration whose first batch lists `count` runs, each entry written by `entry(i)` (lines, at 8 spaces). */
function configWith(count: number, entry: (i: number) => string[], after: string[] = []): string {
  const runs = Array.from({ length: count }, (_, i) => entry(i)).flat();
  return ['ensemble:', '  vars: {a: 1}', '  batches:', '    - name: b', '      basedir: x', '      runs:', ...runs, ...after, '      maxruns: 4', ''].join('\n');
}

/** Every place the reader records for the runs of every batch, as `where` gives them. */
function runPlaces(read: YamlRead): unknown[] {
  const batches = (read.value as { ensemble?: { batches?: Array<{ runs?: unknown }> } } | undefined)?.ensemble?.batches ?? [];
  const places: unknown[] = [];
  batches.forEach((batch, b) => {
    const base: PathSegment[] = ['ensemble', 'batches', b, 'runs'];
    places.push(read.positions.where(base, 'key'), read.positions.where(base), read.positions.where(['ensemble', 'batches', b, 'maxruns'], 'key'));
    const runs = (Array.isArray(batch?.runs) ? batch.runs : []) as Array<Record<string, unknown> | null>;
    runs.forEach((run, i) => {
      places.push(read.positions.where([...base, i]));
      for (const key of Object.keys(run ?? {})) places.push(read.positions.where([...base, i, key], 'key'), read.positions.where([...base, i, key]));
    });
  });
  return places;
}

/** Asserts the lean path and the YAML parser read `text` alike: values, problems and places; returns the parser's read. */
function expectSameAsParser(text: string): YamlRead {
  const lean = parseYaml11(text, 'c.yml');
  const parser = parseYaml11(text, 'c.yml', { fastRunsMin: Infinity });
  expect(isDeepStrictEqual(lean.value, parser.value), 'the same values').to.equal(true);
  expect(lean.problems).to.deep.equal(parser.problems);
  expect(runPlaces(lean)).to.deep.equal(runPlaces(parser));
  return parser;
}

const flow = (i: number): string[] => [`        - {id: ${i}, melt: 0.5, name: "run ${i}", on: yes}`];
const block = (i: number): string[] => [`        - id: ${i}`, `          melt: 1.0e+3`, `          when: 2020-01-0${(i % 9) + 1}`];

describe('config/fast-runs', () => {
  it('reads a long list of one-line flow mappings as the YAML parser does, values and places alike', () => {
    const text = configWith(200, flow);
    expect(extractRunLists(text).lists.size, 'the lean path takes the list').to.equal(1);
    expectSameAsParser(text);
  });

  it('reads block mappings, blank lines and a list written at its key\'s indentation as the parser does', () => {
    expectSameAsParser(configWith(100, (i) => [...block(i), ...(i % 7 === 0 ? [''] : [])]));
    const compact = configWith(100, (i) => [`      - {id: ${i}}`]);
    expect(extractRunLists(compact).lists.size).to.equal(1);
    expectSameAsParser(compact);
  });

  it('reads every scalar of the PyYAML corpus as the parser does, or leaves it to the parser', function () {
    // Two long lists through both readers for each of the corpus's scalars: seconds of CPU, more on a busy machine.
    this.timeout(90_000);
    for (const { input } of corpus.cases) {
      if (input.includes('\n')) continue;
      expectSameAsParser(configWith(FAST_RUNS_MIN, (i) => [`        - {v: ${input}, i: ${i}}`]));
      expectSameAsParser(configWith(FAST_RUNS_MIN, (i) => [`        - v: ${input}`, `          i: ${i}`]));
    }
  });

  it('leaves to the parser a list with a comment, an anchor, a tag, a nested value, an escape or a duplicate key', () => {
    const odd = [
      '        - {id: 1} # a comment',
      '        - &a {id: 1}',
      '        - {id: !!str 1}',
      '        - {id: [1, 2]}',
      '        - {id: "a\\"b"}',
      '        - {id: 1, id: 2}',
      '        - id:\n            nested: 1',
    ];
    for (const line of odd) {
      const text = configWith(FAST_RUNS_MIN, (i) => (i === 3 ? line.split('\n') : [`        - {id: ${i}}`]));
      expect(extractRunLists(text).lists.size, line).to.equal(0);
      expectSameAsParser(text);
    }
  });

  it('reports a duplicate key inside a long list as the parser does', () => {
    const text = configWith(FAST_RUNS_MIN, (i) => [i === 5 ? '        - {id: 5, id: 6}' : `        - {id: ${i}}`]);
    const read = parseYaml11(text, 'c.yml');
    expect(read.problems.map((p) => p.message)).to.deep.equal(['duplicate key "id" (first at line 12); remove one of them']);
  });

  it('leaves lists shorter than the threshold to the parser', () => {
    expect(extractRunLists(configWith(FAST_RUNS_MIN - 1, flow)).lists.size).to.equal(0);
  });

  it('reads the whole file the ordinary way when a runs: line is text inside a block scalar', () => {
    const text = ['notes: |', '  runs:', ...Array.from({ length: FAST_RUNS_MIN }, (_, i) => `  - {id: ${i}}`), 'other: 1', ''].join('\n');
    expect(extractRunLists(text).lists.size, 'the scan alone cannot tell').to.equal(1);
    const read = parseYaml11(text, 'c.yml');
    expect((read.value as { notes: string }).notes).to.equal(`runs:\n${Array.from({ length: FAST_RUNS_MIN }, (_, i) => `- {id: ${i}}`).join('\n')}\n`);
  });

  it('reports a YAML error elsewhere in the file from the file as written', () => {
    const text = configWith(100, flow, ['      bad: [unclosed']);
    expect(parseYaml11(text, 'c.yml').problems).to.deep.equal(parseYaml11(text, 'c.yml', { fastRunsMin: Infinity }).problems);
    expect(parseYaml11(text, 'c.yml').problems.length).to.be.greaterThan(0);
  });

  describe('agreeing with the parser on generated lists (property)', () => {
    // Scalars as written, in the forms configurations use and YAML 1.1 gives meaning to: those the lean path reads,
    // and those it must leave to the parser (a colon, a quote inside a quote, an escape, a character of YAML's own).
    const digits = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map(String);
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./+-]{0,7}$/);
    const READ_SCALARS: fc.Arbitrary<string> = fc.oneof(
      fc.integer().map(String),
      fc.tuple(fc.constantFrom('', '+', '-'), fc.nat()).map(([sign, n]) => `${sign}${n}`),
      fc.nat().map((n) => `0${n.toString(8)}`),
      fc.nat().map((n) => `0x${n.toString(16)}`),
      fc.nat().map((n) => `0b${n.toString(2)}`),
      fc.constantFrom('1_000', '1_0', '-1_234_567', '0_7', '0x_FF', '1__0', '_1', '1_'),
      fc.tuple(fc.integer({ min: -999, max: 999 }), digits(0, 9999)).map(([a, b]) => `${a}.${b}`),
      fc.tuple(digits(0, 99), digits(0, 99), fc.constantFrom('e', 'E'), fc.constantFrom('+', '-', ''), digits(0, 40)).map(([a, b, e, sign, x]) => `${a}.${b}${e}${sign}${x}`),
      fc.constantFrom('1e3', '.5', '1.', '-.5', '1_000.5', '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', 'inf', 'nan'),
      fc.constantFrom('yes', 'no', 'on', 'off', 'true', 'false', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'True', 'FALSE', 'On', 'OFF', 'oN', 'yES'),
      fc.constantFrom('~', 'null', 'Null', 'NULL', 'nULL'),
      fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.constantFrom('2020-1-1', '2020-01-1', '20-01-01'),
      word,
      fc.tuple(word, word).map(([a, b]) => `${a} ${b}`),
      fc.constantFrom('1.2.3', '1-2', '12e3', '0x', '+', '-', '.', '-x', '/abs/path', './rel', 'v1.0', '...', '---', '-.', '+.5', '.e1', '0.', '-0', '+0.0'),
      fc.stringMatching(/^[^'\n]{0,8}$/).map((text) => `'${text}'`),
      fc.stringMatching(/^[^"\\\n]{0,8}$/).map((text) => `"${text}"`),
      fc.constantFrom("''", '""', "'1'", '"0.5"', "'yes'", '"~"', '"a, b"', "'x: y'"),
    );
    const LEFT_SCALARS = fc.constantFrom(
      '2001-12-14t21:59:43.10-05:00',
      '2001-12-14 21:59:43.10 -5',
      '2002-12-14T00:00:00Z',
      '1:30',
      '-1:30',
      '190:20:30',
      '1:30.5',
      '1:75',
      'café',
      'a@b',
      'x:y',
      'x, y',
      'a #b',
      "'it''s'",
      '"a\\"b"',
      '"a\\nb"',
    );
    // Constructs the lean path must refuse, whatever follows.
    const REFUSED = fc.constantFrom('1 # a comment', '&anchor 1', '*anchor', '!!str 1', '[1, 2]', '{x: 1}', '|', '>', '@x', '`x`', '%x', 'a: b', '');
    const READ_KEYS = fc.oneof(
      fc.constantFrom('id', 'melt', 'name', 'on', 'yes', 'null', 'a.b', 'x-y', 'run_1', 'Melt.Rate-2', '_x', 'e1'),
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,6}$/),
    );
    const LEFT_KEYS = fc.constantFrom('1', '"q"', "'q'", 'a b', '~', '<<', '-x', 'k\u00e9');

    /** Pairs of one entry; with `mixed`, values and keys the lean path leaves to the parser come in too. */
    const pairsOf = (mixed: boolean, minLength: number): fc.Arbitrary<Array<[string, string]>> => {
      const values = mixed ? fc.oneof({ weight: 8, arbitrary: READ_SCALARS }, { weight: 2, arbitrary: LEFT_SCALARS }, { weight: 1, arbitrary: REFUSED }) : READ_SCALARS;
      const keys = mixed ? fc.oneof({ weight: 8, arbitrary: READ_KEYS }, { weight: 1, arbitrary: LEFT_KEYS }) : READ_KEYS;
      return fc.array(fc.tuple(keys, values), { minLength, maxLength: 4 });
    };
    const SPACING = fc.constantFrom(' ', '  ');

    /** One run entry: a one-line flow mapping, or a block mapping one key a line. */
    const entryOf = (mixed: boolean): fc.Arbitrary<Entry> =>
      fc.oneof(
        fc.record({ flow: fc.constant(true), pairs: pairsOf(mixed, 0), gap: SPACING, inner: fc.boolean() }),
        fc.record({ flow: fc.constant(false), pairs: pairsOf(mixed, 1), gap: SPACING, inner: fc.boolean() }),
      );
    type Entry = { flow: boolean; pairs: Array<[string, string]>; gap: string; inner: boolean };

    /** The lines of `entry` with its dash at `indent`; `inner` spaces a flow mapping's braces, or (with `blankInside`) breaks a block one. */
    function writeEntry(entry: Entry, indent: string, blankInside: boolean): string[] {
      const pairs = entry.pairs.map(([key, value]) => `${key}:${entry.gap}${value}`.trimEnd());
      if (entry.flow) return [`${indent}- ${entry.inner ? '{ ' : '{'}${pairs.join(entry.inner ? ',' : ', ')}${entry.inner ? ' }' : '}'}`];
      const [first = '', ...rest] = pairs;
      const lines = [`${indent}- ${first}`, ...rest.map((pair) => `${indent}  ${pair}`)];
      return blankInside && entry.inner && lines.length > 1 ? [lines[0] as string, '', ...lines.slice(1)] : lines;
    }

    /**
     * A configuration whose first batch lists a few generated entries among plain filler runs, FAST_RUNS_MIN or more in
     * all. Most are written as the lean path reads them; the others (`mixed`) bring in forms and layouts it must leave
     * to the parser: a blank line inside an entry, an entry out of line, a comment line, a tab, keys and values above.
     */
    const CONFIG = fc
      .oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 3, arbitrary: fc.constant(true) })
      .chain((mixed) =>
        fc.record({
          special: fc.array(fc.tuple(fc.nat(), entryOf(mixed)), { minLength: 1, maxLength: 6 }),
          count: fc.integer({ min: FAST_RUNS_MIN, max: FAST_RUNS_MIN + 8 }),
          indent: fc.constantFrom('      ', '        ', '          '),
          blanks: fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '   ')), { maxLength: 3 }),
          trailing: fc.constantFrom('', '', ' ', '   '),
          blankInside: fc.constant(mixed),
          odd: mixed
            ? fc.constantFrom('none', 'tab', 'comment line', 'comment at column 1', 'shifted entry', 'wide dash', 'dash alone', 'second batch')
            : fc.constantFrom('none', 'second batch', 'second long batch'),
          after: fc.constantFrom('      maxruns: 4', '    - name: c\n      basedir: y', ''),
          // Whether the file ends with a newline.
          last: fc.boolean(),
        }),
      )
      .map(({ special, count, indent, blanks, trailing, blankInside, odd, after, last }) => {
        const entries: Entry[] = Array.from({ length: count }, (_, i) => ({ flow: i % 3 !== 0, pairs: [['i', String(i)], ['melt', `0.${i}`]], gap: ' ', inner: false }));
        for (const [at, entry] of special) entries[at % count] = entry;
        const oddLines = (i: number): string[] => {
          if (i !== 7) return [];
          if (odd === 'comment line') return [`${indent}# a comment`];
          if (odd === 'comment at column 1') return ['# a comment'];
          if (odd === 'wide dash') return [`${indent}-   {i: 7}`];
          return odd === 'dash alone' ? [`${indent}-`, `${indent}  i: 7`] : [];
        };
        const lines = entries.flatMap((entry, i) => [
          ...blanks.filter(([at]) => at % count === i).map(([, blank]) => blank),
          ...writeEntry(entry, odd === 'shifted entry' && i === 5 ? `${indent} ` : indent, blankInside).map((line) => (line === '' ? line : `${line}${trailing}`)),
          ...oddLines(i),
        ]);
        const second = odd === 'second long batch' ? Array.from({ length: FAST_RUNS_MIN }, (_, i) => `        - {j: ${i}}`) : ['      - {i: 1}'];
        const tail = odd.startsWith('second') ? ['    - name: d', '      basedir: z', '      runs:', ...second] : [];
        const text = ['ensemble:', '  vars: {a: 1}', '  batches:', '    - name: b', '      basedir: x', `      runs:${trailing}`, ...lines, ...(after ? [after] : []), ...tail, ...(last ? [''] : [])].join('\n');
        return odd === 'tab' ? text.replace('vars: {a: 1}', 'vars: {a:\t1}') : text;
      });

    it('reads every generated list as the parser does, values, problems and places, and takes most of them itself', function () {
      this.timeout(60_000);
      let taken = 0;
      let left = 0;
      fc.assert(
        fc.property(CONFIG, (text) => {
          const parser = expectSameAsParser(text);
          if (extractRunLists(text).lists.size === 0) left++;
          else if (parser.problems.length === 0) taken++;
        }),
        { numRuns: 1000, seed: 20_260_521 },
      );
      // Not a vacuous pass: the lean path took the list of a sound file in this many cases, and left this many alone.
      expect(taken, 'lists the lean path took').to.be.at.least(450);
      expect(left, 'lists left to the parser').to.be.at.least(150);
    });
  });
});
