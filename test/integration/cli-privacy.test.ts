import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT, runCli, startCli } from '../helpers/cli.js';
import { JOB_TEMPLATE, writeFiles } from '../helpers/ensemble.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const FAST = ['-ct', '0.05', '-rt', '0.2', '-et', '0.2'];
const BIN = path.join(ROOT, 'dist/bin/model_ensemble.js');
/** A user id that is not this process's: the tests run as root, as CI does. */
const NOBODY = 65534;

/** One batch `alpha` in ./runs with `tasks` and `runs`. */
function config(tasks = '', runs = ['{value: 1}', '{value: 2}']): string {
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

/** Every path under `dir` with its permission bits. */
async function modes(dir: string): Promise<Array<[string, number, boolean]>> {
  const out: Array<[string, number, boolean]> = [];
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const stat = await fs.lstat(file);
    if (!stat.isSymbolicLink()) out.push([path.relative(dir, file), stat.mode & 0o777, stat.isDirectory()]);
  }
  return out;
}

describe('only the owner commands an ensemble (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('refuses a state directory others can write, or another user owns, saying what to change', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config(), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const state = path.join(dir, '.model_ensemble/c');
    await fs.mkdir(state, { recursive: true });
    await fs.chmod(state, 0o775);
    const shared = await runCli(dir, ['c.yaml', 'dummy']);
    expect(shared.code).to.equal(2);
    expect(shared.stderr).to.contain(`${state} can be written by its group (mode 775)`);
    expect(shared.stderr).to.contain(`chmod 700 ${state}`);
    await fs.chmod(state, 0o700);
    await fs.chown(state, NOBODY, NOBODY);
    const foreign = await runCli(dir, ['c.yaml', 'dummy']);
    expect(foreign.code).to.equal(2);
    expect(foreign.stderr).to.contain(`${state} belongs to user ${NOBODY}, not to you`);
    expect(await fs.readdir(state)).to.deep.equal([]);
  });

  it('leaves a request another user wrote where it is, says so once, and status reports it', async () => {
    const dir = await tmp.make();
    const hold = JOB_TEMPLATE.replace('exit {{', 'for i in $(seq 600); do [ -f ../../go ] && break; sleep 0.05; done\nexit {{');
    await writeFiles(dir, { 'c.yaml': config(), 'tpl/job.sh.j2': hold });
    const running = startCli(dir, ['c.yaml', 'dummy', ...FAST]);
    await waitFor(async () => (await fs.readFile(path.join(dir, 'runs/alpha-1/starts.txt'), 'utf8').catch(() => '')) !== '', 20_000, 'the jobs to start');
    const requests = path.join(dir, '.model_ensemble/c/requests');
    await fs.mkdir(requests, { recursive: true });
    const planted = path.join(requests, '0-planted.json');
    await fs.writeFile(planted, JSON.stringify({ action: 'cancel', runs: [] }));
    await fs.chown(planted, NOBODY, NOBODY);
    await fs.symlink(planted, path.join(requests, '1-link.json'));
    await waitFor(async () => (await fs.readFile(path.join(dir, 'logs/c.yaml.log'), 'utf8')).includes('1-link.json is not applied'), 10_000, 'the refusal in the log');
    const status = await runCli(dir, ['status', 'c.yaml']);
    expect(status.stderr).to.contain(`request ${planted} is not applied: it belongs to user ${NOBODY}`);
    expect(status.stderr).to.contain('1-link.json is not applied: it is a symbolic link');
    await fs.writeFile(path.join(dir, 'go'), '');
    const result = await running.done;
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('alpha: 2 succeeded\n');
    expect(result.stderr.match(/0-planted\.json is not applied/g)).to.have.length(1);
    expect(await fs.readdir(requests)).to.have.members(['0-planted.json', '1-link.json']);
  });

  it('creates no file others can write, and keeps its state private, even under umask 000', async () => {
    const dir = await tmp.make();
    const tasks = `      pre_run:\n        - {name: execute, args: {cmd: 'true', log: true}}\n      post_run:\n        - {name: execute, args: {cmd: 'echo done'}}\n`;
    await writeFiles(dir, { 'c.yaml': config(tasks), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const code = await new Promise<number>((resolve) => {
      execFile('/bin/bash', ['-c', `umask 000; exec node ${BIN} c.yaml dummy ${FAST.join(' ')}`], { cwd: dir }, (error) => resolve(error ? 1 : 0));
    });
    expect(code).to.equal(0);
    // What the job itself writes (starts.txt, output.txt) is the user's, under the user's umask.
    const ours = (await modes(dir)).filter(([file]) => !/(^|\/)(starts|output)\.txt$/.test(file));
    const state = ours.filter(([file]) => file.startsWith('.model_ensemble'));
    expect(state.length).to.be.above(2);
    for (const [file, mode, isDir] of state) expect(mode, file).to.equal(isDir ? 0o700 : 0o600);
    const writable = ours.filter(([, mode]) => (mode & 0o022) !== 0).map(([file, mode]) => `${file} ${mode.toString(8)}`);
    expect(writable).to.deep.equal([]);
    expect(ours.map(([file]) => file)).to.include.members(['logs/c.yaml.log', 'runs/alpha-0/.model_ensemble/tasks.log', 'runs/alpha-0/.model_ensemble/exit-1', 'runs/alpha-0/.model_ensemble/started-1', 'runs/alpha-0/.model_ensemble/job-1.out']);
  });
});
