// `execute`: run a command; a non-zero exit fails the run (or the batch, for batch-level tasks).
import { TaskError } from '../errors.js';
import { succeeded } from '../process/run.js';
import { describeFailure, runUserCommand } from './command.js';
import type { Task } from './types.js';

/** The `execute` task. */
export const executeTask: Task = {
  name: 'execute',
  kind: 'process',
  async run(ctx, args, signal) {
    const run = await runUserCommand(ctx, args, signal);
    signal.throwIfAborted();
    if (!succeeded(run.result)) throw new TaskError('ERR_TASK_FAILED', `execute ${describeFailure(run)}`);
    if (run.logFile) ctx.logger.debug(`command log written to ${run.logFile}`);
  },
};
