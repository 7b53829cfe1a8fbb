// `remove`: delete the run directory, or `directory`. A relative `directory` is relative to the batch's basedir (the
// working directory for pre/post_process), as model-ensembler runs its tasks from there, in post_run too.
import path from 'node:path';
import fs from 'node:fs/promises';
import { TaskError } from '../errors.js';
import { stringArg } from './args.js';
import { assertRemovable } from './bounds.js';
import type { Task } from './types.js';

/** The `remove` task. */
export const removeTask: Task = {
  name: 'remove',
  kind: 'process',
  async run(ctx, args) {
    const named = stringArg(args.directory);
    // Without a directory only a run has one to remove: its own (a batch or process task would take vars.dir).
    const given = named ?? (ctx.level === 'run' ? stringArg(ctx.values.dir) : undefined);
    if (!given) throw new TaskError('ERR_TASK_ARGS', 'remove: name the directory to remove (only pre_run and post_run remove their run directory by default)');
    const target = path.resolve(ctx.pathBase, given);
    if (target === path.parse(target).root) {
      throw new TaskError('ERR_TASK_ARGS', `remove: refusing to remove ${target}`);
    }
    assertRemovable(ctx, target, args);
    ctx.logger.info(`remove: ${target}`);
    try {
      await fs.rm(target, { recursive: true, force: true });
    } catch (error) {
      throw new TaskError('ERR_TASK_FAILED', `remove: cannot remove ${target}: ${(error as Error).message}`, { cause: error });
    }
  },
};
