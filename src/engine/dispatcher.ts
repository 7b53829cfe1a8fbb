// The one dispatcher of runs: the pending runs of every started batch wait here, and a free slot — a run slot of
// its batch (`maxruns`) and of the ensemble (`ensemble.maxruns`) — takes the next run in file order (the earliest
// batch first, then its runs in order). A run holds its slots from preparation to post_run. Memory stays that of
// the runs in progress: a batch's waiting runs are an index into its list, not a promise each.
import type { RunSpec } from '../config/types.js';
import type { RunRecord } from '../state/types.js';
import type { BatchPlan } from './plan.js';
import { executeRun } from './run.js';
import type { Dispatcher, RunEnv } from './types.js';

/** One batch cycle's runs, being dispatched. */
interface Queue {
  readonly plan: BatchPlan;
  readonly specs: readonly RunSpec[];
  readonly cycle: number;
  /** The index of the next run to start. */
  next: number;
  /** Runs of this queue in progress. */
  active: number;
  /** No more runs of it start (a `stop` rule, a cancel, the ensemble stopping). */
  stopped: boolean;
  /** The records of the runs ended, at their places in `specs`. */
  readonly results: Array<RunRecord | undefined>;
  error: unknown;
  readonly resolve: (records: RunRecord[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Starts runs of all started batches within the batch and ensemble limits. */
export class RunDispatcher implements Dispatcher {
  private running = 0;
  private readonly queues: Queue[] = [];
  private env: RunEnv | undefined;

  /** `max`: most runs of all batches at once (the ensemble's maxruns). */
  constructor(private readonly max: number) {}

  /** Binds the dispatcher to the ensemble it runs, and stops it when the ensemble is stopped. */
  bind(env: RunEnv): void {
    this.env = env;
    env.options.stop.addEventListener('abort', () => this.stopAll(), { once: true });
  }

  /** Runs `specs` of a batch's `cycle` and resolves with their records once every run started has ended. */
  run(plan: BatchPlan, specs: readonly RunSpec[], cycle: number): Promise<RunRecord[]> {
    return new Promise<RunRecord[]>((resolve, reject) => {
      const queue: Queue = { plan, specs, cycle, next: 0, active: 0, stopped: false, results: [], error: undefined, resolve, reject };
      // File order: the earliest batch first.
      const at = this.queues.findIndex((other) => other.plan.batch.index > plan.batch.index);
      this.queues.splice(at === -1 ? this.queues.length : at, 0, queue);
      if (this.env?.options.stop.aborted) queue.stopped = true;
      this.pump();
      this.settle(queue);
    });
  }

  /** Starts no more runs of batch `name`; those in progress finish (a `stop` rule, a cancel). */
  stopBatch(name: string): void {
    for (const queue of this.queues.filter((q) => q.plan.batch.name === name)) {
      queue.stopped = true;
      this.settle(queue);
    }
  }

  private stopAll(): void {
    for (const queue of [...this.queues]) {
      queue.stopped = true;
      this.settle(queue);
    }
  }

  /** Starts runs while slots are free. */
  private pump(): void {
    const env = this.env;
    if (!env) return;
    while (this.running < this.max) {
      const queue = this.queues.find((q) => !q.stopped && q.next < q.specs.length && q.active < q.plan.batch.maxruns);
      if (!queue) return;
      const index = queue.next++;
      queue.active++;
      this.running++;
      executeRun(env, queue.plan, queue.specs[index] as RunSpec, queue.cycle)
        .then(
          (record) => {
            queue.results[index] = record;
          },
          (error: unknown) => {
            queue.error ??= error;
            queue.stopped = true;
          },
        )
        .finally(() => {
          queue.active--;
          this.running--;
          this.settle(queue);
          this.pump();
        });
    }
  }

  /** Ends a queue whose runs have all ended, or that was stopped and has none in progress. */
  private settle(queue: Queue): void {
    if (queue.active > 0 || (!queue.stopped && queue.next < queue.specs.length)) return;
    const at = this.queues.indexOf(queue);
    if (at === -1) return;
    this.queues.splice(at, 1);
    if (queue.error !== undefined) queue.reject(queue.error);
    // In file order, as the batch lists them; runs that never started (a stop) are left out.
    else queue.resolve(queue.results.filter((record): record is RunRecord => record !== undefined));
  }
}
