import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli, startCli } from '../helpers/cli.js';
import { JOB_TEMPLATE, listTree, writeFiles } from '../helpers/ensemble.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

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

  it('forks the processes itself, and says so, when the process helper starts but never answers', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config('', ['{value: 1}', '{value: 2}']), 'tpl/job.sh.j2': JOB_TEMPLATE, 'silent-perl+x': '#!/bin/bash\nexec sleep 60\n' });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST], { env: { MODEL_ENSEMBLE_PERL: path.join(dir, 'silent-perl') } });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.contain(`the process helper (${path.join(dir, 'silent-perl')}) did not answer within 5 s; processes are forked instead`);
    expect(result.stdout).to.equal('alpha: 2 succeeded\n');
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

describe('no writes through symbolic links (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  /** An ensemble whose template directory holds `links` (name → target), rendering `templates`. */
  async function linked(dir: string, templates: string[], links: Record<string, string>, files: Record<string, string>): Promise<void> {
    const yaml = config().replace('templates: [job.sh.j2]', `templates: [${['job.sh.j2', ...templates].join(', ')}]`);
    await writeFiles(dir, { 'c.yaml': yaml, 'tpl/job.sh.j2': JOB_TEMPLATE, ...files });
    for (const [name, target] of Object.entries(links)) await fs.symlink(target, path.join(dir, 'tpl', name));
  }

  it('replaces a link where a template renders with the rendered file, and leaves what it pointed to alone', async () => {
    const dir = await tmp.make();
    const outside = await tmp.make('me-outside-');
    await fs.writeFile(path.join(outside, 'x'), 'precious\n');
    await linked(dir, ['out.txt.j2'], { 'out.txt': path.join(outside, 'x') }, { 'tpl/out.txt.j2': 'run {{ run.id }}\n' });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await fs.readFile(path.join(outside, 'x'), 'utf8')).to.equal('precious\n');
    expect((await fs.lstat(path.join(dir, 'runs/alpha-0/out.txt'))).isSymbolicLink()).to.equal(false);
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/out.txt'), 'utf8')).to.equal('run alpha-0');
    // A picked-up directory with a link there: the link is replaced too.
    await fs.rm(path.join(dir, 'runs/alpha-0/out.txt'));
    await fs.symlink(path.join(outside, 'x'), path.join(dir, 'runs/alpha-0/out.txt'));
    await fs.rm(path.join(dir, '.model_ensemble'), { recursive: true });
    const again = await runCli(dir, ['-p', 'c.yaml', 'dummy', ...FAST]);
    expect(again.code, again.stderr).to.equal(0);
    expect(await fs.readFile(path.join(outside, 'x'), 'utf8')).to.equal('precious\n');
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/out.txt'), 'utf8')).to.equal('run alpha-0');
  });

  it('refuses a template that renders inside a linked folder with exit 2, before anything is written', async () => {
    const dir = await tmp.make();
    const outside = await tmp.make('me-outside-');
    await fs.writeFile(path.join(outside, 'p.nml.j2'), 'x = {{ run.value }}\n');
    await linked(dir, ['inputs/p.nml.j2'], { inputs: outside }, {});
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain(`template inputs/p.nml.j2 renders to inputs/p.nml, inside the symbolic link inputs -> ${outside}`);
    expect(await fs.readdir(outside)).to.deep.equal(['p.nml.j2']);
    expect(await fs.readdir(dir)).to.have.members(['c.yaml', 'tpl']);
  });
});

describe('state that cannot be shared by accident (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('refuses a second configuration of the same name run from the same folder, naming both and --state-dir', async () => {
    const dir = await tmp.make();
    const sub = (name: string): string => config().replace('basedir: ./runs', `basedir: ./${name}-runs`).replace('templatedir: ../tpl', 'templatedir: ../tpl');
    await writeFiles(dir, { 'sub1/k.yml': sub('one'), 'sub2/k.yml': sub('two'), 'tpl/job.sh.j2': JOB_TEMPLATE, 'one-runs/.keep': '', 'two-runs/.keep': '' });
    const first = await runCli(dir, ['sub1/k.yml', 'dummy', ...FAST]);
    expect(first.code, first.stderr).to.equal(0);
    const second = await runCli(dir, ['sub2/k.yml', 'dummy', ...FAST]);
    expect(second.code).to.equal(2);
    expect(second.stderr).to.contain(`holds the ensemble of ${path.join(dir, 'sub1/k.yml')} run from ${dir}, not of ${path.join(dir, 'sub2/k.yml')}`);
    expect(second.stderr).to.contain('--state-dir');
    expect(await fs.readdir(path.join(dir, 'two-runs'))).to.deep.equal(['.keep']);
    for (const command of [['status', 'sub2/k.yml'], ['rerun', 'sub2/k.yml', '--failed'], ['cancel', 'sub2/k.yml']]) {
      const result = await runCli(dir, command);
      expect(result.stderr, command.join(' ')).to.contain('holds the ensemble of');
    }
    const own = await runCli(dir, ['sub2/k.yml', 'dummy', '--state-dir', '.model_ensemble/k2', ...FAST]);
    expect(own.code, own.stderr).to.equal(0);
    expect(await fs.readdir(path.join(dir, 'two-runs'))).to.include('alpha-0');
  });

  it('says so when a finished ensemble\'s basedir, templates or run values changed, instead of a bare "already done"', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config('', ['{value: 1}', '{value: 2}']), 'tpl/job.sh.j2': JOB_TEMPLATE });
    expect((await runCli(dir, ['c.yaml', 'dummy', ...FAST])).code).to.equal(0);
    await writeFiles(dir, { 'tpl/job.sh.j2': `${JOB_TEMPLATE}echo changed\n` });
    const changed = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(changed.stderr).to.contain('batch alpha: already done');
    expect(changed.stderr).to.contain('batch alpha: 2 run(s) were prepared from inputs that differ from what the configuration renders now (vars, -x or templates changed): alpha-0, alpha-1;');
    // A run's own values changed: the run id now stands for another point, and nothing starts.
    await writeFiles(dir, { 'c.yaml': config('', ['{value: 1}', '{value: 3}']) });
    const revalued = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(revalued.code).to.equal(2);
    expect(revalued.stderr).to.contain('alpha-1: was {"value":2}, now {"value":3}');
    await writeFiles(dir, { 'c.yaml': config('', ['{value: 1}', '{value: 2}']).replace('basedir: ./runs', 'basedir: ./elsewhere') });
    const moved = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(moved.stderr).to.contain(`batch alpha: 2 run(s) live in ${path.join(dir, 'runs')}, where the journal made them, not in ${path.join(dir, 'elsewhere')}`);
  });
});

describe('hostile configurations: exit 2, a message with its place, nothing written (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  /** Runs the configuration `text` (or a path for `config`) and checks exit 2, no stack trace and nothing written. */
  async function refused(text: string | undefined, expected: RegExp, config = 'c.yaml'): Promise<void> {
    const dir = await tmp.make();
    await writeFiles(dir, { 'tpl/job.sh.j2': JOB_TEMPLATE, ...(text !== undefined ? { [config]: text } : {}) });
    const before = await listTree(dir);
    const started = Date.now();
    const result = await runCli(dir, [config, 'dummy']);
    expect(result.code, result.stderr).to.equal(2);
    expect(result.stderr).to.match(expected);
    expect(result.stderr).to.not.match(/internal error|\s+at .*\.js:\d+/);
    expect(Date.now() - started, 'refused at once').to.be.below(5000);
    expect(await listTree(dir)).to.deep.equal(before);
  }

  it('refuses a batch name with a NUL character or of 300 characters', async () => {
    await refused(config().replace('name: alpha', 'name: "al\\0pha"'), /c\.yaml:3:13 batches\[0\]\.name: this text holds a NUL character/);
    await refused(config().replace('name: alpha', `name: ${'a'.repeat(300)}`), /batches\[0\]\.name: expected a name usable as a directory name .*at most 200 characters/);
  });

  it('refuses a basedir with a NUL, through a regular file, or at the top of the file system', async () => {
    await refused(config().replace('basedir: ./runs', 'basedir: "./ru\\0ns"'), /batches\[0\]\.basedir: this text holds a NUL character/);
    await refused(config().replace('basedir: ./runs', 'basedir: ./c.yaml/runs'), /batches\[0\]\.basedir: basedir c\.yaml\/runs cannot be made: c\.yaml is a file, not a folder/);
    await refused(config().replace('basedir: ./runs', 'basedir: /').replace('templatedir: ../tpl', 'templatedir: /tmp'), /batches\[0\]\.basedir: basedir \/ is the top of the file system/);
  });

  it('refuses a move to / or into something that is not a folder, up front', async () => {
    await refused(config('      post_run:\n        - {name: move, args: {dest: /}}\n'), /post_run\[0\]\.args\.dest: move: dest \/ would copy every run to the top/);
    await refused(config('      post_run:\n        - {name: move, args: {dest: /dev/null}}\n'), /move: dest \/dev\/null is not a folder/);
  });

  it('refuses a mapping nested 2,000 deep, a billion laughs and /dev/zero at once', async () => {
    const deep = `ensemble:\n  vars:\n${Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i + 2)}k${i}:`).join('\n')}\n${'  '.repeat(2002)}v\n`;
    await refused(deep, /c\.yaml:\d+:\d+: YAML syntax/);
    const lol = ['    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let previous = 'a';
    for (const name of 'bcdefghi') {
      lol.push(`    ${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
      previous = name;
    }
    await refused(`ensemble:\n  vars:\n${lol.join('\n')}\n  batches: []\n`, /aliases repeat more than 100000 values/);
    await refused(undefined, /\/dev\/zero: this is not a regular file/, '/dev/zero');
  });
});

describe('an environment that misbehaves: a clear exit, a consistent journal (CLI)', function () {
  this.timeout(120_000);
  const tmp = tempDirs();
  const mounts: string[] = [];
  after(async () => {
    for (const dir of mounts.splice(0)) execFileSync('umount', ['-l', dir]);
    await tmp.cleanup();
  });

  /** A fresh tmpfs of `size` mounted at a new folder (the tests run as root, as CI does). */
  async function tmpfs(size: string, readOnly = false): Promise<string> {
    const dir = await tmp.make('me-tmpfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  }

  it('refuses a lock that is a directory, and a state directory on a read-only file system, with exit 2', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { 'c.yaml': config(), 'tpl/job.sh.j2': JOB_TEMPLATE });
    await fs.mkdir(path.join(dir, '.model_ensemble/c/lock'), { recursive: true });
    const locked = await runCli(dir, ['c.yaml', 'dummy']);
    expect(locked.code).to.equal(2);
    expect(locked.stderr).to.contain('.model_ensemble/c/lock is not a file');
    expect(await fs.readdir(dir)).to.have.members(['c.yaml', 'tpl', '.model_ensemble']);
    const readOnly = await tmpfs('1m', true);
    const refused = await runCli(dir, ['c.yaml', 'dummy', '--state-dir', path.join(readOnly, 'state')]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.match(/cannot use the state directory .*state: .*; run from a folder you can write to, or give --state-dir/);
    expect(refused.stderr).to.not.contain('internal error');
  });

  it('stops cleanly when the journal cannot be written (disk full), and after space is freed every job has run once', async () => {
    const dir = await tmp.make();
    const full = await tmpfs('24k');
    const runs = Array.from({ length: 40 }, (_, i) => `{value: ${i}}`);
    await writeFiles(dir, { 'c.yaml': config('', runs).replace('maxruns: 2', 'maxruns: 4').replace('maxjobs: 2', 'maxjobs: 4'), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const stateDir = path.join(full, 'state');
    const first = await runCli(dir, ['c.yaml', 'dummy', '--state-dir', stateDir, ...FAST]);
    expect(first.code, first.stdout + first.stderr).to.equal(1);
    expect(first.stderr).to.match(/cannot write the journal .*journal\.jsonl: .*no space left on device.*stopped before acting on it/i);
    expect(first.stderr).to.not.contain('internal error');
    execFileSync('mount', ['-o', 'remount,size=4m', full]);
    const again = await runCli(dir, ['c.yaml', 'dummy', '--state-dir', stateDir, ...FAST]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.equal('alpha: 40 succeeded\n');
    for (let i = 0; i < 40; i++) {
      const starts = (await fs.readFile(path.join(dir, `runs/alpha-${i}/starts.txt`), 'utf8')).trim().split('\n');
      expect(starts, `alpha-${i}`).to.have.length(1);
    }
  });
});

describe('tasks run at least once, and never again once their end is journaled (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('after a kill -9 in the middle of a task list, starts again at the first task whose end was not journaled', async () => {
    const dir = await tmp.make();
    const step = (list: string, n: number): string => `        - {name: execute, args: {cmd: 'echo ${list}-${n} >> ../../tasks.txt'}}\n`;
    const hold = `        - {name: execute, args: {cmd: 'echo post_run-2 >> ../../tasks.txt; for i in $(seq 400); do [ -f ../../go ] && break; sleep 0.05; done'}}\n`;
    const tasks = `      pre_batch:\n${step('pre_batch', 1).replace('../../', '../')}${step('pre_batch', 2).replace('../../', '../')}      pre_run:\n${step('pre_run', 1)}${step('pre_run', 2)}      post_run:\n${step('post_run', 1)}${hold}${step('post_run', 3)}`;
    await writeFiles(dir, { 'c.yaml': config(tasks), 'tpl/job.sh.j2': JOB_TEMPLATE });
    const first = startCli(dir, ['c.yaml', 'dummy', ...FAST]);
    await waitFor(async () => (await fs.readFile(path.join(dir, 'tasks.txt'), 'utf8').catch(() => '')).includes('post_run-2'), 20_000, 'the second post_run task');
    first.child.kill('SIGKILL');
    await first.done;
    await fs.writeFile(path.join(dir, 'go'), '');
    const again = await runCli(dir, ['c.yaml', 'dummy', ...FAST]);
    expect(again.code, again.stderr).to.equal(0);
    const ran = (await fs.readFile(path.join(dir, 'tasks.txt'), 'utf8')).trim().split('\n');
    // post_run-2 was cut off before its end was journaled: it runs again (at least once); nothing before it does.
    expect(ran).to.deep.equal(['pre_batch-1', 'pre_batch-2', 'pre_run-1', 'pre_run-2', 'post_run-1', 'post_run-2', 'post_run-2', 'post_run-3']);
  });
});
