import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { reportDrift } from '../../../src/engine/drift.js';
import { executeRun } from '../../../src/engine/run.js';
import { ExecutorError } from '../../../src/errors.js';
import { RUN_META_DIR, type JobStatus } from '../../../src/executors/types.js';
import type { EngineOptions } from '../../../src/engine/types.js';
import type { RunRecord } from '../../../src/state/types.js';
import type { BatchYaml } from '../../helpers/ensemble-yaml.js';
import { tempDirs } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';
import { alphaBatch, buildRunHarness, exists, FakeExecutor, type JobEnd, type RunHarness } from './helpers/run-env.js';

const touch = (file: string) => ({ name: 'execute', args: { cmd: `touch ${file}` } });

describe('engine/run: one run through its pipeline', () => {
  const tmp = tempDirs();
  const harnesses: RunHarness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.close()));
  });
  after(() => tmp.cleanup());

  /** A harness for `batch`, closed after the test. */
  async function harness(batch: Partial<BatchYaml> = {}, ends?: JobEnd, options: Partial<EngineOptions> = {}): Promise<RunHarness> {
    const made = await buildRunHarness(await tmp.make('me-run-'), alphaBatch(batch), options, new FakeExecutor(ends));
    harnesses.push(made);
    return made;
  }

  /** Runs the harness's first run in `cycle`. */
  const run = (h: RunHarness, cycle = 1): Promise<RunRecord> => executeRun(h.env, h.plan, h.plan.batch.runs[0] as never, cycle);

  it('prepares, runs pre_run, submits, waits and runs post_run, journaling each step before it acts', async () => {
    const h = await harness({ pre_run: [touch('pre.keep')], post_run: [touch('post.keep')] });
    const record = await run(h);
    expect(record).to.deep.include({ state: 'succeeded', attempt: 1, job: 'j1', cycle: 1 });
    expect(h.states()).to.deep.equal(['pending', 'preparing', 'pre_run', 'submitting', 'queued', 'running', 'post_run', 'succeeded']);
    expect(await fs.readFile(path.join(h.dir, 'runs/alpha-0/job.sh'), 'utf8')).to.equal('#!/bin/bash\necho 1');
    expect([await exists(h, 'runs/alpha-0/pre.keep'), await exists(h, 'runs/alpha-0/post.keep')]).to.deep.equal([true, true]);
    const [job] = h.executor.submitted;
    expect(job).to.deep.include({ runId: 'alpha-0', attempt: 1, dir: path.join(h.dir, 'runs/alpha-0'), script: 'job.sh', tag: 'model_ensemble:e1:alpha-0:c1:a1' });
    expect(job?.env).to.deep.include({ MODEL_ENSEMBLE_RUN_ID: 'alpha-0', MODEL_ENSEMBLE_ATTEMPT: '1', MODEL_ENSEMBLE_BATCH: 'alpha', MODEL_ENSEMBLE_ID: 'e1' });
    expect(h.entries.find((e) => e.state === 'submitting')?.tag, 'the tag is journaled before submission').to.equal(job?.tag);
    expect(h.env.active.size).to.equal(0);
  });

  const FAILURES: Array<[JobStatus, string]> = [
    [{ state: 'FAILED', exitCode: 3, reason: 'exit 3 (slurm-1.out)' }, 'exit 3 (slurm-1.out)'],
    [{ state: 'TIMEOUT', reason: 'TIMEOUT (slurm-1.out)' }, 'TIMEOUT (slurm-1.out)'],
    [{ state: 'NODE_FAIL', reason: 'node n3 died' }, 'NODE_FAIL: node n3 died'],
    [{ state: 'FAILED', exitCode: 2 }, 'FAILED, exit 2'],
    [{ state: 'COMPLETED', exitCode: 1 }, 'COMPLETED, exit 1'],
    [{ state: 'LOST' }, 'LOST'],
  ];
  for (const [status, reason] of FAILURES) {
    it(`fails the run when its job ends ${JSON.stringify(status)}, saying "${reason}", and runs no post_run`, async () => {
      const h = await harness({ post_run: [touch('post.keep')] }, () => status);
      const record = await run(h);
      expect(record).to.deep.include({ state: 'failed', reason });
      expect(record.attempts[0]).to.deep.include({ state: 'failed', code: 'ERR_JOB_FAILED', jobState: status.state, reason });
      expect(record.attempts[0]?.exitCode).to.equal(status.exitCode);
      expect(await exists(h, 'runs/alpha-0/post.keep')).to.equal(false);
    });
  }

  it('retries by the batch\'s policy, journaling the next attempt before its backoff, in the same directory', async () => {
    const h = await harness({ retry: { max: 2, on: ['TIMEOUT'], backoff: 0 } }, (job) => (job.attempt === 1 ? { state: 'TIMEOUT', reason: 'TIMEOUT' } : { state: 'COMPLETED', exitCode: 0 }));
    const record = await run(h);
    expect(record).to.deep.include({ state: 'succeeded', attempt: 2 });
    expect(h.executor.submitted.map((job) => [job.attempt, job.dir, job.tag])).to.deep.equal([
      [1, path.join(h.dir, 'runs/alpha-0'), 'model_ensemble:e1:alpha-0:c1:a1'],
      [2, path.join(h.dir, 'runs/alpha-0'), 'model_ensemble:e1:alpha-0:c1:a2'],
    ]);
    const retry = h.entries.find((e) => e.state === 'pending' && e.attempt === 2);
    expect(retry?.reason).to.equal('retry after TIMEOUT');
    expect(h.lines.map((l) => l.message)).to.include('run alpha-0: TIMEOUT is retried (attempt 2 of 3) in 0 s');
    expect(record.attempts.map((a) => [a.attempt, a.state, a.jobState])).to.deep.equal([
      [1, 'failed', 'TIMEOUT'],
      [2, 'succeeded', undefined],
    ]);
  });

  it('stops retrying when the attempts run out, and never retries a state the policy does not name', async () => {
    const timeouts = await harness({ retry: { max: 1, on: ['TIMEOUT'], backoff: 0 } }, () => ({ state: 'TIMEOUT', reason: 'TIMEOUT' }));
    expect(await run(timeouts)).to.deep.include({ state: 'failed', attempt: 2 });
    expect(timeouts.executor.submitted).to.have.length(2);
    const failures = await harness({ retry: { max: 1, on: ['TIMEOUT'], backoff: 0 } }, () => ({ state: 'FAILED', exitCode: 1 }));
    expect(await run(failures)).to.deep.include({ state: 'failed', attempt: 1 });
    expect(failures.executor.submitted).to.have.length(1);
  });

  it('fails a run whose pre_run fails with the task\'s code, submitting nothing and not retrying', async () => {
    const h = await harness({ pre_run: [{ name: 'execute', args: { cmd: 'exit 4' } }], retry: { max: 2, on: ['FAILED'], backoff: 0 } });
    const record = await run(h);
    expect(record.state).to.equal('failed');
    expect(record.attempts[0]?.code).to.equal('ERR_TASK_FAILED');
    expect(record.reason).to.contain('exit 4');
    expect(h.executor.submitted).to.deep.equal([]);
  });

  it('fails a run whose submission fails with the executor\'s code and message', async () => {
    const h = await harness();
    h.executor.failSubmit = new ExecutorError('ERR_SLURM_SUBMIT_FAILED', 'sbatch failed: exit 1: Socket timed out');
    const record = await run(h);
    expect(record).to.deep.include({ state: 'failed', reason: 'sbatch failed: exit 1: Socket timed out' });
    expect(record.attempts[0]?.code).to.equal('ERR_SLURM_SUBMIT_FAILED');
    expect(h.states()).to.deep.equal(['pending', 'preparing', 'pre_run', 'submitting', 'failed']);
  });

  it('fails a run whose template needs an undefined variable before its directory is made', async () => {
    const h = await harness({ runs: [{ other: 1 }] });
    const record = await run(h);
    expect(record.state).to.equal('failed');
    expect(record.reason).to.match(/job\.sh\.j2:2: undefined variable "run\.value"/);
    expect(h.states()).to.deep.equal(['pending', 'preparing', 'failed']);
    expect(await exists(h, 'runs/alpha-0')).to.equal(false);
  });

  it('with -s renders the run and runs pre_run, then skips it, saying what it would submit', async () => {
    const h = await harness({ pre_run: [touch('pre.keep')] }, undefined, { noSubmission: true });
    const record = await run(h);
    expect(record).to.deep.include({ state: 'skipped', reason: `not submitted (-s): would submit job.sh in ${path.join(h.dir, 'runs/alpha-0')}` });
    expect(await exists(h, 'runs/alpha-0/pre.keep')).to.equal(true);
    expect(h.executor.submitted).to.deep.equal([]);
  });

  it('goes from pre_run straight to post_run when the batch has no job file', async () => {
    const h = await harness({ job_file: undefined, post_run: [touch('post.keep')] });
    expect((await run(h)).state).to.equal('succeeded');
    expect(h.states()).to.deep.equal(['pending', 'preparing', 'pre_run', 'post_run', 'succeeded']);
    expect(await exists(h, 'runs/alpha-0/post.keep')).to.equal(true);
  });

  it('counts the run as active while its pipeline is under way', async () => {
    const h = await harness({}, () => undefined);
    const running = run(h);
    await h.reach('queued');
    expect([...h.env.active]).to.deep.equal(['alpha-0']);
    h.executor.end('j1', { state: 'COMPLETED', exitCode: 0 });
    await running;
    expect(h.env.active.size).to.equal(0);
  });

  describe('resuming from the journal', () => {
    const T1 = 'model_ensemble:e1:alpha-0:c1:a1';

    /** Journals run alpha-0 up to `last` as an earlier process would have, its directory made. */
    async function journaled(h: RunHarness, last: 'submitting' | 'queued' | 'post_run' | 'succeeded', more: { inputs?: string } = {}): Promise<number> {
      const dir = h.plan.batch.runs[0]?.dir as string;
      // Prepared: with the folder of the run's own files (task output goes there).
      await fs.mkdir(path.join(dir, RUN_META_DIR), { recursive: true });
      const steps = [
        { state: 'pending', batch: 'alpha', idx: 0, dir, cycle: 1 },
        { state: 'preparing', fresh: true },
        { state: 'pre_run', ...more },
        { state: 'submitting', tag: T1 },
        { state: 'queued', job: 'j9' },
        { state: 'post_run' },
        { state: 'succeeded' },
      ] as const;
      for (const step of steps.slice(0, steps.findIndex((s) => s.state === last) + 1)) await h.store.record({ run: 'alpha-0', attempt: 1, ...step });
      return h.entries.length;
    }

    it('watches a job the journal shows queued again, submitting nothing, and goes on to post_run', async () => {
      const h = await harness({ pre_run: [touch('pre.keep')], post_run: [touch('post.keep')] });
      const seeded = await journaled(h, 'queued');
      expect((await run(h)).state).to.equal('succeeded');
      expect(h.executor.submitted).to.deep.equal([]);
      expect([...h.executor.adopted.keys()]).to.deep.equal(['j9']);
      expect(h.entries.slice(seeded).map((e) => e.state)).to.deep.equal(['post_run', 'succeeded']);
      expect([await exists(h, 'runs/alpha-0/pre.keep'), await exists(h, 'runs/alpha-0/post.keep')]).to.deep.equal([false, true]);
    });

    it('looks for a job the journal shows being submitted by its tag, adopting one it finds', async () => {
      const found = await harness();
      await journaled(found, 'submitting');
      found.executor.known.set(T1, 'j7');
      expect(await run(found)).to.deep.include({ state: 'succeeded', job: 'j7' });
      expect(found.executor.submitted).to.deep.equal([]);
      expect(found.lines.map((l) => l.message)).to.include('run alpha-0: found job j7, submitted before the last stop');
      const lost = await harness();
      const seeded = await journaled(lost, 'submitting');
      expect((await run(lost)).state).to.equal('succeeded');
      expect(lost.executor.submitted.map((job) => job.tag)).to.deep.equal([T1]);
      expect(lost.entries.slice(seeded).map((e) => e.state)).to.deep.equal(['queued', 'running', 'post_run', 'succeeded']);
    });

    it('runs only post_run for a run the journal shows in post_run', async () => {
      const h = await harness({ pre_run: [touch('pre.keep')], post_run: [touch('post.keep')] });
      const seeded = await journaled(h, 'post_run');
      expect((await run(h)).state).to.equal('succeeded');
      expect(h.entries.slice(seeded).map((e) => e.state)).to.deep.equal(['succeeded']);
      expect([await exists(h, 'runs/alpha-0/pre.keep'), await exists(h, 'runs/alpha-0/post.keep'), h.executor.submitted.length]).to.deep.equal([false, true, 0]);
    });

    it('leaves a run finished in this cycle as it is, and runs it afresh in the next cycle', async () => {
      const h = await harness();
      const seeded = await journaled(h, 'succeeded');
      expect((await run(h, 1)).state).to.equal('succeeded');
      expect(h.entries).to.have.length(seeded);
      expect(await run(h, 2)).to.deep.include({ state: 'succeeded', cycle: 2, attempt: 1 });
      expect(h.executor.submitted.map((job) => job.tag)).to.deep.equal(['model_ensemble:e1:alpha-0:c2:a1']);
    });

    it('makes again a directory it was cut off making, but only renders into one that was there before', async () => {
      for (const fresh of [true, false]) {
        const h = await harness();
        const dir = h.plan.batch.runs[0]?.dir as string;
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, 'left.txt'), 'half made, or the user\'s');
        await h.store.record({ run: 'alpha-0', state: 'pending', attempt: 1, batch: 'alpha', idx: 0, dir, cycle: 1 });
        await h.store.record({ run: 'alpha-0', state: 'preparing', attempt: 1, fresh });
        expect((await run(h)).state).to.equal('succeeded');
        expect(await exists(h, 'runs/alpha-0/left.txt'), `fresh: ${String(fresh)}`).to.equal(!fresh);
        expect(h.entries.find((e) => e.reason === 'resumed from preparing')?.state).to.equal('pending');
      }
    });

    it('warns when a run in flight was prepared from inputs the configuration no longer renders', async () => {
      const h = await harness();
      await journaled(h, 'queued', { inputs: 'an-old-digest' });
      reportDrift(h.env, h.plan, h.plan.batch.runs, 1);
      expect(h.lines.filter((l) => l.level === 'warn').map((l) => l.message)).to.deep.equal([
        'batch alpha: 1 run(s) were prepared from inputs that differ from what the configuration renders now (vars, -x or templates changed): alpha-0; they are left as they are (`model_ensemble rerun --runs alpha-0` runs them again)',
      ]);
    });
  });

  describe('cancel requests and the stop signal', () => {
    /** A pre_run that says it started, then waits for the file `go` in the run directory. */
    const held = { pre_run: [{ name: 'execute', args: { cmd: 'touch started; while [ ! -f go ]; do sleep 0.02; done' } }] };
    const release = (h: RunHarness): Promise<void> => fs.writeFile(path.join(h.dir, 'runs/alpha-0/go'), '');

    it('cancels a run named before it starts: nothing is made or submitted', async () => {
      const h = await harness();
      h.env.cancels.add(['alpha-0']);
      expect(await run(h)).to.deep.include({ state: 'cancelled', reason: 'cancelled by request' });
      expect([h.states(), h.executor.submitted, await exists(h, 'runs/alpha-0')]).to.deep.equal([['pending', 'cancelled'], [], false]);
    });

    it('cancels a run named during its pre_run before it is submitted', async () => {
      const h = await harness(held);
      const running = run(h);
      await waitFor(() => exists(h, 'runs/alpha-0/started'), 5000, 'pre_run to start');
      h.env.cancels.add(['alpha-0']);
      await release(h);
      expect((await running).state).to.equal('cancelled');
      expect(h.executor.submitted).to.deep.equal([]);
    });

    it('records a run cancelled when its job is cancelled while it runs, and runs no post_run', async () => {
      const h = await harness({ post_run: [touch('post.keep')] }, () => undefined);
      const running = run(h);
      await h.reach('queued');
      // As `cancel` does: the request first, then the job.
      h.env.cancels.add(['alpha-0']);
      await h.executor.cancel(['j1']);
      expect(await running).to.deep.include({ state: 'cancelled', reason: 'cancelled by request' });
      expect(await exists(h, 'runs/alpha-0/post.keep')).to.equal(false);
    });

    it('starts nothing once stopped, and sends a run stopped during pre_run back to pending unsubmitted', async () => {
      const idle = await harness();
      idle.stop.abort();
      expect((await run(idle)).state).to.equal('pending');
      expect(idle.states()).to.deep.equal(['pending']);
      const h = await harness(held);
      const running = run(h);
      await waitFor(() => exists(h, 'runs/alpha-0/started'), 5000, 'pre_run to start');
      h.stop.abort();
      await release(h);
      expect(await running).to.deep.include({ state: 'pending', reason: 'stopped before submission' });
      expect(h.executor.submitted).to.deep.equal([]);
    });

    it('leaves a run whose job is running as it is when stopped, and the job alone', async () => {
      const h = await harness({}, () => undefined);
      const running = run(h);
      await h.reach('running');
      h.stop.abort();
      expect((await running).state).to.equal('running');
      expect(h.executor.cancelled).to.deep.equal([]);
    });

    it('leaves the next attempt pending when stopped during a retry\'s backoff', async () => {
      const h = await harness({ retry: { max: 1, on: ['FAILED'], backoff: 30 } }, () => ({ state: 'FAILED', exitCode: 1 }));
      const running = run(h);
      await waitFor(() => h.entries.some((e) => e.state === 'pending' && e.attempt === 2), 5000, 'the retry to be journaled');
      h.stop.abort();
      expect(await running).to.deep.include({ state: 'pending', attempt: 2 });
      expect(h.executor.submitted).to.have.length(1);
    });
  });
});
