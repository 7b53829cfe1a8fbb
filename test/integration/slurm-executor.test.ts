// What only the SLURM executor does, on the real cluster: the user's directives, model-ensembler's job shape, time
// limits. What every executor does is checked by the executor contract suite (test/contract/executor-contract.ts).
import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SlurmExecutor } from '../../src/executors/slurm.js';
import type { JobId } from '../../src/executors/types.js';
import { cancelJobs, readSqueueField, skipWithoutSlurm, waitForFinal, writeJob } from '../helpers/slurm-cluster.js';
import { tempDirs } from '../helpers/tmp.js';

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

  it('reports a job killed at its time limit as TIMEOUT, with no exit code', async function () {
    this.timeout(150_000);
    if (!timeLimited) throw new Error('the time-limited job was not submitted');
    const statuses = await waitForFinal(executor, [timeLimited.id], 140_000);
    expect(statuses.get(timeLimited.id)).to.deep.equal({ state: 'TIMEOUT', reason: `TIMEOUT (slurm-${timeLimited.id}.out)` });
    expect(Date.now() - timeLimited.started).to.be.greaterThan(55_000);
  });
});
