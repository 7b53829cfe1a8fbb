import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { loadEnsemble } from '../../../src/config/load.js';
import { tempDirs } from '../../helpers/tmp.js';
import { batch, ensemble, lines, rejection, writeConfig } from './fixtures.js';

// Every batch below is written by fixtures.ts's `batch`: its name on line 3, its keys from line 4 (basedir) to
// line 9 (maxjobs), so the sweep's first line is line 10, at column 7.
describe('config/sweep: refused sweeps', () => {
  const temp = tempDirs();
  let dir: string;
  beforeEach(async () => {
    dir = await temp.make('me-sweep-errors-');
  });
  afterEach(() => temp.cleanup());

  /** The messages of loading a one-batch configuration with these extra lines, which must be refused. */
  async function refused(...extra: string[]): Promise<string[]> {
    const file = await writeConfig(dir, ensemble([], batch('a', {}, ...extra)));
    const error = await rejection(loadEnsemble(file, { cwd: dir }));
    expect(error.code).to.equal('ERR_CONFIG_INVALID');
    return lines(error);
  }

  it('names the lengths of zipped lists that differ', async () => {
    expect(await refused('sweep: {zip: {seed: [1, 2, 3], tag: [a, b]}}')).to.deep.equal([
      'config.yaml:10:20 batches[0].sweep.zip: zipped lists must be equally long, and these are not: seed has 3, tag has 2',
    ]);
  });

  it('refuses an unknown generator, suggesting the one meant', async () => {
    expect(await refused('sweep:', '  matirx: {a: [1]}')).to.deep.equal(['config.yaml:11:9 batches[0].sweep.matirx: unknown key (did you mean "matrix"?)']);
  });

  it('refuses an unknown sample method and a misspelt range key, suggesting the word meant', async () => {
    expect(await refused('sweep:', '  sample: {method: sobel, n: 2, space: {x: [0, 1]}}', '  matrix: {a: {start: 0, stopp: 1}}')).to.deep.equal([
      'config.yaml:11:26 batches[0].sweep.sample.method: expected one of "random", "lhs", "sobol", got "sobel" (did you mean "sobol"?)',
      'config.yaml:12:32 batches[0].sweep.matrix.a.stopp: unknown key (did you mean "stop"?)',
    ]);
  });

  it('refuses a value that is neither a list nor a range', async () => {
    expect(await refused('sweep: {matrix: {a: 5}}')).to.deep.equal([
      'config.yaml:10:27 batches[0].sweep.matrix.a: expected a list of values or a range ({start, stop, step} or {linspace: [start, stop, num]}), got 5',
    ]);
  });

  it('names a missing CSV file at the key that names it, saying what its path is relative to', async () => {
    expect(await refused('sweep: {csv: params.csv}')).to.deep.equal([
      'config.yaml:10:20 batches[0].sweep.csv: csv file params.csv not found; the path is relative to the configuration file\'s folder',
    ]);
  });

  it('names a bad CSV row by file and line', async () => {
    await fs.writeFile(path.join(dir, 'params.csv'), 'seed,tag\n1,a\n2\n3,c,extra\n4,"open\n');
    expect(await refused('sweep: {csv: params.csv}')).to.deep.equal([
      'params.csv:3 batches[0].sweep.csv: row 2 has 1 field(s), the header names 2',
      'params.csv:4 batches[0].sweep.csv: row 3 has 3 field(s), the header names 2',
      'params.csv:5 batches[0].sweep.csv: a quoted field is not closed: a " is missing',
    ]);
  });

  it('refuses a CSV file without rows or with a header naming a column twice', async () => {
    await fs.writeFile(path.join(dir, 'params.csv'), 'seed,seed\n');
    expect(await refused('sweep: {csv: params.csv}')).to.deep.equal([
      'params.csv:1 batches[0].sweep.csv: the header names "seed" twice',
      'params.csv:1 batches[0].sweep.csv: the file has a header but no rows: each row after the header is one run',
    ]);
  });

  it('refuses a YAML sweep file that is not a list of mappings, at the entry\'s line', async () => {
    await fs.writeFile(path.join(dir, 'params.yaml'), '- {a: 1}\n- 5\n');
    expect(await refused('sweep: {yaml: params.yaml}')).to.deep.equal(['params.yaml:2:3 batches[0].sweep.yaml: expected a mapping of run values (alpha: 0.1), one per run']);
    await fs.writeFile(path.join(dir, 'params.yaml'), 'a: [1\n');
    expect((await refused('sweep: {yaml: params.yaml}'))[0]).to.match(/^params\.yaml:\d+:\d+ batches\[0\]\.sweep\.yaml: YAML syntax: /);
  });

  it('refuses a name given by two generators, naming the first', async () => {
    expect(await refused('sweep:', '  matrix: {a: [1, 2]}', '  zip: {a: [3, 4], b: [5, 6]}')).to.deep.equal([
      'config.yaml:12:15 batches[0].sweep.zip.a: "a" is also given at config.yaml:11:18 batches[0].sweep.matrix.a; each name comes from one generator of the sweep',
    ]);
  });

  it('refuses a sweep of more than 100,000 runs, naming the count and the way to allow it', async () => {
    expect(await refused('runs: [{a: 0}]', 'sweep: {matrix: {a: {stop: 1000}, b: {stop: 1000}}}')).to.deep.equal([
      'config.yaml:11:14 batches[0].sweep: the sweep makes 1,000,000 runs, more than the 100,000 a sweep may make; set max_runs: 1000001 in the batch if you mean it',
    ]);
  });

  it('refuses more runs than max_runs allows, listed and generated together, without making them', async () => {
    expect(await refused('max_runs: 3', 'runs: [{a: 0}]', 'sweep: {matrix: {a: {stop: 1000000000}, b: [1, 2]}}')).to.deep.equal([
      'config.yaml:10:17 batches[0].max_runs: the batch has 2,000,000,001 runs (1 listed, 2,000,000,000 from its sweep), more than max_runs allows (3); maxruns, not max_runs, says how many run at once',
    ]);
  });

  it('holds listed runs to max_runs too, and reports a missing file of batch_config\'s sweep once for all batches', async () => {
    expect(await refused('max_runs: 1', 'runs: [{a: 1}, {a: 2}]')).to.deep.equal([
      'config.yaml:10:17 batches[0].max_runs: the batch has 2 runs, more than max_runs allows (1); maxruns, not max_runs, says how many run at once',
    ]);
    const file = await writeConfig(dir, ensemble(['batch_config:', '  sweep: {csv: missing.csv}'], batch('a'), batch('b')));
    expect(lines(await rejection(loadEnsemble(file, { cwd: dir })))).to.deep.equal([
      'config.yaml:3:18 batch_config.sweep.csv: csv file missing.csv not found; the path is relative to the configuration file\'s folder',
    ]);
  });

  it('says why a range gives no values', async () => {
    expect(await refused('sweep: {matrix: {a: {start: 1, stop: 1}, b: {stop: 3, step: 0}, c: {linspace: [0, 1, 2], step: 1}}}')).to.deep.equal([
      'config.yaml:10:27 batches[0].sweep.matrix.a: this range has no values (start 1, stop 1, step 1; stop is excluded)',
      'config.yaml:10:51 batches[0].sweep.matrix.b: step must not be 0',
      'config.yaml:10:74 batches[0].sweep.matrix.c: write either {linspace: [start, stop, num]} or {start, stop, step}, not both',
    ]);
  });

  it('refuses a sample dimension whose low is not below its high, and sobol beyond 64 dimensions', async () => {
    expect(await refused('sweep: {sample: {method: random, n: 3, space: {x: [1, 0]}}}')).to.deep.equal([
      'config.yaml:10:57 batches[0].sweep.sample.space.x: expected [low, high] with low below high, got [1, 0]',
    ]);
    const space = Array.from({ length: 65 }, (_, i) => `x${i}: [0, 1]`).join(', ');
    expect(await refused(`sweep: {sample: {method: sobol, n: 3, space: {${space}}}}`)).to.deep.equal([
      'config.yaml:10:52 batches[0].sweep.sample.space: a sobol sample has at most 64 dimensions, this one 65; use lhs or random',
    ]);
  });

  it('refuses an empty matrix, an empty list and a name that is a whole number', async () => {
    expect(await refused('sweep: {matrix: {}}')).to.deep.equal(['config.yaml:10:23 batches[0].sweep.matrix: matrix names no lists: give it at least one (alpha: [0.1, 0.2])']);
    expect(await refused('sweep: {matrix: {a: []}}')).to.deep.equal(['config.yaml:10:27 batches[0].sweep.matrix.a: expected a list of at least one value, got an empty list']);
    expect(await refused('sweep: {matrix: {2: [1], 1: [2]}}')).to.deep.equal([
      'config.yaml:10:24 batches[0].sweep.matrix[2]: the name "2" is a whole number, which cannot keep its place in the order; give it a name with a letter',
      'config.yaml:10:32 batches[0].sweep.matrix[1]: the name "1" is a whole number, which cannot keep its place in the order; give it a name with a letter',
    ]);
  });

  it('reports sweep problems of every batch together with the other problems of the file', async () => {
    const file = await writeConfig(dir, ensemble([], batch('a', { templatedir: '../nowhere' }), batch('b', {}, 'sweep: {csv: missing.csv}')));
    const error = await rejection(loadEnsemble(file, { cwd: dir }));
    expect(lines(error)).to.deep.equal([
      'config.yaml:5:20 batches[0].templatedir: template directory nowhere does not exist; templatedir is relative to basedir (a)',
      'config.yaml:17:20 batches[1].sweep.csv: csv file missing.csv not found; the path is relative to the configuration file\'s folder',
    ]);
  });
});
