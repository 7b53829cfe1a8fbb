// `jobs`: wait while this ensemble has `limit` or more jobs queued or running (for batches whose name starts with
// `match`, by default the task's own batch). It counts from the tool's own record of its jobs, so it costs no
// scheduler call and never counts other users' or other ensembles' jobs.
import { TaskError } from '../errors.js';
import { numberArg, stringArg } from './args.js';
import type { Task } from './types.js';

/** The `jobs` task. */
export const jobsTask: Task = {
  name: 'jobs',
  kind: 'check',
  async run(ctx, args, signal) {
    const limit = numberArg(args.limit);
    if (limit === undefined || limit < 1) throw new TaskError('ERR_TASK_ARGS', 'jobs: limit must be a positive integer');
    const match = stringArg(args.match) ?? ctx.batchName ?? '';
    let waited = false;
    while (ctx.jobs.count(match) >= limit) {
      if (!waited) ctx.logger.debug(`jobs: ${ctx.jobs.count(match)} jobs in flight, waiting for fewer than ${limit}`);
      waited = true;
      await ctx.jobs.changed(signal);
    }
  },
};
