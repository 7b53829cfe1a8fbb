import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ExecutorError } from '../../src/errors.js';
import { SlurmExecutor, type SlurmExecutorOptions } from '../../src/executors/slurm.js';
import type { JobId, JobSpec } from '../../src/executors/types.js';
import { attemptFiles } from '../../src/executors/job-files.js';
import { writeJobWrapper } from '../../src/executors/wrapper.js';
import { cancelJobs, findJobsByTag, skipWithoutSlurm, waitForFinal, writeJob } from '../helpers/slurm-cluster.js';
import { captureLogger } from '../helpers/log.js';
import { makeSlurmPath, type SlurmPath } from '../helpers/slurm-path.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

/** An id far above any this test cluster hands out, so no real job has it. */
const UNKNOWN_ID = '67000001';

describe('SLURM executor under injected faults', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  const submitted: JobId[] = [];

  before(function () {
    skipWithoutSlurm(this);
  });

  after(async () => {
    cancelJobs(submitted);
    await tmp.cleanup();
  });

  /** A run directory, a job file in it, pass-through scheduler commands, and an executor using them. */
  async function setUp(text: string, options: SlurmExecutorOptions = {}) {
    const dir = await tmp.make('me-slurm-');
    const slurmPath: SlurmPath = await makeSlurmPath(await tmp.make('me-slurm-path-'));
    const { logger, lines } = captureLogger();
    const executor = new SlurmExecutor({ env: slurmPath.env, logger, commandTimeoutMs: 20_000, submitBackoffMs: 200, ...options });
    return { dir, job: await writeJob(dir, text), slurmPath, executor, lines };
  }

  /** Waits until job `id` has written `file` (the executor makes each one empty before it submits). */
  async function waitForFile(file: string, id: JobId): Promise<void> {
    const written = (): Promise<boolean> => fs.stat(file).then((stat) => stat.size > 0, () => false);
    await waitFor(written, 30_000, `job ${id} to write ${path.basename(file)}`, 100);
  }

  /** Submits and remembers the job for cleanup. */
  async function submit(executor: SlurmExecutor, job: JobSpec): Promise<JobId> {
    const id = await executor.submit(job);
    submitted.push(id);
    return id;
  }

  it('submits one job after sbatch failed twice, waiting and looking for the job before each retry', async () => {
    const { job, slurmPath, executor, lines } = await setUp('#!/bin/bash\ntrue\n');
    await slurmPath.inject(
      'sbatch',
      'if [ "$COUNT" -lt 2 ]; then echo "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation" >&2; exit 1; fi\nexec "$REAL" "$@"',
    );
    const started = Date.now();
    const id = await submit(executor, job);
    expect(Date.now() - started).to.be.at.least(200 + 400);
    expect(await slurmPath.calls('sbatch')).to.have.length(3);
    expect(await slurmPath.calls('squeue')).to.have.length(2);
    expect(findJobsByTag(job.tag)).to.deep.equal([id]);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).to.have.length(1);
    expect(warnings[0]?.message).to.include('sbatch --parsable').and.include('exit 1: sbatch: error: Batch job submission failed: Socket timed out');
  });

  it('never submits a second job when sbatch hangs past its timeout after the controller accepted the job', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n', { commandTimeoutMs: 2000 });
    // The sleep is not exec'd: it holds sbatch's output open after sbatch is killed, as a site's wrapper might.
    await slurmPath.inject('sbatch', '"$REAL" "$@"\nsleep 600\ntrue');
    const started = Date.now();
    const id = await submit(executor, job);
    expect(Date.now() - started).to.be.below(10_000);
    expect(await slurmPath.calls('sbatch')).to.have.length(1);
    expect(findJobsByTag(job.tag)).to.deep.equal([id]);
    const record = execFileSync('scontrol', ['show', 'job', id], { encoding: 'utf8' });
    expect(record).to.include(`Comment=${job.tag}`);
  });

  it('stops at once when SLURM rejects the request itself', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\n#SBATCH --partition=no-such-partition\ntrue\n');
    const error = await executor.submit(job).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(ExecutorError).with.property('code', 'ERR_SLURM_SUBMIT_REJECTED');
    expect((error as Error).message).to.include('Invalid partition name specified');
    expect(await slurmPath.calls('sbatch')).to.have.length(1);
  });

  it('gives up after its retries when sbatch keeps failing', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n', { submitRetries: 2, submitBackoffMs: 50 });
    await slurmPath.inject('sbatch', 'echo "sbatch: error: Unable to contact slurm controller (connect failure)" >&2\nexit 1');
    const error = await executor.submit(job).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(ExecutorError).with.property('code', 'ERR_SLURM_SUBMIT_FAILED');
    expect(await slurmPath.calls('sbatch')).to.have.length(3);
    expect(await slurmPath.calls('squeue')).to.have.length(3);
  });

  it('does not submit again when squeue cannot tell whether a failed sbatch reached the controller', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n', { submitRetries: 2, submitBackoffMs: 50 });
    await slurmPath.inject('sbatch', 'echo "sbatch: error: Socket timed out on send/recv operation" >&2\nexit 1');
    await slurmPath.inject('squeue', 'echo "slurm_load_jobs error: Socket timed out on send/recv operation" >&2\nexit 1');
    const error = await executor.submit(job).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(ExecutorError).with.property('code', 'ERR_SLURM_SUBMIT_UNKNOWN');
    expect(await slurmPath.calls('sbatch')).to.have.length(1);
  });

  it('stops a hanging sbatch when its signal is aborted', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n');
    await slurmPath.inject('sbatch', 'sleep 600\ntrue');
    const abort = new AbortController();
    const submitting = executor.submit(job, abort.signal).then(() => undefined, (caught: unknown) => caught);
    await waitFor(async () => (await slurmPath.calls('sbatch')).length === 1, 20_000, 'sbatch to be called', 50);
    const aborted = Date.now();
    abort.abort(new Error('interrupted by the test'));
    const error = await submitting;
    expect((error as Error).message).to.equal('interrupted by the test');
    expect(Date.now() - aborted).to.be.below(5000);
  });

  it('reports a failed status query as a retryable error, logs it once, and follows the jobs again next time', async () => {
    const { job, slurmPath, executor, lines } = await setUp('#!/bin/bash\ntrue\n');
    const id = await submit(executor, job);
    await slurmPath.inject('squeue', 'if [ "$COUNT" -lt 2 ]; then echo "slurm_load_jobs error: Socket timed out on send/recv operation" >&2; exit 1; fi\nexec "$REAL" "$@"');
    for (let i = 0; i < 2; i++) {
      const error = await executor.poll([id]).then(() => undefined, (caught: unknown) => caught);
      expect(error).to.be.instanceOf(ExecutorError).with.property('code', 'ERR_SLURM_QUERY');
      }
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.message)).to.deep.equal([
      'job status query failed: squeue --me -h -t all -o %i|%T|%r|%k exit 1: slurm_load_jobs error: Socket timed out on send/recv operation',
    ]);
    expect((await waitForFinal(executor, [id], 30_000)).get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(lines.some((line) => line.message === 'squeue works again')).to.equal(true);
  });

  it('settles a job squeue no longer shows from its exit-code file, asking nothing more', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\nexit 3\n');
    const id = await submit(executor, job);
    await waitForFile(attemptFiles(job.dir, job.attempt).exitCode, id);
    // As if the controller had forgotten the job (MinJobAge passed): squeue leaves it out.
    await slurmPath.inject('squeue', `"$REAL" "$@" | grep -v '^${id}|'`);
    const statuses = await executor.poll([id]);
    expect(statuses.get(id)).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: `exit 3 (slurm-${id}.out)` });
    expect(await slurmPath.calls('sacct')).to.deep.equal([]);
    expect(await slurmPath.calls('scontrol')).to.deep.equal([]);
  });

  it('settles an ended job whose exit-code file is missing with one scontrol call, without accounting', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\nexit 3\n');
    const id = await submit(executor, job);
    await waitForFile(attemptFiles(job.dir, job.attempt).exitCode, id);
    await fs.rm(attemptFiles(job.dir, job.attempt).exitCode);
    const statuses = await waitForFinal(executor, [id], 30_000);
    expect(statuses.get(id)).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: `exit 3 (slurm-${id}.out)` });
    expect(await slurmPath.calls('scontrol')).to.deep.equal([`scontrol show job ${id}`]);
  });

  it('follows a job in a state it cannot name until its exit-code file settles it, logging the surprise once', async () => {
    const { job, dir, slurmPath, executor, lines } = await setUp('#!/bin/bash\nwhile [ ! -f go ]; do sleep 0.1; done\n');
    const id = await submit(executor, job);
    await waitForFile(attemptFiles(job.dir, job.attempt).started, id);
    await slurmPath.inject('squeue', `"$REAL" "$@" | sed 's/^${id}|[A-Z_]*|/${id}|LAUNCHED_ON_MARS|/'\necho 'not a squeue line'`);
    for (let i = 0; i < 3; i++) {
      expect((await executor.poll([id])).get(id)).to.deep.equal({ state: 'RUNNING', reason: 'SLURM state LAUNCHED_ON_MARS' });
    }
    const warnings = lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.include('not a squeue line');
    expect(warnings[1]).to.include('LAUNCHED_ON_MARS');
    await fs.writeFile(path.join(dir, 'go'), '');
    expect((await waitForFinal(executor, [id], 30_000)).get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(await slurmPath.calls('scontrol')).to.deep.equal([]);
  });

  it('finds a job the controller has forgotten by the marker its wrapper wrote, but never by a stale marker', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n');
    const id = await submit(executor, job);
    const files = attemptFiles(job.dir, job.attempt);
    await waitForFile(files.exitCode, id);
    await slurmPath.inject('squeue', `"$REAL" "$@" | grep -v '^${id}|'`);
    const restarted = new SlurmExecutor({ env: slurmPath.env });
    expect(await restarted.find(job)).to.equal(id);
    // The same attempt number in a later cycle of a repeated batch carries another tag: this marker is not its job's.
    expect(await restarted.find({ ...job, tag: job.tag.replace(':c0:', ':c1:') })).to.equal(undefined);
    // A later submission of this attempt clears what the earlier one left: its marker no longer names a job.
    await writeJobWrapper(job, '/bin/bash');
    expect(await restarted.find(job)).to.equal(undefined);
  });

  it('is not fooled by an exit-code file an earlier submission of the same attempt left behind', async () => {
    const { job, executor } = await setUp('#!/bin/bash\nexit 3\n');
    const files = attemptFiles(job.dir, job.attempt);
    await fs.mkdir(path.dirname(files.exitCode), { recursive: true });
    await fs.writeFile(files.exitCode, '0\n');
    const id = await submit(executor, job);
    expect((await waitForFinal(executor, [id], 30_000)).get(id)).to.include({ state: 'FAILED', exitCode: 3 });
  });

  it('calls a job LOST that nobody knows once its grace period is over, asking scontrol once and never again', async () => {
    const { job, slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n', { graceMs: 500 });
    executor.adopt(UNKNOWN_ID, job);
    expect((await executor.poll([UNKNOWN_ID])).get(UNKNOWN_ID)?.state).to.equal('PENDING');
    expect(await slurmPath.calls('scontrol')).to.deep.equal([]);
    const statuses = await waitForFinal(executor, [UNKNOWN_ID], 10_000);
    const status = statuses.get(UNKNOWN_ID);
    expect(status?.state).to.equal('LOST');
    expect(status?.reason).to.include(`job ${UNKNOWN_ID} is not known to`).and.include(path.join('.model_ensemble', 'exit-1'));
    expect(await slurmPath.calls('scontrol')).to.deep.equal([`scontrol show job ${UNKNOWN_ID}`]);
    // This cluster has no accounting: sacct answered that once and is never asked again.
    expect((await slurmPath.calls('sacct')).length).to.be.at.most(1);
    const before = (await slurmPath.calls()).length;
    expect((await executor.poll([UNKNOWN_ID])).get(UNKNOWN_ID)?.state).to.equal('LOST');
    expect(await slurmPath.calls()).to.have.length(before);
  });

  it('settles any number of vanished jobs from their exit-code files with one squeue call and nothing else', async () => {
    const { slurmPath, executor } = await setUp('#!/bin/bash\ntrue\n', { graceMs: 0 });
    const ids: JobId[] = [];
    for (let i = 0; i < 4; i++) {
      const dir = await tmp.make('me-slurm-');
      const job = await writeJob(dir, '#!/bin/bash\ntrue\n', `gone-${i}`);
      const files = attemptFiles(dir, 1);
      await fs.mkdir(path.dirname(files.exitCode), { recursive: true });
      await fs.writeFile(files.exitCode, `${i}\n`);
      const id = String(Number(UNKNOWN_ID) + 10 + i);
      executor.adopt(id, job);
      ids.push(id);
    }
    const statuses = await executor.poll(ids);
    expect(ids.map((id) => statuses.get(id)?.state)).to.deep.equal(['COMPLETED', 'FAILED', 'FAILED', 'FAILED']);
    expect(ids.map((id) => statuses.get(id)?.exitCode)).to.deep.equal([0, 1, 2, 3]);
    expect(await slurmPath.calls()).to.deep.equal(['squeue --me -h -t all -o %i|%T|%r|%k']);
  });
});
