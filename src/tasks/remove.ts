// `remove`: delete the run directory, or `directory` (relative to the working directory).
import path from 'node:path';
import fs from 'node:fs/promises';
import { TaskError } from '../errors.js';
import { stringArg } from './args.js';
import type { Task } from './types.js';

/** The `remove` task. */
export const removeTask: Task = {
  name: 'remove',
  kind: 'process',
  async run(ctx, args) {
    const given = stringArg(args.directory) ?? stringArg(ctx.values.dir);
    if (!given) throw new TaskError('ERR_TASK_ARGS', 'remove: no directory given and no run directory to remove');
    const target = path.resolve(ctx.cwd, given);
    if (target === path.parse(target).root) {
      throw new TaskError('ERR_TASK_ARGS', `remove: refusing to remove ${target}`);
    }
    ctx.logger.info(`remove: ${target}`);
    try {
      await fs.rm(target, { recursive: true, force: true });
    } catch (error) {
      throw new TaskError('ERR_TASK_FAILED', `remove: cannot remove ${target}: ${(error as Error).message}`, { cause: error });
    }
  },
};
