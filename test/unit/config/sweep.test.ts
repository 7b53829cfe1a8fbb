import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { loadEnsemble } from '../../../src/config/load.js';
import type { Batch } from '../../../src/config/types.js';
import { PyDate, PyFloat } from '../../../src/config/values.js';
import { tempDirs } from '../../helpers/tmp.js';
import { batch, ensemble, FIXTURES, writeConfig } from './fixtures.js';

/** Each run's values as `key=value` words, values printed as templates print them. */
const shown = (b: Batch | undefined): string[] => (b?.runs ?? []).map((run) => Object.entries(run.values).map(([k, v]) => `${k}=${String(v)}`).join(' '));

describe('config/sweep', () => {
  const temp = tempDirs();
  let dir: string;
  beforeEach(async () => {
    dir = await temp.make('me-sweep-');
    await fs.cp(path.join(FIXTURES, 'sweeps'), dir, { recursive: true });
  });
  afterEach(() => temp.cleanup());

  /** The batch `study` of a configuration with these extra lines (at the batch's key indentation). */
  async function study(...extra: string[]): Promise<Batch | undefined> {
    const file = await writeConfig(dir, ensemble(['vars: {who: me}'], batch('study', {}, ...extra)));
    return (await loadEnsemble(file, { cwd: dir })).batches[0];
  }

  it('makes a matrix\'s cartesian product, keys in file order, the last fastest', async () => {
    const b = await study('sweep:', '  matrix:', '    alpha: [0.1, 0.2]', '    beta: [1, 2, 3]');
    expect(shown(b)).to.deep.equal(['alpha=0.1 beta=1', 'alpha=0.1 beta=2', 'alpha=0.1 beta=3', 'alpha=0.2 beta=1', 'alpha=0.2 beta=2', 'alpha=0.2 beta=3']);
    expect(b?.sweepCount).to.equal(6);
  });

  it('numbers generated runs on after the listed ones, as ordinary runs with ids, directories and idx', async () => {
    const b = await study('runs:', '  - {alpha: 9}', 'sweep: {matrix: {alpha: [1, 2]}}');
    expect(b?.runs.map((run) => [run.id, run.idx, run.dir, run.batch])).to.deep.equal([
      ['study-0', 0, path.join(dir, 'study', 'study-0'), 'study'],
      ['study-1', 1, path.join(dir, 'study', 'study-1'), 'study'],
      ['study-2', 2, path.join(dir, 'study', 'study-2'), 'study'],
    ]);
    expect(shown(b)).to.deep.equal(['alpha=9', 'alpha=1', 'alpha=2']);
    expect(b?.sweepCount).to.equal(2);
  });

  it('keeps the values\' YAML types: floats print as Python prints them, dates as dates', async () => {
    const b = await study('sweep: {matrix: {x: [1.0, 2020-01-01, yes, ~, "1.0"]}}');
    expect(b?.runs.map((run) => run.values.x)).to.deep.equal([new PyFloat(1), new PyDate({ year: 2020, month: 1, day: 1 }), true, null, '1.0']);
    expect(shown(b)).to.deep.equal(['x=1.0', 'x=2020-01-01', 'x=true', 'x=null', 'x=1.0']);
  });

  it('takes zipped lists side by side', async () => {
    const b = await study('sweep: {zip: {seed: [1, 2, 3], tag: [a, b, c]}}');
    expect(shown(b)).to.deep.equal(['seed=1 tag=a', 'seed=2 tag=b', 'seed=3 tag=c']);
  });

  it('crosses a matrix with zipped pairs, and several zip groups with each other, in the order written', async () => {
    const crossed = await study('sweep: {matrix: {a: [1, 2]}, zip: {seed: [1, 2], tag: [x, y]}}');
    expect(shown(crossed)).to.deep.equal(['a=1 seed=1 tag=x', 'a=1 seed=2 tag=y', 'a=2 seed=1 tag=x', 'a=2 seed=2 tag=y']);
    const zipFirst = await study('sweep: {zip: [{p: [1, 2], q: [3, 4]}, {r: [5, 6]}], matrix: {s: [7]}}');
    expect(shown(zipFirst)).to.deep.equal(['p=1 q=3 r=5 s=7', 'p=1 q=3 r=6 s=7', 'p=2 q=4 r=5 s=7', 'p=2 q=4 r=6 s=7']);
  });

  it('expands ranges in a matrix or a zip', async () => {
    const b = await study('sweep:', '  matrix: {k: {start: 1, stop: 3}}', '  zip: {melt: {linspace: [0, 1, 3]}, step: {start: 0, stop: 1, step: 0.4}}');
    expect(shown(b)).to.deep.equal(['k=1 melt=0.0 step=0.0', 'k=1 melt=0.5 step=0.4', 'k=1 melt=1.0 step=0.8', 'k=2 melt=0.0 step=0.0', 'k=2 melt=0.5 step=0.4', 'k=2 melt=1.0 step=0.8']);
  });

  it('makes one run per CSV row, reading fields as YAML 1.1 scalars and quoted fields as text', async () => {
    const b = await study('sweep: {csv: params.csv}');
    expect(shown(b)).to.deep.equal([
      'seed=1 tag=a scale=1.0 on=true when=2020-01-01',
      'seed=2 tag=b, c scale=null on=yes when=840',
      'seed=3 tag=say "x" scale=1e3 on=false when=00:20:00',
    ]);
    expect(b?.runs[0]?.values.scale).to.be.instanceOf(PyFloat);
  });

  it('makes one run per entry of a YAML list, its path relative to the configuration file', async () => {
    await fs.mkdir(path.join(dir, 'conf'));
    await fs.rename(path.join(dir, 'params.yaml'), path.join(dir, 'conf', 'params.yaml'));
    // basedir is relative to the working directory, the sweep's file to the configuration file.
    await fs.writeFile(path.join(dir, 'conf', 'config.yaml'), ensemble([], batch('study', {}, 'sweep: {yaml: params.yaml}')));
    const [b] = (await loadEnsemble('conf/config.yaml', { cwd: dir })).batches;
    expect(shown(b)).to.deep.equal(['forcing=era5 members=3', 'forcing=cmip6 members=2 scale=1.0']);
  });

  it('crosses a file\'s rows and a sample with a matrix when given together', async () => {
    const b = await study('sweep:', '  yaml: params.yaml', '  matrix: {rep: [1, 2]}', '  sample: {method: sobol, n: 2, space: {x: [0, 4]}}');
    expect(shown(b)).to.deep.equal([
      'forcing=era5 members=3 rep=1 x=2.0',
      'forcing=era5 members=3 rep=1 x=3.0',
      'forcing=era5 members=3 rep=2 x=2.0',
      'forcing=era5 members=3 rep=2 x=3.0',
      'forcing=cmip6 members=2 scale=1.0 rep=1 x=2.0',
      'forcing=cmip6 members=2 scale=1.0 rep=1 x=3.0',
      'forcing=cmip6 members=2 scale=1.0 rep=2 x=2.0',
      'forcing=cmip6 members=2 scale=1.0 rep=2 x=3.0',
    ]);
  });

  it('draws a sample\'s points, the same on every load', async () => {
    const lines = ['sweep: {sample: {method: lhs, n: 4, seed: 7, space: {x: [-32.768, 32.768], y: [-5, 5]}}}'];
    const first = shown(await study(...lines));
    expect(first).to.have.length(4);
    expect(shown(await study(...lines))).to.deep.equal(first);
  });

  it('gives every batch the sweep of batch_config, each batch its own runs', async () => {
    const head = ['batch_config:', '  sweep: {matrix: {m: [1, 2]}}'];
    const file = await writeConfig(dir, ensemble(head, batch('a'), batch('b', {}, 'runs: [{m: 0}]')));
    const loaded = await loadEnsemble(file, { cwd: dir });
    expect(loaded.batches.map((b) => b.runs.map((run) => `${run.id}:${String(run.values.m)}`))).to.deep.equal([
      ['a-0:1', 'a-1:2'],
      ['b-0:0', 'b-1:1', 'b-2:2'],
    ]);
  });

  it('leaves a batch without a sweep exactly as it was', async () => {
    const b = await study('runs:', '  - {custom_id: 1}', '  - {custom_id: 2}');
    expect(b?.runs).to.deep.equal([
      { id: 'study-0', batch: 'study', dir: path.join(dir, 'study', 'study-0'), idx: 0, values: { custom_id: 1 } },
      { id: 'study-1', batch: 'study', dir: path.join(dir, 'study', 'study-1'), idx: 1, values: { custom_id: 2 } },
    ]);
    expect(b?.sweepCount).to.equal(0);
  });

  it('allows more than 100,000 runs when max_runs says so', async () => {
    const b = await study('max_runs: 120000', 'sweep: {matrix: {a: {stop: 400}, b: {stop: 300}}}');
    expect(b?.sweepCount).to.equal(120_000);
    expect(b?.runs.at(-1)?.values).to.deep.equal({ a: 399, b: 299 });
  });

  it('expands a matrix of 100,000 runs in well under a second, keeping little memory per run', async function () {
    this.timeout(20_000);
    const lines = ['sweep: {matrix: {alpha: {start: 0, stop: 1, step: 0.01}, beta: {linspace: [0, 1, 1000]}}}'];
    await study(...lines);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    // CPU time, which other processes on a busy machine do not inflate as they do the wall clock.
    const started = process.cpuUsage();
    const b = await study(...lines);
    const used = process.cpuUsage(started);
    expect(b?.runs).to.have.length(100_000);
    expect(String(b?.runs[12_345]?.values.alpha)).to.equal('0.12');
    // About 0.1-0.2 s, reading and checking the file included; the bound leaves room for a slow machine.
    expect((used.user + used.system) / 1000).to.be.below(1_000);
    global.gc?.();
    expect(process.memoryUsage().heapUsed - before).to.be.below(100 * 1024 * 1024);
  });

  it('loads the README\'s 4 x 6 study with its labels', async () => {
    const [b] = (await loadEnsemble('study.yaml', { cwd: dir })).batches;
    expect(b?.runs).to.have.length(24);
    expect(b?.runs.slice(0, 7).map((run) => run.id)).to.deep.equal(['study-melt0.5-k1', 'study-melt0.5-k2', 'study-melt0.5-k3', 'study-melt0.5-k4', 'study-melt0.5-k5', 'study-melt0.5-k6', 'study-melt1.0-k1']);
    expect(b?.runs.at(-1)?.dir).to.equal(path.join(dir, 'runs', 'study-melt2.0-k6'));
  });
});
