// Runs a list of tasks in order: resolves `run.` arguments, skips the checks under `-c`, and stops at the first
// failure with a TaskError that names the task. A list cut off by a crash or Ctrl-C starts again at the first task
// whose end was not journaled (`from`, `onDone`): tasks run at least once, and never again once their end is known.
import { TaskError } from '../errors.js';
import type { TaskSpec } from '../config/types.js';
import { resolveRunArgs } from './args.js';
import { TASKS } from './registry.js';
import type { TaskContext } from './types.js';

export interface RunTasksOptions {
  /** Skip `check`-kind tasks (check, quota, jobs): `-c/--no-checks`. */
  readonly noChecks: boolean;
  /** Stops every task (the second Ctrl-C). */
  readonly signal: AbortSignal;
  /** Stops the waiting of check-kind tasks too (the first Ctrl-C: nothing new starts, so nothing waits to). */
  readonly stop?: AbortSignal;
  /** Tasks of the list already done (journaled by an earlier attempt at it): they are not run again. */
  readonly from?: number;
  /** Told, and awaited, after each task but the last: how many of the list are done (for the journal). */
  readonly onDone?: (done: number) => Promise<void>;
}

/** Runs `specs` one after another; throws the first task's failure. */
export async function runTasks(specs: readonly TaskSpec[], ctx: TaskContext, options: RunTasksOptions): Promise<void> {
  for (const [index, spec] of specs.entries()) {
    if (index < (options.from ?? 0)) continue;
    options.signal.throwIfAborted();
    const task = TASKS.get(spec.name);
    if (!task) throw new TaskError('ERR_TASK_UNKNOWN', `unknown task "${spec.name}"`, { where: spec.where });
    if (options.noChecks && task.kind === 'check') {
      ctx.logger.debug(`skipping ${spec.name} (no checks)`);
      continue;
    }
    const args = resolveRunArgs(spec.name, spec.args, ctx.values);
    const signal = task.kind === 'check' && options.stop ? AbortSignal.any([options.signal, options.stop]) : options.signal;
    await task.run(ctx, args, signal);
    // The last task's end is told by what follows the list (the run's or the batch's next step).
    if (index < specs.length - 1) await options.onDone?.(index + 1);
  }
}
