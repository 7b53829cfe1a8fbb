// `quota`: wait until the filesystem holding `mnt` (default: the working directory) has `atleast` kB free. The
// free space is asked of `df` by check-disk-space, whose `df` runs through the tool's one command runner: bounded
// by a timeout and the task's signal, and killed (not abandoned) when either ends it.
import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { release } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as diskSpace from 'check-disk-space';
import { TaskError } from '../errors.js';
import { describeEnd, runCommand, succeeded } from '../process/run.js';
import { numberArg, stringArg } from './args.js';
import type { Task } from './types.js';

/** What check-disk-space asks of the system, given instead of its defaults. */
interface DiskSpaceDependencies {
  readonly platform: string;
  readonly release: string;
  readonly fsAccess: (file: string) => Promise<void>;
  readonly pathNormalize: (file: string) => string;
  readonly pathSep: string;
  readonly cpExecFile: (file: string, args: readonly string[]) => Promise<{ stdout: string }>;
}

// The package's types describe its ESM build as CommonJS; at run time the ESM default export is the function.
const checkDiskSpace = diskSpace.default as unknown as (
  path: string,
  dependencies: DiskSpaceDependencies,
) => Promise<{ diskPath: string; free: number; size: number }>;

/** How long one free-space query may take (it runs `df`). */
const QUERY_TIMEOUT_MS = 30_000;

/** The free space of the filesystem holding `where`, in bytes; throws ERR_QUOTA_QUERY when `df` cannot say. */
async function measureFree(where: string, signal: AbortSignal): Promise<{ diskPath: string; free: number }> {
  const cpExecFile = async (file: string, args: readonly string[]): Promise<{ stdout: string }> => {
    const result = await runCommand(file, args, { cwd: '/', capture: true, timeoutMs: QUERY_TIMEOUT_MS, signal });
    signal.throwIfAborted();
    if (!succeeded(result)) {
      throw new TaskError('ERR_QUOTA_QUERY', `quota: free space of ${where} not known: ${file} ${describeEnd(result, QUERY_TIMEOUT_MS)}${result.output ? `: ${result.output.trim()}` : ''}`);
    }
    return { stdout: result.stdout };
  };
  try {
    return await checkDiskSpace(where, { platform: process.platform, release: release(), fsAccess: access, pathNormalize: path.normalize, pathSep: path.sep, cpExecFile });
  } catch (error) {
    if (error instanceof TaskError || signal.aborted) throw error;
    throw new TaskError('ERR_QUOTA_QUERY', `quota: free space of ${where} not known: ${(error as Error).message}`, { cause: error });
  }
}

/** The `quota` task. */
export const quotaTask: Task = {
  name: 'quota',
  kind: 'check',
  async run(ctx, args, signal) {
    const atleastKb = numberArg(args.atleast);
    if (atleastKb === undefined) throw new TaskError('ERR_TASK_ARGS', `quota: atleast must be a number of kB`);
    // A relative mnt is relative to where model-ensembler runs `quota -f`: the basedir (a run's tasks included).
    const mnt = stringArg(args.mnt);
    const where = path.resolve(ctx.pathBase, mnt ?? ctx.cwd);
    // check-disk-space would measure the nearest folder that exists (often /): a mistyped mnt must not pass.
    if (mnt !== undefined && !existsSync(where)) throw new TaskError('ERR_TASK_ARGS', `quota: mnt ${where} does not exist`);
    for (let tries = 1; ; tries++) {
      signal.throwIfAborted();
      const space = await measureFree(where, signal);
      const freeKb = Math.floor(space.free / 1024);
      if (freeKb >= atleastKb) return;
      const level = tries === 1 ? 'warn' : 'debug';
      ctx.logger.log(level, `quota: ${freeKb} kB free on ${space.diskPath}, waiting for ${atleastKb} kB`);
      await sleep(ctx.checkIntervalMs, undefined, { signal });
    }
  },
};
