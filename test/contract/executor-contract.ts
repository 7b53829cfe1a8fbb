// One contract suite for every executor (STYLE.md §7, after snakemake-interface-executor-plugins' tests/tests.py):
// the tests are written once and run against each executor through its fixture (fixture.ts). Where executors
// differ, the difference is data in the fixture, never a branch on the executor here.
import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isFinal, type Executor, type JobId, type JobSpec, type JobStatus } from '../../src/executors/types.js';
import { tempDirs } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import type { CreateOptions, ExecutorFixture, ExecutorUnderTest } from './fixture.js';
import { CONFIGURED_SHELL, isProcessGone, pollUntilFinal, readWritten, START_CHILD, WAIT_FOR_GO, writeJobFile, type JobFileOptions } from './jobs.js';

/** A body line that records where the job runs, what it was given, and which interpreter runs it. */
const REPORT_SEEN = `printf '%s|%s|%s\\n' "$(pwd -P)" "$CONTRACT_VALUE" "$(readlink /proc/$$/exe)" > seen.txt`;

/** Registers the executor contract suite for the executor `fixture` describes. */
export function describeExecutorContract(fixture: ExecutorFixture): void {
  describe(`executor contract: ${fixture.name}`, function () {
    this.timeout(fixture.timing.testMs);
    const tmp = tempDirs();
    const submitted: JobId[] = [];
    const executors: Executor[] = [];
    const pace = fixture.timing;

    before(async function () {
      await fixture.prepare(this);
    });

    after(async () => {
      await fixture.cleanup(submitted);
      await Promise.all(executors.map((executor) => executor.close()));
      await tmp.cleanup();
    });

    /** A new executor instance (closed after the suite), with the suite's shell. */
    async function create(options: Partial<CreateOptions> = {}): Promise<ExecutorUnderTest> {
      const made = await fixture.create({ shell: CONFIGURED_SHELL, scratch: await tmp.make('me-contract-path-'), ...options });
      executors.push(made.executor);
      return made;
    }

    /** A job file with the executor's header, in a fresh run directory. */
    async function writeJob(body: string, options: JobFileOptions = {}): Promise<JobSpec> {
      return writeJobFile(await tmp.make('me-contract-'), fixture.header, body, options);
    }

    /** Submits a job and remembers it for the cleanup. */
    async function submit(executor: Executor, job: JobSpec): Promise<JobId> {
      const id = await executor.submit(job);
      submitted.push(id);
      return id;
    }

    /** Submits a job and polls it to its end. */
    async function runToEnd(executor: Executor, job: JobSpec): Promise<{ id: JobId; status: JobStatus }> {
      const id = await submit(executor, job);
      const { statuses } = await pollUntilFinal(executor, [id], pace);
      return { id, status: statuses.get(id) as JobStatus };
    }

    /** What a job wrote to its output, read where the executor says it is. */
    function readOutput(id: JobId, job: JobSpec): Promise<string> {
      return fs.readFile(path.join(job.dir, fixture.outputOf(id, job)), 'utf8');
    }

    /** Waits until the job has written `name` in its run directory, and returns the text. */
    async function waitForFile(job: JobSpec, name: string): Promise<string> {
      let text: string | undefined;
      await waitFor(async () => (text = await readWritten(path.join(job.dir, name))) !== undefined, pace.endMs, `${name} in ${job.dir}`);
      return text as string;
    }

    /** What a new instance (a process started after this one died) that adopts the ended job reports of it. */
    async function readAfterRestart(id: JobId, job: JobSpec): Promise<JobStatus | undefined> {
      const { executor } = await create();
      executor.adopt(id, job);
      return (await pollUntilFinal(executor, [id], pace)).statuses.get(id);
    }

    it('runs a job in its run directory with its environment and its #! interpreter, and reports exit 0 as COMPLETED', async () => {
      const { executor } = await create();
      const job = await writeJob(`${REPORT_SEEN}\necho "hello from the job"`, { env: { CONTRACT_VALUE: 'two words' } });
      const { id, status } = await runToEnd(executor, job);
      expect(status).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
      expect(await fs.readFile(path.join(job.dir, 'seen.txt'), 'utf8')).to.equal(`${job.dir}|two words|${await fs.realpath('/bin/bash')}\n`);
      expect(await readOutput(id, job)).to.equal('hello from the job\n');
    });

    it('runs a job file without a #! line with the configured shell', async () => {
      const { executor } = await create();
      const job = await writeJob(REPORT_SEEN, { shebang: '', env: { CONTRACT_VALUE: 'no shebang' } });
      const { status } = await runToEnd(executor, job);
      expect(status).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
      expect(await fs.readFile(path.join(job.dir, 'seen.txt'), 'utf8')).to.equal(`${job.dir}|no shebang|${await fs.realpath(CONFIGURED_SHELL)}\n`);
    });

    it('follows six jobs with one poll call that answers for all of them, making one scheduler query per poll', async () => {
      const { executor, commands } = await create();
      const codes = [0, 1, 2, 0, 1, 2];
      const jobs = await Promise.all(codes.map((code, i) => writeJob(`sleep 0.5\nexit ${code}`, { runId: `run-${i}` })));
      const ids: JobId[] = [];
      for (const job of jobs) ids.push(await submit(executor, job));
      let asked = (await commands()).length;
      const { statuses, polls } = await pollUntilFinal(executor, ids, pace, async (answer) => {
        expect([...answer.keys()]).to.have.members(ids);
        const now = await commands();
        expect(now.slice(asked), 'the scheduler commands of one poll').to.deep.equal(fixture.pollCommands);
        asked = now.length;
      });
      expect(polls, 'polls before every job had ended').to.be.greaterThan(1);
      const expected = codes.map((code, i) => (code === 0 ? { state: 'COMPLETED', exitCode: 0 } : fixture.ends.failed(code, fixture.outputOf(ids[i] as JobId, jobs[i] as JobSpec))));
      expect(ids.map((id) => statuses.get(id))).to.deep.equal(expected);
      // Jobs known to have ended cost no scheduler query.
      expect(await executor.poll(ids)).to.deep.equal(statuses);
      expect((await commands()).slice(asked)).to.deep.equal([]);
    });

    it('reports a job that exits 3 as FAILED with exit code 3 and a reason naming where its output is', async () => {
      const { executor } = await create();
      const job = await writeJob('echo "failing on purpose"\nexit 3');
      const { id, status } = await runToEnd(executor, job);
      const output = fixture.outputOf(id, job);
      expect(status).to.deep.include({ state: 'FAILED', exitCode: 3 });
      expect(status.reason).to.include(output);
      expect(status).to.deep.equal(fixture.ends.failed(3, output));
      expect(await readOutput(id, job)).to.equal('failing on purpose\n');
      expect(await readAfterRestart(id, job), 'the end read after a restart').to.deep.equal(status);
    });

    it('cancels a running job: it ends CANCELLED and its child processes are gone', async () => {
      const { executor } = await create();
      const job = await writeJob(START_CHILD);
      const id = await submit(executor, job);
      const child = Number(await waitForFile(job, 'child.pid'));
      await executor.cancel([id]);
      const { statuses } = await pollUntilFinal(executor, [id], pace);
      expect(statuses.get(id)?.state).to.equal('CANCELLED');
      expect(statuses.get(id)).to.deep.equal(fixture.ends.cancelled(fixture.outputOf(id, job)));
      expect(await readAfterRestart(id, job), 'the end read after a restart').to.deep.equal(statuses.get(id));
      await waitFor(() => isProcessGone(child), pace.endMs, `the job's child process ${child} to end`);
    });

    it('leaves a job that has ended as it ended when it is cancelled, also to a new instance', async () => {
      const { executor } = await create();
      const job = await writeJob('exit 0');
      const { id, status } = await runToEnd(executor, job);
      await executor.cancel([id]);
      expect((await executor.poll([id])).get(id)).to.deep.equal(status);
      expect(await readAfterRestart(id, job), 'the end read after a restart').to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    });

    it('lets a new instance find a job an earlier instance submitted, by its tag, and follow it to its end', async () => {
      const first = await create();
      const job = await writeJob(`echo yes > running\n${WAIT_FOR_GO}\nexit 4`);
      const id = await submit(first.executor, job);
      await waitForFile(job, 'running');
      // The earlier process dies here: nothing of it is left but the job and its files.
      await first.executor.close();
      const restarted = await create();
      expect(await restarted.executor.find(job)).to.equal(id);
      restarted.executor.adopt(id, job);
      expect((await restarted.executor.poll([id])).get(id)?.state).to.equal('RUNNING');
      await fs.writeFile(path.join(job.dir, 'go'), '');
      const { statuses } = await pollUntilFinal(restarted.executor, [id], pace);
      expect(statuses.get(id)).to.deep.equal(fixture.ends.failed(4, fixture.outputOf(id, job)));
    });

    it("does not take the job of an earlier cycle in the same run directory for this attempt's", async () => {
      const { executor } = await create();
      const earlier = await writeJob('exit 0', { cycle: 1 });
      const earlierId = await submit(executor, earlier);
      expect((await pollUntilFinal(executor, [earlierId], pace)).statuses.get(earlierId)?.state).to.equal('COMPLETED');
      // The next cycle of a repeated batch journaled its tag; the process died before it submitted the job.
      const restarted = await create();
      expect(await restarted.executor.find(earlier)).to.equal(earlierId);
      expect(await restarted.executor.find({ ...earlier, tag: earlier.tag.replace(':c1:', ':c2:') })).to.equal(undefined);
    });

    it('reports an adopted job that no scheduler and no file knows any more as LOST', async () => {
      const { executor } = await create({ graceMs: 0 });
      const job = await writeJob('exit 0');
      const id = await fixture.makeVanishedJob(job);
      expect(await executor.find(job)).to.equal(id);
      executor.adopt(id, job);
      const { statuses } = await pollUntilFinal(executor, [id], pace);
      expect(statuses.get(id)?.state).to.equal('LOST');
      expect(statuses.get(id)?.reason).to.be.a('string').that.is.not.empty;
    });

    it('reports a job ended outside the executor in its final state, its child processes gone', async () => {
      const { executor } = await create();
      const job = await writeJob(START_CHILD);
      const id = await submit(executor, job);
      const child = Number(await waitForFile(job, 'child.pid'));
      await fixture.killOutside(id);
      const { statuses } = await pollUntilFinal(executor, [id], pace);
      expect(statuses.get(id)).to.deep.equal(fixture.ends.killedOutside(fixture.outputOf(id, job)));
      expect(await readAfterRestart(id, job), 'the end read after a restart').to.deep.equal(statuses.get(id));
      await waitFor(() => isProcessGone(child), pace.endMs, `the job's child process ${child} to end`);
    });

    it('declares its capabilities as plain data', async () => {
      const { executor } = await create();
      const capabilities = executor.capabilities;
      expect(Object.getPrototypeOf(capabilities)).to.equal(Object.prototype);
      expect(JSON.parse(JSON.stringify(capabilities))).to.deep.equal(capabilities);
      expect(capabilities).to.deep.equal(fixture.capabilities);
    });

    it("has onStatus exactly when it pushes status, and then reports a job's end without being polled", async () => {
      const { executor } = await create();
      expect(typeof executor.onStatus === 'function', 'onStatus is there').to.equal(executor.capabilities.pushesStatus);
      // An executor that pushes nothing tells every end through poll (the tests above).
      if (!executor.onStatus) return;
      const heard = new Map<JobId, JobStatus>();
      const unsubscribe = executor.onStatus((id, status) => {
        if (isFinal(status)) heard.set(id, status);
      });
      const id = await submit(executor, await writeJob('exit 0'));
      await waitFor(() => heard.has(id), pace.endMs, `the end of job ${id} to be pushed`);
      unsubscribe();
      expect(heard.get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    });

    it('does nothing and rejects with the reason when its signal is already aborted', async () => {
      const { executor, commands } = await create();
      const running = await writeJob(`echo yes > running\n${WAIT_FOR_GO}`);
      const id = await submit(executor, running);
      await waitForFile(running, 'running');
      const job = await writeJob('exit 0');
      const asked = (await commands()).length;
      const reason = new Error('stopped by the test');
      const signal = AbortSignal.abort(reason);
      const calls: Record<string, () => Promise<unknown>> = {
        submit: () => executor.submit(job, signal),
        poll: () => executor.poll([id], signal),
        cancel: () => executor.cancel([id], signal),
        find: () => executor.find(job, signal),
      };
      for (const [name, call] of Object.entries(calls)) {
        expect(await call().then(() => 'resolved', (error: unknown) => error), name).to.equal(reason);
      }
      expect((await commands()).slice(asked), 'scheduler commands').to.deep.equal([]);
      expect(await fs.readdir(job.dir), 'files of the job not submitted').to.deep.equal(['job.sh']);
      expect((await executor.poll([id])).get(id)?.state, 'the job not cancelled').to.equal('RUNNING');
      await fs.writeFile(path.join(running.dir, 'go'), '');
      expect((await pollUntilFinal(executor, [id], pace)).statuses.get(id)).to.deep.equal({ state: 'COMPLETED', exitCode: 0 });
    });
  });
}
