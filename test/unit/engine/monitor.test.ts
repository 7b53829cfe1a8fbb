import { expect } from 'chai';
import { setMaxListeners } from 'node:events';
import { JobMonitor } from '../../../src/engine/monitor.js';
import type { Executor, JobId, JobStatus } from '../../../src/executors/types.js';
import { createSilentLogger } from '../../../src/log.js';

/** An executor whose job states the test sets; counts the polls (a fake only to drive the monitor's logic). */
class ScriptedExecutor implements Executor {
  readonly name = 'scripted';
  readonly capabilities = { remote: true, pushesStatus: false };
  states = new Map<JobId, JobStatus>();
  polls: JobId[][] = [];
  failNext = 0;
  submit(): Promise<JobId> {
    return Promise.reject(new Error('not used'));
  }
  poll(ids: readonly JobId[]): Promise<Map<JobId, JobStatus>> {
    this.polls.push([...ids]);
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('squeue: socket timed out'));
    }
    return Promise.resolve(new Map(ids.flatMap((id) => (this.states.has(id) ? [[id, this.states.get(id) as JobStatus] as const] : []))));
  }
  cancel(): Promise<void> {
    return Promise.resolve();
  }
  find(): Promise<JobId | undefined> {
    return Promise.resolve(undefined);
  }
  adopt(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('job monitor', () => {
  const never = new AbortController().signal;
  setMaxListeners(0, never);

  it('asks about all jobs in flight in one query per interval, however many there are', async () => {
    const executor = new ScriptedExecutor();
    const monitor = new JobMonitor(executor, { intervalMs: 5, errorIntervalMs: 5, logger: createSilentLogger() });
    const ids = Array.from({ length: 500 }, (_, i) => String(i));
    for (const id of ids) executor.states.set(id, { state: 'RUNNING' });
    const ends = ids.map((id) => monitor.watch(id, () => undefined, never));
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (const id of ids) executor.states.set(id, { state: 'COMPLETED', exitCode: 0 });
    const statuses = await Promise.all(ends);
    expect(statuses.every((s) => s.state === 'COMPLETED')).to.equal(true);
    expect(executor.polls.every((p) => p.length === 500)).to.equal(true);
    await monitor.close();
  });

  it('reports each new state once and resolves with the final status', async () => {
    const executor = new ScriptedExecutor();
    const monitor = new JobMonitor(executor, { intervalMs: 2, errorIntervalMs: 2, logger: createSilentLogger() });
    executor.states.set('7', { state: 'PENDING' });
    const seen: string[] = [];
    const end = monitor.watch('7', (s) => seen.push(s.state), never);
    await new Promise((resolve) => setTimeout(resolve, 15));
    executor.states.set('7', { state: 'RUNNING' });
    await new Promise((resolve) => setTimeout(resolve, 15));
    executor.states.set('7', { state: 'TIMEOUT', reason: 'TIMEOUT' });
    expect((await end).state).to.equal('TIMEOUT');
    expect(seen).to.deep.equal(['PENDING', 'RUNNING', 'TIMEOUT']);
    await monitor.close();
  });

  it('keeps following jobs through failed status queries', async () => {
    const executor = new ScriptedExecutor();
    executor.failNext = 3;
    const monitor = new JobMonitor(executor, { intervalMs: 2, errorIntervalMs: 2, logger: createSilentLogger() });
    executor.states.set('1', { state: 'COMPLETED', exitCode: 0 });
    expect((await monitor.watch('1', () => undefined, never)).state).to.equal('COMPLETED');
    expect(executor.polls.length).to.equal(4);
    await monitor.close();
  });

  it('stops following a job when its signal aborts, leaving the others', async () => {
    const executor = new ScriptedExecutor();
    const monitor = new JobMonitor(executor, { intervalMs: 2, errorIntervalMs: 2, logger: createSilentLogger() });
    executor.states.set('1', { state: 'RUNNING' });
    executor.states.set('2', { state: 'RUNNING' });
    const stop = new AbortController();
    const first = monitor.watch('1', () => undefined, stop.signal);
    const second = monitor.watch('2', () => undefined, never);
    stop.abort();
    let aborted = false;
    await first.catch(() => {
      aborted = true;
    });
    expect(aborted).to.equal(true);
    expect(monitor.size).to.equal(1);
    executor.states.set('2', { state: 'COMPLETED', exitCode: 0 });
    expect((await second).state).to.equal('COMPLETED');
    await monitor.close();
  });

  it('settles at once a pushed job that ended before it was watched, without waiting for a poll', async () => {
    const executor = new ScriptedExecutor();
    Object.assign(executor, { capabilities: { remote: false, pushesStatus: true } });
    const monitor = new JobMonitor(executor, { intervalMs: 60_000, errorIntervalMs: 60_000, logger: createSilentLogger() });
    executor.states.set('1', { state: 'FAILED', exitCode: 2 });
    executor.states.set('2', { state: 'RUNNING' });
    const started = performance.now();
    expect((await monitor.watch('1', () => undefined, never)).state).to.equal('FAILED');
    expect(performance.now() - started).to.be.below(5000);
    // A job still running is left to its end event: the early look does not report RUNNING.
    const changes: string[] = [];
    const stop = new AbortController();
    const second = monitor.watch('2', (status) => changes.push(status.state), stop.signal).catch(() => 'stopped');
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    expect(await second).to.equal('stopped');
    expect(changes).to.deep.equal([]);
    await monitor.close();
  });
});
