import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'chai';
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

/** Every place the reader records for the runs of the first batch, as `where` gives them. */
function runPlaces(read: YamlRead): unknown[] {
  const base: PathSegment[] = ['ensemble', 'batches', 0, 'runs'];
  const runs = ((read.value as { ensemble?: { batches?: Array<{ runs?: unknown }> } } | undefined)?.ensemble?.batches?.[0]?.runs ?? []) as Array<Record<string, unknown>>;
  const places: unknown[] = [read.positions.where(base, 'key'), read.positions.where(base), read.positions.where(['ensemble', 'batches', 0, 'maxruns'], 'key')];
  runs.forEach((run, i) => {
    places.push(read.positions.where([...base, i]));
    for (const key of Object.keys(run ?? {})) places.push(read.positions.where([...base, i, key], 'key'), read.positions.where([...base, i, key]));
  });
  return places;
}

/** Asserts the lean path and the YAML parser read `text` alike: values, problems and places. */
function expectSameAsParser(text: string): void {
  const lean = parseYaml11(text, 'c.yml');
  const parser = parseYaml11(text, 'c.yml', { fastRunsMin: Infinity });
  expect(isDeepStrictEqual(lean.value, parser.value), 'the same values').to.equal(true);
  expect(lean.problems).to.deep.equal(parser.problems);
  expect(runPlaces(lean)).to.deep.equal(runPlaces(parser));
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

  it('reads every scalar of the PyYAML corpus as the parser does, or leaves it to the parser', () => {
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
});
