import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli, startCli } from '../helpers/cli.js';
import { JOB_TEMPLATE, listTree, writeFiles } from '../helpers/ensemble.js';
import { tempDirs, waitFor } from '../helpers/tmp.js';

const FAST = ['-ct', '0.05', '-rt', '0.2', '-et', '0.2'];

/** One batch `alpha` in ./runs with `tasks` (YAML lines at the batch's indentation) and `runs`. */
function config(tasks = '', runs = ['{value: 1}']): string {
  return `ensemble:
  batches:
    - name: alpha
      templatedir: ../tpl
      templates: [job.sh.j2]
      job_file: job.sh
      basedir: ./runs
      maxruns: 2
      maxjobs: 2
${tasks}      runs:
${runs.map((r) => `        - ${r}`).join('\n')}
`;
}

describe('faults the user can act on (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('refuses a move task without rsync on PATH before anything runs, naming rsync and the task', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config('      post_run:\n        - {name: move, args: {dest: ../archive}}\n'), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const empty = await tmp.make('me-empty-path-');
    const result = await runCli(dir, ['c.yaml', 'dummy'], { env: { PATH: empty } });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/c\.yaml:11:11 batches\[0\]\.post_run\[0\]: the move task copies with rsync, which is not on PATH/);
    expect(await listTree(dir)).to.deep.equal(['c.yaml', 'tpl/', 'tpl/job.sh.j2']);
  });

  it('refuses a shell that cannot be run (-l, or a task\'s own) before anything runs', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config("      pre_run:\n        - {name: execute, args: {cmd: 'true', shell: /no/such/zsh}}\n"), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const result = await runCli(dir, ['-l', '/no/such/shell', 'c.yaml', 'dummy']);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('the shell /no/such/shell (-l/--shell) cannot be run');
    expect(result.stderr).to.contain('the shell /no/such/zsh of this execute task cannot be run');
    expect(await listTree(dir)).to.deep.equal(['c.yaml', 'tpl/', 'tpl/job.sh.j2']);
  });

  it('says the ensemble is not running after its orchestrator was killed with -9', async () => {
    const dir = await tmp.make();
    const hold = JOB_TEMPLATE.replace('exit {{', 'for i in $(seq 400); do [ -f ../../go ] && break; sleep 0.05; done\nexit {{');
    await writeFiles(dir, { 'c.yaml': config(), 'tpl/job.sh.j2': hold });
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST]);
    await waitFor(async () => (await fs.readFile(path.join(dir, 'runs/alpha-0/starts.txt'), 'utf8').catch(() => '')) !== '', 20_000, 'the job to start');
    const running = await runCli(dir, ['status', 'c.yaml']);
    expect(running.stdout).to.contain(`running now: pid ${first.child.pid ?? ''} on `);
    first.child.kill('SIGKILL');
    await first.done;
    const status = await runCli(dir, ['status', 'c.yaml']);
    expect(status.stdout).to.contain('(not running;');
    expect(JSON.parse((await runCli(dir, ['status', '--json', 'c.yaml'])).stdout)).to.include({ runningBy: null });
    await fs.writeFile(path.join(dir, 'go'), '');
  });
});
