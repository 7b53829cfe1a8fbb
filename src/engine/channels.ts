// Where a batch's jobs go: for each executor the ensemble uses, the executor itself, its job monitor (ONE bulk
// status query per executor per interval, whatever the number of jobs) and its submission pace. Made when a batch
// first needs one; a run whose job an earlier process submitted goes back to the executor it was submitted to.
import type { Batch } from '../config/types.js';
import type { ExecutorName } from '../executors/names.js';
import { canonicalExecutor, type ExecutorPool } from '../executors/pool.js';
import type { Executor } from '../executors/types.js';
import type { Logger } from '../log.js';
import { JobMonitor } from './monitor.js';
import { createSubmitRate, type SubmitRate } from './rate.js';

/** One executor as the engine uses it. */
export interface JobChannel {
  readonly name: 'local' | 'slurm';
  readonly executor: Executor;
  readonly monitor: JobMonitor;
  /** Paces submissions (`--submit-rate`); none: no limit. */
  readonly rate: SubmitRate | undefined;
}

export interface ChannelSettings {
  readonly executors: ExecutorPool;
  readonly logger: Logger;
  /** `-rt` and `-et`, in milliseconds. */
  readonly pollIntervalMs: number;
  readonly errorIntervalMs: number;
  /** Jobs per second (`--submit-rate`); undefined: the executor's default; 0: no limit. */
  readonly submitRate: number | undefined;
}

/** The channels of one ensemble run. */
export class JobChannels {
  private readonly made = new Map<'local' | 'slurm', JobChannel>();

  constructor(private readonly settings: ChannelSettings) {}

  /** The channel of executor `name` (the command line's when undefined). */
  of(name: ExecutorName | string | undefined): JobChannel {
    const key = canonicalExecutor((name as ExecutorName | undefined) ?? this.settings.executors.fallback);
    let channel = this.made.get(key);
    if (!channel) {
      const executor = this.settings.executors.get(key);
      const monitor = new JobMonitor(executor, {
        // Local job ends are events; the poll only follows jobs adopted after a restart, and costs no scheduler call.
        intervalMs: executor.capabilities.pushesStatus ? Math.min(this.settings.pollIntervalMs, 1000) : this.settings.pollIntervalMs,
        errorIntervalMs: this.settings.errorIntervalMs,
        logger: this.settings.logger,
      });
      channel = { name: key, executor, monitor, rate: createSubmitRate(this.settings.submitRate, executor.capabilities.remote) };
      this.made.set(key, channel);
    }
    return channel;
  }

  /** The channel of a batch's jobs. */
  ofBatch(batch: Batch): JobChannel {
    return this.of(batch.executor);
  }

  /** Stops every monitor (jobs in flight are left alone). */
  async close(): Promise<void> {
    await Promise.all([...this.made.values()].map((channel) => channel.monitor.close()));
  }
}
