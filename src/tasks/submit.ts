// `submit`: submit an extra job file (relative to the working directory) through the ensemble's executor. The job
// is not waited for.
import { TaskError } from '../errors.js';
import { stringArg } from './args.js';
import type { Task } from './types.js';

/** The `submit` task. */
export const submitTask: Task = {
  name: 'submit',
  kind: 'process',
  async run(ctx, args, signal) {
    const script = stringArg(args.script);
    if (!script) throw new TaskError('ERR_TASK_ARGS', 'submit: script is required');
    const id = await ctx.submit(script, signal);
    ctx.logger.info(`submit: ${script} submitted as job ${id}`);
  },
};
