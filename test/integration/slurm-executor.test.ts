import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SlurmExecutor } from '../../src/executors/slurm.js';
import type { JobId, JobStatus } from '../../src/executors/types.js';
import { cancelJobs, readSqueueField, skipWithoutSlurm, SLURM_POLL_MS, waitForFinal, writeJob } from '../helpers/slurm-cluster.js';
import { makeSlurmPath } from '../helpers/slurm-path.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitForValue } from '../helpers/wait.js';

describe('SLURM executor on the real cluster', function () {
  this.timeout(60_000);
  const tmp = tempDirs();
  const submitted: JobId[] = [];
  const executor = new SlurmExecutor({ commandTimeoutMs: 30_000 });
  let timeLimited: { id: JobId; started: number } | undefined;

  before(async function () {
    skipWithoutSlurm(this);
    // The one-minute time limit is SLURM's smallest, so this job runs while the other tests do.
    const dir = await tmp.make('me-slurm-');
    const job = await writeJob(dir, '#!/bin/bash\n#SBATCH --time=1\nsleep 120\n', 'time-limit');
    timeLimited = { id: await executor.submit(job), started: Date.now() };
    submitted.push(timeLimited.id);
  });

  after(async () => {
    cancelJobs(submitted);
    await executor.close();
    await tmp.cleanup();
  });

  /** Submits a job file from a fresh run directory. */
  async function submit(text: string, runId = 'run-0'): Promise<{ id: JobId; dir: string }> {
    const dir = await tmp.make('me-slurm-');
    const id = await executor.submit(await writeJob(dir, text, runId));
    submitted.push(id);
    return { id, dir };
  }

  it('runs a job that exits 0 to COMPLETED, its output in slurm-<id>.out in the run directory', async () => {
    const { id, dir } = await submit('#!/bin/bash\necho "hello from $PWD"\n');
    const statuses = await waitForFinal(executor, [id], 30_000);
    expect(statuses.get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(await fs.readFile(path.join(dir, `slurm-${id}.out`), 'utf8')).to.equal(`hello from ${dir}\n`);
  });

  it('reports a job that exits 3 as FAILED with exit code 3 and where its output is', async () => {
    const { id } = await submit('#!/bin/sh\necho failing\nexit 3\n');
    const statuses = await waitForFinal(executor, [id], 30_000);
    expect(statuses.get(id)).to.deep.equal({ state: 'FAILED', exitCode: 3, reason: `exit 3 (slurm-${id}.out)` });
  });

  it('reports a job cancelled while it runs as CANCELLED', async () => {
    const { id } = await submit('#!/bin/bash\nsleep 300\n');
    await waitForValue(() => executor.poll([id]), (statuses) => statuses.get(id)?.state === 'RUNNING', { timeoutMs: 30_000, intervalMs: SLURM_POLL_MS }, `job ${id} to start`);
    await executor.cancel([id]);
    const statuses = await waitForFinal(executor, [id], 30_000);
    expect(statuses.get(id)).to.deep.equal({ state: 'CANCELLED', reason: `CANCELLED (slurm-${id}.out)` });
  });

  it("keeps the user's #SBATCH --job-name, as squeue shows it", async () => {
    const { id } = await submit('#!/bin/bash\n#SBATCH --job-name=my-model-run\n#SBATCH --time=5\ntrue\n');
    expect(readSqueueField(id, '%j')).to.equal('my-model-run');
    await waitForFinal(executor, [id], 30_000);
  });

  it("runs model-ensembler's sanity job shape unchanged to COMPLETED", async () => {
    const text = [
      '#!/bin/bash',
      '#SBATCH --mail-type=begin,end,fail,requeue',
      '#SBATCH --time=14',
      '#SBATCH --job-name=sanity',
      '#SBATCH --nodes=1',
      '#SBATCH --ntasks-per-node 8',
      '#SBATCH --ntasks-per-core 1',
      '#SBATCH --partition=long',
      '#SBATCH --account=long',
      '#SBATCH --mem=20gb',
      '',
      'echo "sanity ran" > sanity.out',
      '',
    ].join('\n');
    const { id, dir } = await submit(text, 'sanity-0');
    expect(readSqueueField(id, '%P|%C|%j')).to.equal('long|8|sanity');
    const statuses = await waitForFinal(executor, [id], 30_000);
    expect(statuses.get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(await fs.readFile(path.join(dir, 'sanity.out'), 'utf8')).to.equal('sanity ran\n');
  });

  it('runs a job file without a #! line with the configured shell, in its run directory, with its environment', async () => {
    const dir = await tmp.make('me-slurm-');
    const job = { ...(await writeJob(dir, 'echo "$MODEL_ENSEMBLE_RUN_ID in $PWD" > where.txt\n')), env: { MODEL_ENSEMBLE_RUN_ID: 'alpha-3' } };
    const id = await executor.submit(job);
    submitted.push(id);
    expect((await waitForFinal(executor, [id], 30_000)).get(id)?.state).to.equal('COMPLETED');
    expect(await fs.readFile(path.join(dir, 'where.txt'), 'utf8')).to.equal(`alpha-3 in ${dir}\n`);
  });

  it('asks squeue exactly once per poll, however many jobs it follows, and settles them by their exit-code files', async () => {
    const root = await tmp.make('me-slurm-path-');
    const slurmPath = await makeSlurmPath(root);
    const counted = new SlurmExecutor({ env: slurmPath.env, commandTimeoutMs: 30_000 });
    const ids: JobId[] = [];
    for (let i = 0; i < 6; i++) {
      const dir = await tmp.make('me-slurm-');
      ids.push(await counted.submit(await writeJob(dir, `#!/bin/bash\nsleep 1\nexit ${i % 2}\n`, `run-${i}`)));
    }
    submitted.push(...ids);
    let polls = 0;
    const poll = (): Promise<Map<JobId, JobStatus>> => {
      polls++;
      return counted.poll(ids);
    };
    const ended = (statuses: Map<JobId, JobStatus>): boolean => ids.every((id) => ['COMPLETED', 'FAILED'].includes(statuses.get(id)?.state ?? ''));
    const statuses = await waitForValue(poll, ended, { timeoutMs: 40_000, intervalMs: SLURM_POLL_MS }, 'the six jobs to end');
    expect(polls).to.be.greaterThan(1);
    expect(await slurmPath.calls('squeue')).to.have.length(polls);
    expect(await slurmPath.calls('sacct')).to.deep.equal([]);
    expect(await slurmPath.calls('scontrol')).to.deep.equal([]);
    expect(ids.map((id) => statuses.get(id)?.exitCode)).to.deep.equal([0, 1, 0, 1, 0, 1]);
    // Final jobs are remembered: asking again costs no scheduler call.
    await counted.poll(ids);
    expect(await slurmPath.calls('squeue')).to.have.length(polls);
  });

  it('finds a job by its tag and follows it, as a process restarted after a crash would', async () => {
    const dir = await tmp.make('me-slurm-');
    const job = await writeJob(dir, '#!/bin/bash\nsleep 1\n', 'crashed-0');
    const id = await executor.submit(job);
    submitted.push(id);
    const restarted = new SlurmExecutor({ commandTimeoutMs: 30_000 });
    expect(await restarted.find(job)).to.equal(id);
    expect(await restarted.find({ ...job, tag: `${job.tag}:other` })).to.equal(undefined);
    restarted.adopt(id, job);
    expect((await waitForFinal(restarted, [id], 30_000)).get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
  });

  it('reports a job killed at its time limit as TIMEOUT, with no exit code', async function () {
    this.timeout(150_000);
    if (!timeLimited) throw new Error('the time-limited job was not submitted');
    const statuses = await waitForFinal(executor, [timeLimited.id], 140_000);
    expect(statuses.get(timeLimited.id)).to.deep.equal({ state: 'TIMEOUT', reason: `TIMEOUT (slurm-${timeLimited.id}.out)` });
    expect(Date.now() - timeLimited.started).to.be.greaterThan(55_000);
  });
});
