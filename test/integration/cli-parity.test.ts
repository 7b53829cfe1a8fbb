import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { JOB_TEMPLATE, listTree, writeFiles } from '../helpers/ensemble.js';
import { tempDirs } from '../helpers/tmp.js';

const FAST = ['-ct', '0.05', '-rt', '0.2', '-et', '0.2'];

/** One batch `alpha` in ./runs with `tasks` (YAML lines at the batch's indentation) and two runs. */
function config(tasks: string): string {
  return `ensemble:
  vars: {archive: ./archive}
  batches:
    - name: alpha
      templatedir: ../tpl
      templates: [job.sh.j2]
      job_file: job.sh
      basedir: ./runs
      maxruns: 2
      maxjobs: 2
${tasks}      runs:
        - {value: 1}
        - {value: 2}
`;
}

describe('task paths and choices as model-ensembler makes them (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('removes a relative directory of a post_run remove from the basedir, where model-ensembler runs its tasks', async () => {
    const dir = await tmp.make();
    const tasks = `      pre_run:\n        - {name: execute, args: {cmd: 'mkdir -p scratch'}}\n      post_run:\n        - {name: remove, args: {directory: scratch}}\n`;
    await writeFiles(dir, { 'c.yaml': config(tasks), 'tpl/job.sh.j2': JOB_TEMPLATE, 'runs/scratch/old.dat': 'x' });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await fs.readdir(path.join(dir, 'runs'))).to.have.members(['alpha-0', 'alpha-1']);
    for (const run of ['alpha-0', 'alpha-1']) expect(await listTree(path.join(dir, 'runs', run))).to.include('scratch/');
  });

  it('refuses a remove without a directory in a batch task before it deletes anything', async () => {
    const dir = await tmp.make();
    const tasks = `      post_batch:\n        - {name: remove}\n`;
    await writeFiles(dir, { 'c.yaml': config(tasks), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain('post_batch failed: remove: name the directory to remove');
    expect(await fs.readdir(path.join(dir, 'runs'))).to.have.members(['alpha-0', 'alpha-1']);
  });

  it('moves a run into a dest relative to its run directory, and resolves run. arguments in batch tasks', async () => {
    const dir = await tmp.make();
    const tasks = `      post_run:\n        - {name: move, args: {dest: ../../archive}}\n      post_batch:\n        - {name: execute, args: {cmd: run.check}}\n`;
    const vars = "vars: {archive: ./archive, check: 'test -d ../archive/alpha-1'}";
    await writeFiles(dir, { 'c.yaml': config(tasks).replace('vars: {archive: ./archive}', vars), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await fs.readdir(path.join(dir, 'archive'))).to.have.members(['alpha-0', 'alpha-1']);
    expect(await listTree(path.join(dir, 'archive', 'alpha-0'))).to.include('output.txt');
  });

  it('refuses -x for the values it sets itself, with exit 2', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config(''), 'tpl/job.sh.j2': JOB_TEMPLATE });
    for (const name of ['id', 'dir', 'attempt']) {
      const result = await runCli(dir, ['c.yaml', 'dummy', '-x', `${name}=x`]);
      expect(result.code, name).to.equal(2);
      expect(result.stderr).to.contain(`-x/--extra-vars: ${name} is set by model_ensemble for each run`);
    }
    expect(await fs.readdir(dir)).to.have.members(['c.yaml', 'tpl']);
  });
});
