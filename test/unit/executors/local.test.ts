import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { LocalExecutor } from '../../../src/executors/local.js';
import type { JobSpec, JobStatus } from '../../../src/executors/types.js';
import { attemptFiles, clearJobFiles } from '../../../src/executors/job-files.js';
import { tempDirs } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/wait.js';

async function jobIn(dir: string, body: string, attempt = 1): Promise<JobSpec> {
  await fs.writeFile(path.join(dir, 'job.sh'), `#!/bin/bash\n${body}\n`);
  return { runId: 'r-0', attempt, dir, script: 'job.sh', tag: `t:${attempt}` };
}

function endOf(executor: LocalExecutor, id: string): Promise<JobStatus> {
  return new Promise((resolve) => {
    const off = executor.onStatus((jobId, status) => {
      if (jobId === id && status.state !== 'RUNNING') {
        off();
        resolve(status);
      }
    });
  });
}

describe('local executor', () => {
  const tmp = tempDirs();
  after(() => tmp.cleanup());

  it('reports a job that exits 0 as COMPLETED the moment it ends', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    const id = await executor.submit(await jobIn(dir, 'echo hello'));
    const status = await endOf(executor, id);
    expect(status).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    expect(await fs.readFile(attemptFiles(dir, 1).output, 'utf8')).to.equal('hello\n');
  });

  it('reports the real exit code of a failing job and where its output is', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    const id = await executor.submit(await jobIn(dir, 'exit 7'));
    const status = await endOf(executor, id);
    expect(status.state).to.equal('FAILED');
    expect(status.exitCode).to.equal(7);
    expect(status.reason).to.equal('exit 7 (output in .model_ensemble/job-1.out)');
  });

  it('runs the job in its run directory with the given environment', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    const spec = { ...(await jobIn(dir, 'pwd > where.txt; echo "$MY_VAR" >> where.txt')), env: { MY_VAR: 'x1' } };
    await endOf(executor, await executor.submit(spec));
    expect(await fs.readFile(path.join(dir, 'where.txt'), 'utf8')).to.equal(`${dir}\nx1\n`);
  });

  it('cancels a job with its children', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    const id = await executor.submit(await jobIn(dir, 'sleep 30 & wait'));
    const end = endOf(executor, id);
    await executor.cancel([id]);
    expect((await end).state).to.equal('CANCELLED');
  });

  it('fails to submit a job whose file does not exist, naming it', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    let error: unknown;
    try {
      await executor.submit({ runId: 'r-0', attempt: 1, dir, script: 'missing.sh', tag: 't' });
    } catch (e) {
      error = e;
    }
    expect((error as { code: string }).code).to.equal('ERR_JOB_FILE');
    expect((error as Error).message).to.contain('missing.sh');
  });

  it('follows a job started by an earlier process until its exit-code file appears', async () => {
    const dir = await tmp.make();
    const first = new LocalExecutor();
    const spec = await jobIn(dir, 'for i in $(seq 500); do [ -f go ] && break; sleep 0.02; done; exit 4');
    const id = await first.submit(spec);
    await waitFor(async () => (await fs.stat(attemptFiles(dir, 1).started).catch(() => undefined)) !== undefined, 5000, 'the start marker');
    const later = new LocalExecutor();
    expect(await later.find(spec)).to.equal(id);
    later.adopt(id, spec);
    expect((await later.poll([id])).get(id)?.state).to.equal('RUNNING');
    await fs.writeFile(path.join(dir, 'go'), '');
    await waitFor(async () => (await later.poll([id])).get(id)?.state === 'FAILED', 5000, 'the adopted job to end');
    expect((await later.poll([id])).get(id)?.exitCode).to.equal(4);
  });

  it('does not take an earlier cycle\'s start marker for this attempt\'s job', async () => {
    const dir = await tmp.make();
    const executor = new LocalExecutor();
    const earlier = { ...(await jobIn(dir, 'true')), tag: 'ens:r-0:c1:a1' };
    await endOf(executor, await executor.submit(earlier));
    expect(await executor.find(earlier)).to.be.a('string');
    expect(await executor.find({ ...earlier, tag: 'ens:r-0:c2:a1' })).to.equal(undefined);
  });

  it('calls an adopted job LOST when its process is gone without an exit code', async () => {
    const dir = await tmp.make();
    const spec = await jobIn(dir, 'true');
    const files = await clearJobFiles(spec);
    await fs.writeFile(files.started, `host 999999 - 12345\n${spec.tag}\n`);
    const executor = new LocalExecutor();
    const id = await executor.find(spec);
    expect(id).to.equal('999999');
    executor.adopt(id ?? '', spec);
    expect((await executor.poll([id ?? ''])).get(id ?? '')?.state).to.equal('LOST');
  });
});
