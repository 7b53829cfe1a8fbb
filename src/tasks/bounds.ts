// Where `remove` and `move` may reach. A mistyped path in a task that deletes or copies must not reach the user's
// other work: `remove` stays inside the batch's basedir (the working directory for pre/post_process) and never
// takes another run's directory with it; `move` copies from inside the run directory. `outside: true` on the task
// lifts the bound, for a configuration that means it.
import path from 'node:path';
import { TaskError } from '../errors.js';
import { boolArg } from './args.js';
import type { TaskContext } from './types.js';

/** Whether `inner` is `outer` or inside it. */
export function isWithin(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/** Throws ERR_TASK_ARGS when `remove` of `target` would reach outside where it belongs (see the module comment). */
export function assertRemovable(ctx: TaskContext, target: string, args: Readonly<Record<string, unknown>>): void {
  if (boolArg(args.outside)) return;
  const own = ctx.level === 'run' ? ctx.cwd : undefined;
  const lift = 'say outside: true on the task if that is meant';
  if (!isWithin(target, ctx.pathBase) || target === ctx.pathBase) {
    const where = ctx.level === 'process' ? 'the working directory' : `the batch's basedir`;
    throw new TaskError('ERR_TASK_ARGS', `remove: ${target} is not inside ${where} (${ctx.pathBase}); ${lift}`);
  }
  const sibling = [...(ctx.runDirs ?? [])].find((dir) => dir !== own && isWithin(dir, target));
  if (sibling !== undefined) {
    throw new TaskError('ERR_TASK_ARGS', `remove: ${target} holds the directory of another run (${sibling}); ${lift}`);
  }
}

/** Throws ERR_TASK_ARGS when `move` would copy from outside the run directory. */
export function assertMovable(ctx: TaskContext, source: string, args: Readonly<Record<string, unknown>>): void {
  if (boolArg(args.outside) || isWithin(source, ctx.cwd)) return;
  throw new TaskError('ERR_TASK_ARGS', `move: cwd ${source} is not inside the run directory (${ctx.cwd}); say outside: true on the task if that is meant`);
}
