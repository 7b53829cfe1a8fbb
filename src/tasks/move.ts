// `move`: copy the working directory (the run directory) into `dest/<run id>/` with rsync, with rsync
// include/exclude patterns. Given includes and no excludes, everything else is excluded, as model-ensembler does.
import fs from 'node:fs/promises';
import path from 'node:path';
import { TaskError } from '../errors.js';
import { describeEnd, runCommand, succeeded } from '../process/run.js';
import { DEFAULT_TASK_TIMEOUT_S } from './command.js';
import { numberArg, stringArg, stringListArg } from './args.js';
import { assertMovable } from './bounds.js';
import type { Task } from './types.js';

/** The rsync arguments for a move of `source` into `target`. */
export function buildRsyncArgs(include: readonly string[], exclude: readonly string[], target: string): string[] {
  const excludes = exclude.length === 0 && include.length > 0 ? ['*'] : exclude;
  return [
    '-a',
    ...include.map((pattern) => `--include=${pattern}`),
    ...excludes.map((pattern) => `--exclude=${pattern}`),
    './',
    `${target}/`,
  ];
}

/** The `move` task. */
export const moveTask: Task = {
  name: 'move',
  kind: 'process',
  async run(ctx, args, signal) {
    const dest = stringArg(args.dest);
    const id = stringArg(ctx.values.id);
    if (!dest) throw new TaskError('ERR_TASK_ARGS', 'move: dest is required');
    if (!id) throw new TaskError('ERR_TASK_ARGS', 'move: only a run can be moved (pre_run or post_run)');
    const cwd = path.resolve(ctx.cwd, stringArg(args.cwd) ?? '.');
    assertMovable(ctx, cwd, args);
    // dest is relative to the run directory, where model-ensembler's rsync runs; `cwd` changes only what is copied.
    const target = path.resolve(ctx.cwd, dest, id);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const rsyncArgs = buildRsyncArgs(stringListArg(args.include), stringListArg(args.exclude), target);
    ctx.logger.info(`move: rsync ${rsyncArgs.join(' ')}`);
    const timeoutMs = (numberArg(args.timeout) ?? DEFAULT_TASK_TIMEOUT_S) * 1000;
    const result = await runCommand('rsync', rsyncArgs, { cwd, capture: true, timeoutMs, signal });
    signal.throwIfAborted();
    if (!succeeded(result)) {
      throw new TaskError('ERR_TASK_FAILED', `move: rsync into ${target} failed (${describeEnd(result, timeoutMs)}): ${result.output.trim()}`);
    }
  },
};
