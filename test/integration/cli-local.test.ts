import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FAST_TIMEOUTS, ROOT, runCli } from '../helpers/cli.js';
import { alphaEnsemble, listTree, writeFiles } from '../helpers/ensemble.js';
import { buildEnsembleYaml, raw } from '../helpers/ensemble-yaml.js';
import { tempDirs } from '../helpers/tmp.js';

describe('model_ensemble on local processes (CLI)', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('runs every run in its own rendered directory, prints a summary and exits 0', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, alphaEnsemble([{ value: 1 }, { value: raw('2.0') }, { value: 'x' }]));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('alpha: 3 succeeded\n');
    expect(await fs.readFile(path.join(dir, 'runs/alpha-1/input.txt'), 'utf8')).to.equal('hello 2.0');
    expect(await fs.readFile(path.join(dir, 'runs/alpha-2/output.txt'), 'utf8')).to.equal('result x\n');
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/static/data.txt'), 'utf8')).to.equal('data\n');
    expect(await listTree(path.join(dir, 'runs/alpha-0'))).to.include.members(['job.sh', 'input.txt', 'output.txt', 'static/', 'static/data.txt']);
    expect(await listTree(path.join(dir, 'runs/alpha-0'))).to.not.include('job.sh.j2');
    expect(await fs.readFile(path.join(dir, 'logs/c.yaml.log'), 'utf8')).to.match(/run alpha-2 succeeded/);
  });

  const STARTS: Array<[string, NodeJS.ProcessEnv]> = [
    ['through the process helper', {}],
    ['forking itself (MODEL_ENSEMBLE_SPAWNER=fork)', { MODEL_ENSEMBLE_SPAWNER: 'fork' }],
    ['forking itself where perl cannot be run', { MODEL_ENSEMBLE_PERL: '/nonexistent/perl' }],
  ];
  for (const [how, env] of STARTS) {
    it(`finishes the other runs when one fails, names the reason, skips its post_run and exits 1 (processes started ${how})`, async () => {
      const dir = await tmp.make();
      const postRun = [{ name: 'execute', args: { cmd: 'touch post.keep' } }];
      await writeFiles(dir, alphaEnsemble([{ value: 1 }, { value: 2, code: 3 }, { value: 3 }], { post_run: postRun }));
      const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS], { env });
      expect(result.code).to.equal(1);
      expect(await listTree(path.join(dir, 'runs/alpha-1'))).to.not.include('post.keep');
      expect(await listTree(path.join(dir, 'runs/alpha-2'))).to.include('post.keep');
      expect(result.stdout).to.contain('alpha: 2 succeeded, 1 failed');
      expect(result.stdout).to.contain('alpha-1 failed: exit 3 (output in .model_ensemble/job-1.out)');
      expect(result.stderr).to.contain('run alpha-1 failed: exit 3');
    });
  }

  it('refuses a bad configuration with file:line messages, exit 2, and writes nothing', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, alphaEnsemble([{ value: 1 }], { maxruns: undefined, maxrun: 2, maxjobs: 'ten' }));
    const before = await listTree(dir);
    const result = await runCli(dir, ['c.yaml', 'dummy']);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/c\.yaml:\d+:\d+ .*maxjobs: expected a positive integer, got "ten"/);
    expect(result.stderr).to.match(/maxrun.*did you mean "maxruns"/);
    expect(result.stderr).to.not.match(/at .*\.js:\d+/);
    expect(await listTree(dir)).to.deep.equal(before);
  });

  it('refuses YAML syntax errors with the line, exit 2', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { ...alphaEnsemble([{ value: 1 }]), 'c.yaml': buildEnsembleYaml({ batches: [{ name: raw('[unclosed') }] }) });
    const result = await runCli(dir, ['c.yaml', 'dummy']);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/c\.yaml:\d+/);
  });

  it('refuses existing run directories it did not make, unless -p renders into them', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { ...alphaEnsemble([{ value: 1 }]), 'runs/alpha-0/mine.txt': 'keep' });
    const refused = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('1 run directory already exist');
    expect(refused.stderr).to.contain('-p/--pickup');
    await fs.stat(path.join(dir, 'logs')).then(
      () => expect.fail('logs/ must not be created'),
      () => undefined,
    );
    const picked = await runCli(dir, ['-p', 'c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(picked.code, picked.stderr).to.equal(0);
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/mine.txt'), 'utf8')).to.equal('keep');
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/input.txt'), 'utf8')).to.equal('hello 1');
  });

  it('with -s renders every run and runs pre_run, submits nothing and runs no post_run', async () => {
    const dir = await tmp.make();
    const tasks = { pre_run: [{ name: 'execute', args: { cmd: 'touch pre.keep' } }], post_run: [{ name: 'execute', args: { cmd: 'touch post.keep' } }] };
    await writeFiles(dir, alphaEnsemble([{ value: 1 }, { value: 2 }], tasks));
    const result = await runCli(dir, ['-s', 'c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('alpha: 2 skipped\n');
    expect(result.stderr).to.contain(`run alpha-1 skipped: not submitted (-s): would submit job.sh in ${path.join(dir, 'runs/alpha-1')}`);
    const tree = await listTree(path.join(dir, 'runs/alpha-1'));
    expect(tree).to.include.members(['job.sh', 'input.txt', 'pre.keep']);
    expect(tree).to.not.include.members(['output.txt', 'post.keep']);
  });

  it('runs only the runs -k and -i select, and lays -x values over every run', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, alphaEnsemble([{ value: 0 }, { value: 1 }, { value: 2 }, { value: 3 }]));
    const result = await runCli(dir, ['-k', '1', '-i', '1,3', 'c.yaml', 'dummy', '-x', 'greeting=bonjour', 'value=9', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await fs.readdir(path.join(dir, 'runs'))).to.have.members(['alpha-1', 'alpha-3']);
    expect(await fs.readFile(path.join(dir, 'runs/alpha-3/input.txt'), 'utf8')).to.equal('bonjour 9');
  });

  it('builds each run\'s context afresh: a key one run sets never leaks into the next', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, alphaEnsemble([{ value: 0, greeting: 'bonjour' }, { value: 1 }]));
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/input.txt'), 'utf8')).to.equal('bonjour 0');
    expect(await fs.readFile(path.join(dir, 'runs/alpha-1/input.txt'), 'utf8')).to.equal('hello 1');
  });

  it('fails only the run whose template uses an undefined variable, naming the template and line', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { ...alphaEnsemble([{ value: 1, extra: 'here' }, { value: 2 }]), 'tpl/input.txt.j2': '{{ run.greeting }}\n{{ run.extra }}\n' });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.match(/alpha-1 failed: input\.txt\.j2:2.*run\.extra/);
    await fs.stat(path.join(dir, 'runs/alpha-1')).then(
      () => expect.fail('a run whose template failed leaves no directory'),
      () => undefined,
    );
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/input.txt'), 'utf8')).to.equal('hello\nhere');
  });

  it('fails every run at once, with the variable named, when a template needs a batch key that is not set', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, { ...alphaEnsemble([{ value: 1 }, { value: 2 }]), 'tpl/job.sh.j2': '#!/bin/bash\n#SBATCH --partition={{ run.cluster }}\ntrue\n' });
    const started = Date.now();
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.contain('alpha: 2 failed');
    expect(result.stdout).to.match(/alpha-0 failed: job\.sh\.j2:2: undefined variable "run\.cluster"/);
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('runs checks, quota and jobs tasks, and skips them all with -c', async () => {
    const dir = await tmp.make();
    const checks = [{ name: 'check', args: { cmd: 'test -f ../../go', fail: true } }, { name: 'quota', args: { atleast: 1 } }, { name: 'jobs', args: { limit: 2 } }];
    await writeFiles(dir, alphaEnsemble([{ value: 1 }], { pre_run: checks }));
    const failing = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(failing.code).to.equal(1);
    expect(failing.stdout).to.contain('check `test -f ../../go` exit 1');
    await fs.rm(path.join(dir, 'runs'), { recursive: true });
    await fs.rm(path.join(dir, '.model_ensemble'), { recursive: true });
    const skipped = await runCli(dir, ['-c', 'c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(skipped.code, skipped.stderr).to.equal(0);
  });

  it('repeats a repeat: true batch until its pre_batch fails, with run.batch_idx counting cycles', async () => {
    const dir = await tmp.make();
    const countToThree = { name: 'execute', args: { cmd: 'n=$(cat n 2>/dev/null || echo 0); [ $n -lt 3 ] && echo $((n+1)) > n' } };
    await writeFiles(dir, { ...alphaEnsemble([{ value: 1 }], { repeat: true, pre_batch: [countToThree] }), 'tpl/input.txt.j2': 'cycle {{ run.batch_idx }}\n' });
    const result = await runCli(dir, ['c.yaml', 'dummy', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await fs.readFile(path.join(dir, 'runs/alpha-0/input.txt'), 'utf8')).to.equal('cycle 3');
    expect((await fs.readFile(path.join(dir, 'runs/alpha-0/starts.txt'), 'utf8')).trim().split('\n')).to.have.length(3);
    expect(result.stderr).to.contain('the repeating batch ends after 3 cycle(s)');
  });

  it('refuses the slurm executor without sbatch on PATH, suggesting dummy, exit 2', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, alphaEnsemble([{ value: 1 }]));
    const empty = await tmp.make('me-empty-path-');
    const result = await runCli(dir, ['c.yaml'], { env: { PATH: empty } });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('sbatch is not on PATH');
    expect(result.stderr).to.contain('dummy');
  });

  it('refuses bad command-line values with exit 2', async () => {
    const dir = await tmp.make();
    await writeFiles(dir, alphaEnsemble([{ value: 1 }]));
    for (const args of [['-rt', '0', 'c.yaml', 'dummy'], ['-ms', '-1', 'c.yaml', 'dummy'], ['-i', '1,x', 'c.yaml', 'dummy'], ['c.yaml', 'pbs'], ['-x', 'novalue', 'c.yaml']]) {
      const result = await runCli(dir, args);
      expect(result.code, args.join(' ')).to.equal(2);
    }
  });

  it('runs the hello example as the README says, and a second time finds it done', async () => {
    const dir = await tmp.make();
    // Only what git tracks: a run of the example in the working tree leaves ignored outputs there.
    const outputs = new Set(['runs', 'logs', '.model_ensemble', 'started.txt']);
    await fs.cp(path.join(ROOT, 'examples/hello'), dir, { recursive: true, filter: (src) => !outputs.has(path.basename(src)) });
    const result = await runCli(dir, ['hello.yml', 'dummy']);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('hello: 3 succeeded\n');
    expect(await fs.readFile(path.join(dir, 'runs/hello-1/output.txt'), 'utf8')).to.equal('Hello, ice sheet! (run hello-1, attempt 1)\n');
    const again = await runCli(dir, ['hello.yml', 'dummy']);
    expect(again.code).to.equal(0);
    expect(again.stderr).to.contain('batch hello: already done');
  });

  it('model_ensemble_check passes on local processes from any directory and cleans up after itself', async () => {
    const dir = await tmp.make();
    const result = await runCli(dir, ['dummy', ...FAST_TIMEOUTS], {}, 'model_ensemble_check');
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain('model_ensemble_check: PASS (dummy)');
    expect(await fs.readdir(dir)).to.deep.equal([]);
  });
});
