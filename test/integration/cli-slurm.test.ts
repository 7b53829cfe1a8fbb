import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FAST_TIMEOUTS, ROOT, runCli, startCli, stopClis, type RunningCli } from '../helpers/cli.js';
import { listTree, sanityEnsemble, sanityRuns, writeFiles } from '../helpers/ensemble.js';
import { graphEnsemble, jobsOf, readJobTimes, span, timedBatch } from '../helpers/graph.js';
import { readState } from '../helpers/journal.js';
import { skipWithoutSlurm, SLURM_POLL_MS } from '../helpers/slurm-cluster.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

/** The jobs the scheduler itself holds for a run of this ensemble folder (by the tag in their comment). */
function jobsOfRun(ensembleId: string, runId: string): string[] {
  const text = execFileSync('squeue', ['--me', '-h', '-t', 'all', '-o', '%i|%k'], { encoding: 'utf8', timeout: 30_000 });
  return text
    .split('\n')
    .filter((line) => line.includes(`model_ensemble:${ensembleId}:${runId}:`))
    .map((line) => line.split('|')[0] ?? '');
}

/** The ensemble id of the state directory of `dir` (it is in every job's tag). */
async function ensembleIdIn(dir: string): Promise<string> {
  const { ensembleIdOf } = await import('../../src/state/ensemble-id.js');
  return ensembleIdOf(path.join(await fs.realpath(dir), '.model_ensemble', 'c'));
}

describe('model_ensemble on a real SLURM (CLI)', function () {
  this.timeout(180_000);
  const tmp = tempDirs();
  let timeoutRun: { dir: string; cli: RunningCli } | undefined;

  before(async function () {
    skipWithoutSlurm(this);
    // The time-limit test lasts over a minute (--time has one-minute granularity): start it first, check it last.
    const dir = await tmp.make('me-slurm-timeout-');
    await writeFiles(dir, sanityEnsemble(sanityRuns(1, { slow: true }), { length: 1, retry: { max: 1, on: ['TIMEOUT'] } }));
    timeoutRun = { dir, cli: startCli(dir, ['c.yaml', ...FAST_TIMEOUTS]) };
  });
  after(async () => {
    await stopClis();
    await tmp.cleanup();
  });

  it('runs model-ensembler\'s sanity example shape unchanged and leaves the files model-ensembler leaves', async () => {
    const dir = await tmp.make('me-slurm-');
    await writeFiles(dir, sanityEnsemble(sanityRuns(4)));
    const result = await runCli(dir, ['c.yaml', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('sanity_check: 4 succeeded\n');
    const tree = await listTree(path.join(dir, 'sanity_check'));
    expect(tree).to.include.members(['pre_batch.keep', 'post_batch.keep', 'sanity_check-0/', 'sanity_check-3/inputfile', 'sanity_check-3/pre_run.keep', 'sanity_check-3/post_run.keep']);
    expect(tree).to.not.include('datadir/');
    const run = await listTree(path.join(dir, 'sanity_check/sanity_check-2'));
    expect(run.filter((f) => !f.startsWith('.model_ensemble'))).to.satisfy((files: string[]) =>
      files.some((f) => /^slurm-\d+\.out$/.test(f)) && files.some((f) => /^execute_command\.\d{6}\.\d{6}\.log$/.test(f)),
    );
    const id = await ensembleIdIn(dir);
    const [job] = jobsOfRun(id, 'sanity_check-1');
    expect(execFileSync('squeue', ['-h', '-t', 'all', '-j', job ?? '', '-o', '%j|%P'], { encoding: 'utf8' }).trim()).to.equal('sanity_check2|long');
  });

  for (const point of ['preparing:sanity_check-0', 'submitting:sanity_check-1', 'submitted:sanity_check-1', 'queued:sanity_check-2', 'post_run:sanity_check-0']) {
    it(`a kill -9 right after ${point}, then the same command: every run succeeds, each submitted exactly once`, async () => {
      const dir = await tmp.make('me-slurm-crash-');
      await writeFiles(dir, sanityEnsemble(sanityRuns(3)));
      const crashed = await runCli(dir, ['c.yaml', ...FAST_TIMEOUTS], { env: { MODEL_ENSEMBLE_CRASH_AFTER: point } });
      expect(crashed.code).to.not.equal(0);
      const again = await runCli(dir, ['c.yaml', ...FAST_TIMEOUTS]);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.equal('sanity_check: 3 succeeded\n');
      const id = await ensembleIdIn(dir);
      for (const run of ['sanity_check-0', 'sanity_check-1', 'sanity_check-2']) {
        expect(jobsOfRun(id, run), `jobs of ${run} in the scheduler`).to.have.length(1);
      }
    });
  }

  it('cancel with no orchestrator running cancels the jobs left in the queue and records it', async () => {
    const dir = await tmp.make('me-slurm-cancel-');
    await writeFiles(dir, sanityEnsemble(sanityRuns(2, { slow: true })));
    const first = startCli(dir, ['c.yaml', ...FAST_TIMEOUTS]);
    await waitFor(async () => [...(await readState(dir)).runs.values()].filter((r) => r.job !== undefined).length === 2, 60_000, 'both jobs submitted', SLURM_POLL_MS);
    first.child.kill('SIGINT');
    expect((await first.done).code).to.equal(130);
    const cancel = await runCli(dir, ['cancel', 'c.yaml']);
    expect(cancel.code, cancel.stderr).to.equal(0);
    expect(cancel.stdout).to.equal('cancelled 2 run(s), 2 job(s) in the scheduler\n');
    const id = await ensembleIdIn(dir);
    for (const run of ['sanity_check-0', 'sanity_check-1']) {
      const [job] = jobsOfRun(id, run);
      await waitFor(() => execFileSync('squeue', ['-h', '-t', 'all', '-j', job ?? '', '-o', '%T'], { encoding: 'utf8' }).trim() === 'CANCELLED', 30_000, `job ${job} cancelled`, SLURM_POLL_MS);
    }
    const status = await runCli(dir, ['status', 'c.yaml']);
    expect(status.stdout).to.contain('batch sanity_check: 2 cancelled');
  });

  it('runs the SLURM example as the README says, archiving each run with move', async () => {
    const dir = await tmp.make('me-slurm-example-');
    const outputs = new Set(['runs', 'archive', 'logs', '.model_ensemble']);
    await fs.cp(path.join(ROOT, 'examples/slurm'), dir, { recursive: true, filter: (src) => !outputs.has(path.basename(src)) });
    const result = await runCli(dir, ['slurm.yml', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('melt: 8 succeeded\n');
    expect(await fs.readFile(path.join(dir, 'archive/melt-2/result.txt'), 'utf8')).to.match(/^toy-ice run melt-2: melt_rate=1\.5 on /);
    expect((await fs.readdir(path.join(dir, 'archive/melt-2'))).sort()).to.deep.equal(['namelist.nml', 'result.txt']);
  });

  it('model_ensemble_check passes on SLURM', async () => {
    const dir = await tmp.make('me-slurm-check-');
    const result = await runCli(dir, ['slurm', ...FAST_TIMEOUTS], { timeoutMs: 150_000 }, 'model_ensemble_check');
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.contain('model_ensemble_check: PASS (slurm)');
  });

  it('runs one ensemble mixing local and SLURM batches: prep, two SLURM batches at once, then an after_success batch', async () => {
    const dir = await tmp.make('me-slurm-graph-');
    const sims = [{ sleep: 2 }, { sleep: 2 }];
    await writeFiles(
      dir,
      graphEnsemble([
        timedBatch('prep', [{ sleep: 0.2 }], { executor: 'local' }),
        timedBatch('sim_a', sims, { after: ['prep'] }),
        timedBatch('sim_b', sims, { after: ['prep'], executor: 'slurm' }),
        timedBatch('analysis', [{ sleep: 0.1 }], { after_success: ['sim_a', 'sim_b'], executor: 'local' }),
      ]),
    );
    const result = await runCli(dir, ['c.yaml', ...FAST_TIMEOUTS]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('prep: 1 succeeded\nsim_a: 2 succeeded\nsim_b: 2 succeeded\nanalysis: 1 succeeded\n');
    const jobs = await readJobTimes(dir);
    expect(Object.fromEntries(jobs.map((job) => [job.run, job.executor]))).to.deep.equal({
      'prep-0': 'local',
      'sim_a-0': 'slurm',
      'sim_a-1': 'slurm',
      'sim_b-0': 'slurm',
      'sim_b-1': 'slurm',
      'analysis-0': 'local',
    });
    // The SLURM batches' jobs ran under SLURM (its output file names the job), the local ones did not.
    const state = await readState(dir);
    for (const id of ['sim_a-0', 'sim_b-1']) {
      const job = state.runs.get(id)?.job ?? '';
      expect(job).to.match(/^\d+$/);
      expect(await listTree(path.join(dir, 'runs', id.split('-')[0] ?? '', id))).to.include(`slurm-${job}.out`);
    }
    expect((await listTree(path.join(dir, 'runs/prep/prep-0'))).some((file) => file.startsWith('slurm-'))).to.equal(false);
    const [prep, a, b, analysis] = ['prep', 'sim_a', 'sim_b', 'analysis'].map((name) => span(jobsOf(jobs, name))) as Array<ReturnType<typeof span>>;
    expect(Math.min(a?.start ?? 0, b?.start ?? 0)).to.be.at.least(prep?.end ?? Infinity);
    expect(Math.max(a?.start ?? 0, b?.start ?? 0)).to.be.below(Math.min(a?.end ?? 0, b?.end ?? 0));
    expect(analysis?.start).to.be.at.least(Math.max(a?.end ?? Infinity, b?.end ?? Infinity));
  });

  it('resubmits a job that hit its time limit, and the second attempt succeeds', async () => {
    const run = timeoutRun as { dir: string; cli: RunningCli };
    const result = await run.cli.done;
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(/run sanity_check-0 failed: TIMEOUT/);
    expect(result.stderr).to.contain('TIMEOUT is retried (attempt 2 of 2)');
    expect((await fs.readFile(path.join(run.dir, 'sanity_check/sanity_check-0/starts.txt'), 'utf8')).trim().split('\n')).to.deep.equal(['attempt 1', 'attempt 2']);
    const record = (await readState(run.dir)).runs.get('sanity_check-0');
    expect(record?.attempts.map((a) => [a.jobState ?? a.state, a.state])).to.deep.equal([
      ['TIMEOUT', 'failed'],
      ['succeeded', 'succeeded'],
    ]);
    expect(jobsOfRun(await ensembleIdIn(run.dir), 'sanity_check-0')).to.have.length(2);
  });
});
