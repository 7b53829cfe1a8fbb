import { expect } from 'chai';
import { EventEmitter, once, setMaxListeners } from 'node:events';
import { JobMonitor, type MonitorOptions } from '../../../src/engine/monitor.js';
import type { Executor, JobId, JobStatus } from '../../../src/executors/types.js';
import { createSilentLogger } from '../../../src/log.js';
import { waitFor, withDeadline } from '../../helpers/wait.js';

/** An executor whose job states the test sets; counts the polls (a fake only to drive the monitor's logic). */
class ScriptedExecutor implements Executor {
  readonly name = 'scripted';
  readonly capabilities = { remote: true, pushesStatus: false };
  states = new Map<JobId, JobStatus>();
  polls: JobId[][] = [];
  failNext = 0;

  /** Resolves once `count` status queries have been answered (or failed). */
  async untilPolls(count: number): Promise<void> {
    await waitFor(() => this.polls.length >= count, 5000, `${count} status queries`);
  }

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
  // Closed after each test, passed or failed: an open monitor polls for as long as it has jobs to follow.
  const monitors: JobMonitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
  });
  const startMonitor = (executor: Executor, options: Partial<MonitorOptions> = {}): JobMonitor => {
    const monitor = new JobMonitor(executor, { intervalMs: 2, errorIntervalMs: 2, logger: createSilentLogger(), ...options });
    monitors.push(monitor);
    return monitor;
  };

  it('asks about all jobs in flight in one query per interval, however many there are', async () => {
    const executor = new ScriptedExecutor();
    const monitor = startMonitor(executor, { intervalMs: 5, errorIntervalMs: 5 });
    const ids = Array.from({ length: 500 }, (_, i) => String(i));
    for (const id of ids) executor.states.set(id, { state: 'RUNNING' });
    const ends = ids.map((id) => monitor.watch(id, () => undefined, never));
    // Some queries while the jobs run, then they end.
    await executor.untilPolls(3);
    for (const id of ids) executor.states.set(id, { state: 'COMPLETED', exitCode: 0 });
    const statuses = await Promise.all(ends);
    expect(statuses.every((s) => s.state === 'COMPLETED')).to.equal(true);
    expect(executor.polls.length).to.be.at.least(4);
    expect(executor.polls.every((p) => p.length === 500)).to.equal(true);
  });

  it('reports each new state once and resolves with the final status', async () => {
    const executor = new ScriptedExecutor();
    const monitor = startMonitor(executor);
    executor.states.set('7', { state: 'PENDING' });
    const seen: string[] = [];
    const reported = new EventEmitter();
    const end = monitor.watch(
      '7',
      (status) => {
        seen.push(status.state);
        reported.emit(status.state);
      },
      never,
    );
    await withDeadline(once(reported, 'PENDING'), 5000, 'PENDING to be reported');
    // Several more queries find it pending still: nothing more is reported.
    const pendingPolls = executor.polls.length;
    await executor.untilPolls(pendingPolls + 3);
    executor.states.set('7', { state: 'RUNNING' });
    await withDeadline(once(reported, 'RUNNING'), 5000, 'RUNNING to be reported');
    executor.states.set('7', { state: 'TIMEOUT', reason: 'TIMEOUT' });
    expect((await end).state).to.equal('TIMEOUT');
    expect(seen).to.deep.equal(['PENDING', 'RUNNING', 'TIMEOUT']);
  });

  it('keeps following jobs through failed status queries', async () => {
    const executor = new ScriptedExecutor();
    executor.failNext = 3;
    const monitor = startMonitor(executor);
    executor.states.set('1', { state: 'COMPLETED', exitCode: 0 });
    expect((await monitor.watch('1', () => undefined, never)).state).to.equal('COMPLETED');
    expect(executor.polls.length).to.equal(4);
  });

  it('stops following a job when its signal aborts, leaving the others', async () => {
    const executor = new ScriptedExecutor();
    const monitor = startMonitor(executor);
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
  });

  it('settles at once a pushed job that ended before it was watched, without waiting for a poll', async () => {
    const executor = new ScriptedExecutor();
    Object.assign(executor, { capabilities: { remote: false, pushesStatus: true } });
    const monitor = startMonitor(executor, { intervalMs: 60_000, errorIntervalMs: 60_000 });
    executor.states.set('1', { state: 'FAILED', exitCode: 2 });
    executor.states.set('2', { state: 'RUNNING' });
    const started = performance.now();
    expect((await monitor.watch('1', () => undefined, never)).state).to.equal('FAILED');
    expect(performance.now() - started).to.be.below(5000);
    // A job still running is left to its end event: the early look does not report RUNNING.
    const changes: string[] = [];
    const stop = new AbortController();
    const second = monitor.watch('2', (status) => changes.push(status.state), stop.signal).catch(() => 'stopped');
    await executor.untilPolls(2);
    // The early look's answer is handled in the turn after the query.
    await new Promise((resolve) => setImmediate(resolve));
    stop.abort();
    expect(await second).to.equal('stopped');
    expect(executor.polls).to.deep.equal([['1'], ['2']]);
    expect(changes).to.deep.equal([]);
  });
});
