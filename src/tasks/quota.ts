// `quota`: wait until the filesystem holding `mnt` (default: the working directory) has `atleast` kB free.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as diskSpace from 'check-disk-space';
import { TaskError } from '../errors.js';
import { withTimeout } from '../time.js';
import { numberArg, stringArg } from './args.js';
import type { Task } from './types.js';

// The package's types describe its ESM build as CommonJS; at run time the ESM default export is the function.
const checkDiskSpace = diskSpace.default as unknown as (
  path: string,
) => Promise<{ diskPath: string; free: number; size: number }>;

/** How long one free-space query may take (it runs `df`). */
const QUERY_TIMEOUT_MS = 30_000;

/** The `quota` task. */
export const quotaTask: Task = {
  name: 'quota',
  kind: 'check',
  async run(ctx, args, signal) {
    const atleastKb = numberArg(args.atleast);
    if (atleastKb === undefined) throw new TaskError('ERR_TASK_ARGS', `quota: atleast must be a number of kB`);
    const where = path.resolve(ctx.cwd, stringArg(args.mnt) ?? '.');
    for (let tries = 1; ; tries++) {
      signal.throwIfAborted();
      const space = await withTimeout(
        checkDiskSpace(where),
        QUERY_TIMEOUT_MS,
        () => new TaskError('ERR_QUOTA_QUERY', `quota: free space of ${where} not known after ${QUERY_TIMEOUT_MS / 1000} s`),
      );
      const freeKb = Math.floor(space.free / 1024);
      if (freeKb >= atleastKb) return;
      const level = tries === 1 ? 'warn' : 'debug';
      ctx.logger.log(level, `quota: ${freeKb} kB free on ${space.diskPath}, waiting for ${atleastKb} kB`);
      await sleep(ctx.checkIntervalMs, undefined, { signal });
    }
  },
};
