// The job monitor: follows every job in flight with ONE status query per executor per interval, whatever the
// number of jobs, and hands each job's changes to whoever waits for it. Executors that report job ends as events
// (local processes) settle their jobs at once, without waiting for the next poll.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { isFinal, type Executor, type JobId, type JobStatus } from '../executors/types.js';

export interface MonitorOptions {
  /** Milliseconds between two status queries (`-rt/--running-timeout`). */
  readonly intervalMs: number;
  /** Milliseconds to wait after a failed status query before the next (`-et/--error-timeout`). */
  readonly errorIntervalMs: number;
  readonly logger: Logger;
}

interface Watch {
  readonly onChange: (status: JobStatus) => void;
  readonly resolve: (status: JobStatus) => void;
  last: string | undefined;
}

/** Follows jobs until they end. */
export class JobMonitor {
  private readonly watches = new Map<JobId, Watch>();
  private readonly unsubscribe: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopper = new AbortController();
  /** Status queries made, for the record. */
  polls = 0;

  constructor(
    private readonly executor: Executor,
    private readonly options: MonitorOptions,
  ) {
    this.unsubscribe = executor.onStatus?.((id, status) => this.dispatch(id, status));
  }

  /** How many jobs are being followed. */
  get size(): number {
    return this.watches.size;
  }

  /**
   * Follows job `id` until it ends: `onChange` hears every new state, the promise resolves with the final status.
   * Aborting `signal` stops following (the job itself is left alone) and rejects with the abort reason.
   */
  async watch(id: JobId, onChange: (status: JobStatus) => void, signal: AbortSignal): Promise<JobStatus> {
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<JobStatus>((resolve, reject) => {
        this.watches.set(id, { onChange, resolve, last: undefined });
        onAbort = () => {
          this.watches.delete(id);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        this.loop ??= this.run();
        // A job that ended before it was watched (a local process that ended while its submission was journaled)
        // is told now, not at the next poll. Only executors that push statuses answer a poll without a query.
        if (this.executor.capabilities.pushesStatus) void this.settleEarly(id);
      });
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops polling; watches still open never resolve (their signals end them). */
  async close(): Promise<void> {
    this.stopper.abort();
    this.unsubscribe?.();
    await this.loop;
  }

  private dispatch(id: JobId, status: JobStatus): void {
    const watch = this.watches.get(id);
    if (!watch) return;
    if (status.state !== watch.last) {
      watch.last = status.state;
      watch.onChange(status);
    }
    if (isFinal(status)) {
      this.watches.delete(id);
      watch.resolve(status);
    }
  }

  private async settleEarly(id: JobId): Promise<void> {
    try {
      const status = (await this.executor.poll([id], this.stopper.signal)).get(id);
      if (status && isFinal(status)) this.dispatch(id, status);
    } catch {
      // The regular poll will ask again.
    }
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let failures = 0;
    try {
      while (this.watches.size > 0 && !this.stopper.signal.aborted) {
        const wait = failures > 0 ? this.options.errorIntervalMs : this.options.intervalMs;
        await sleep(wait, undefined, { signal: this.stopper.signal });
        const ids = [...this.watches.keys()];
        if (ids.length === 0) break;
        try {
          this.polls++;
          const statuses = await this.executor.poll(ids, this.stopper.signal);
          if (failures > 0) logger.info(`job status query works again after ${failures} failure(s)`);
          failures = 0;
          for (const [id, status] of statuses) this.dispatch(id, status);
        } catch (error) {
          if (this.stopper.signal.aborted) break;
          failures++;
          const level = failures === 1 ? 'warn' : 'debug';
          logger.log(level, `job status query failed (${(error as Error).message}); trying again in ${this.options.errorIntervalMs / 1000} s`);
        }
      }
    } catch (error) {
      if (!this.stopper.signal.aborted) throw error;
    } finally {
      this.loop = undefined;
      // A watch added while the loop was finishing needs a loop of its own.
      if (this.watches.size > 0 && !this.stopper.signal.aborted) this.loop = this.run();
    }
  }
}
