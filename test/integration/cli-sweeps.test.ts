import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { drawSample } from '../../src/config/sample.js';
import { FAST_TIMEOUTS, runCli } from '../helpers/cli.js';
import { listTree, writeFiles } from '../helpers/ensemble.js';
import { buildEnsembleYaml, fromLines } from '../helpers/ensemble-yaml.js';
import { readRunEntries, readState } from '../helpers/journal.js';
import { tempDirs } from '../helpers/tmp.js';

/** The job: records each start, and writes the values it was rendered with into params.txt. */
const JOB = `#!/bin/bash
echo "start {{ run.attempt }}" >> starts.txt
`;
const PARAMS = '{% for key in run.shown %}{{ key }}={{ run[key] }} {% endfor %}id={{ run.id }} idx={{ run.idx }}';

/** A one-batch ensemble `c.yaml` whose batch `study` has these extra keys (YAML lines, fromLines); params.txt prints `keys`. */
function ensemble(keys: readonly string[], extra: readonly string[], files: Record<string, string> = {}): Record<string, string> {
  const study = { name: 'study', basedir: './runs', templatedir: '../tpl', templates: ['job.sh.j2', 'params.txt.j2'], job_file: 'job.sh', maxruns: 4, maxjobs: 4, ...fromLines(...extra) };
  return {
    'c.yaml': buildEnsembleYaml({ vars: { shown: [...keys] }, batches: [study] }),
    'tpl/job.sh.j2': JOB,
    'tpl/params.txt.j2': PARAMS,
    ...files,
  };
}

/** Each run directory's params.txt, by directory name. */
async function params(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs.readdir(path.join(dir, 'runs'))).sort()) out[name] = await fs.readFile(path.join(dir, 'runs', name, 'params.txt'), 'utf8');
  return out;
}

/** How often each run's job started, by directory name. */
async function starts(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of (await fs.readdir(path.join(dir, 'runs'))).sort()) {
    const text = await fs.readFile(path.join(dir, 'runs', name, 'starts.txt'), 'utf8').catch(() => '');
    out[name] = text.split('\n').filter((line) => line !== '').length;
  }
  return out;
}

describe('sweeps and labels (local executor, CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('runs a labelled matrix: one directory per combination, named by its values, its inputs rendered', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, ensemble(['alpha', 'beta'], ['label: "a{{ alpha }}-b{{ beta }}"', 'sweep:', '  matrix:', '    alpha: [0.1, 1.0]', '    beta: {start: 1, stop: 3}']));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('study: 4 succeeded\n');
    expect(await params(dir)).to.deep.equal({
      'study-a0.1-b1': 'alpha=0.1 beta=1 id=study-a0.1-b1 idx=0',
      'study-a0.1-b2': 'alpha=0.1 beta=2 id=study-a0.1-b2 idx=1',
      'study-a1.0-b1': 'alpha=1.0 beta=1 id=study-a1.0-b1 idx=2',
      'study-a1.0-b2': 'alpha=1.0 beta=2 id=study-a1.0-b2 idx=3',
    });
    expect(await fs.readFile(path.join(dir, 'logs', 'c.yaml.log'), 'utf8')).to.include('batch study: 4 runs (all from its sweep), at most 4 at once');
  });

  it('runs the listed runs first, then zipped lists side by side, idx continuing', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, ensemble(['seed', 'tag'], ['runs:', '  - {seed: 0, tag: first}', 'sweep: {zip: {seed: [1, 2], tag: [x, y]}}']));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await params(dir)).to.deep.equal({
      'study-0': 'seed=0 tag=first id=study-0 idx=0',
      'study-1': 'seed=1 tag=x id=study-1 idx=1',
      'study-2': 'seed=2 tag=y id=study-2 idx=2',
    });
  });

  it('runs one run per CSV row and per YAML entry, values read as PyYAML reads them', async () => {
    const dir = await tmp.make();
    const files = { 'params.csv': 'melt,on,when\n1.0,yes,2020-01-01\n"2",no,14:00\n', 'more.yaml': '- {rep: 1}\n- {rep: 2.0}\n' };
    await writeFiles(dir, ensemble(['melt', 'on', 'when', 'rep'], ['label: "m{{ melt }}-r{{ rep }}"', 'sweep: {csv: params.csv, yaml: more.yaml}'], files));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await params(dir)).to.deep.equal({
      'study-m1.0-r1': 'melt=1.0 on=True when=2020-01-01 rep=1 id=study-m1.0-r1 idx=0',
      'study-m1.0-r2.0': 'melt=1.0 on=True when=2020-01-01 rep=2.0 id=study-m1.0-r2.0 idx=1',
      'study-m2-r1': 'melt=2 on=False when=840 rep=1 id=study-m2-r1 idx=2',
      'study-m2-r2.0': 'melt=2 on=False when=840 rep=2.0 id=study-m2-r2.0 idx=3',
    });
  });

  for (const method of ['random', 'lhs', 'sobol'] as const) {
    it(`renders a seeded ${method} sample with the points this process draws for the same seed`, async () => {
      const dir = await tmp.make();
      await writeFiles(dir, ensemble(['x', 'y'], [`sweep: {sample: {method: ${method}, n: 5, seed: 7, space: {x: [-32.768, 32.768], y: [-5, 5]}}}`]));
      const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
      expect(result.code, result.stderr).to.equal(0);
      const points = drawSample({ method, n: 5, seed: 7, space: { x: [-32.768, 32.768], y: [-5, 5] } });
      const shown = (point: (typeof points)[number]): string => point.map(([key, value]) => `${key}=${String(value)}`).join(' ');
      const expected = Object.fromEntries(points.map((point, i) => [`study-${i}`, `${shown(point)} id=study-${i} idx=${i}`]));
      expect(await params(dir)).to.deep.equal(expected);
    });
  }

  it('expands the same runs on a second start, and runs none of them again', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, ensemble(['x'], ['label: "x{{ x }}"', 'sweep: {sample: {method: lhs, n: 6, seed: 3, space: {x: [0, 1]}}}']));
    const first = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(first.code, first.stderr).to.equal(0);
    const tree = await listTree(path.join(dir, 'runs'));
    const inputs = await params(dir);
    const ids = [...(await readState(dir)).runs.keys()].sort();
    expect(ids).to.have.length(6);
    const second = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.equal('study: 6 succeeded\n');
    expect([...(await readState(dir)).runs.keys()].sort()).to.deep.equal(ids);
    expect(await listTree(path.join(dir, 'runs'))).to.deep.equal(tree);
    expect(await params(dir)).to.deep.equal(inputs);
    expect(Object.values(await starts(dir))).to.deep.equal([1, 1, 1, 1, 1, 1]);
  });

  it('refuses a changed sweep that renumbers runs, naming them; rerun or a label settles it', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, ensemble(['a'], ['sweep: {matrix: {a: [1, 2, 3]}}']));
    expect((await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS])).code).to.equal(0);
    const before = await listTree(dir);
    // A value inserted into the matrix: study-1 and study-2 now stand for other points, and study-3 is new.
    await writeFiles(dir, ensemble(['a'], ['sweep: {matrix: {a: [1, 1.5, 2, 3]}}']));
    const refused = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('2 run(s) were prepared with other parameters than the configuration gives them now');
    expect(refused.stderr).to.contain('study-1: was {"a":2}, now {"a":1.5}');
    expect(refused.stderr).to.contain('study-2: was {"a":3}, now {"a":2}');
    expect(refused.stderr).to.contain('model_ensemble rerun c.yaml --runs study-1,study-2');
    expect((await listTree(dir)).filter((f) => !f.startsWith('logs/') && !f.startsWith('.model_ensemble/'))).to.deep.equal(before.filter((f) => !f.startsWith('logs/') && !f.startsWith('.model_ensemble/')));
    expect(await starts(dir)).to.deep.equal({ 'study-0': 1, 'study-1': 1, 'study-2': 1 });

    expect((await runCli(dir, ['rerun', 'c.yaml', '--runs', 'study-1,study-2'])).code).to.equal(0);
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await starts(dir)).to.deep.equal({ 'study-0': 1, 'study-1': 2, 'study-2': 2, 'study-3': 1 });
    expect((await params(dir))['study-1']).to.equal('a=1.5 id=study-1 idx=1');

    // Named by their values, the same change only adds the new point.
    const labelled = await tmp.make();
    await writeFiles(labelled, ensemble(['a'], ['label: "a{{ a }}"', 'sweep: {matrix: {a: [1, 2, 3]}}']));
    expect((await runCli(labelled, ['c.yaml', 'dummy', ...FAST_TIMEOUTS])).code).to.equal(0);
    await writeFiles(labelled, ensemble(['a'], ['label: "a{{ a }}"', 'sweep: {matrix: {a: [1, 1.5, 2, 3]}}']));
    const added = await runCli(labelled, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(added.code, added.stderr).to.equal(0);
    expect(await starts(labelled)).to.deep.equal({ 'study-a1': 1, 'study-a1.5': 1, 'study-a2': 1, 'study-a3': 1 });
  });

  for (const state of ['preparing', 'queued', 'post_run']) {
    it(`after a kill -9 right after a labelled run is ${state}, the next start finishes the same runs, each job once`, async () => {
      const dir = await tmp.make();
      await writeFiles(dir, ensemble(['a', 'b'], ['label: "a{{ a }}-b{{ b }}"', 'post_run:', "  - {name: execute, args: {cmd: 'echo post >> post.txt'}}", 'sweep: {matrix: {a: {linspace: [0, 1, 3]}, b: [p, q]}}']));
      const crashed = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS], { env: { MODEL_ENSEMBLE_CRASH_AFTER: `${state}:study-a0.5-bq` } });
      expect(crashed.code, crashed.stderr).to.not.equal(0);
      const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.equal('study: 6 succeeded\n');
      const names = ['study-a0.0-bp', 'study-a0.0-bq', 'study-a0.5-bp', 'study-a0.5-bq', 'study-a1.0-bp', 'study-a1.0-bq'];
      expect(await starts(dir)).to.deep.equal(Object.fromEntries(names.map((name) => [name, 1])));
      expect(Object.keys(await params(dir))).to.deep.equal(names);
      expect(new Set((await readRunEntries(dir)).map((entry) => entry.run))).to.deep.equal(new Set(names));
    });
  }

  it('refuses a sweep whose labels clash with exit 2, writing nothing', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, ensemble(['a'], ['label: "same"', 'sweep: {matrix: {a: [1, 2]}}']));
    const before = await listTree(dir);
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('c.yaml:11:14 batches[0].label: the label renders "same" for both the sweep\'s run 0 (a: 1) and the sweep\'s run 1 (a: 2)');
    expect(await listTree(dir)).to.deep.equal(before);
  });

  it('refuses a sweep of more than 100,000 runs with exit 2, naming the count, before making any', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, ensemble(['a'], ['sweep: {matrix: {a: {stop: 100000000}, b: {stop: 100000000}}}']));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('the sweep makes 10,000,000,000,000,000 runs, more than the 100,000 a sweep may make');
  });
});
