// `check`: run a command until it exits 0, trying again every check interval; `fail: true` fails at once instead.
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskError } from '../errors.js';
import { succeeded } from '../process/run.js';
import { boolArg } from './args.js';
import { describeFailure, runUserCommand } from './command.js';
import type { Task } from './types.js';

/** The `check` task. */
export const checkTask: Task = {
  name: 'check',
  kind: 'check',
  async run(ctx, args, signal) {
    for (let tries = 1; ; tries++) {
      const run = await runUserCommand(ctx, args, signal);
      if (succeeded(run.result)) return;
      signal.throwIfAborted();
      if (boolArg(args.fail) || run.result.timedOut) {
        throw new TaskError('ERR_CHECK_FAILED', `check ${describeFailure(run)}`);
      }
      const level = tries === 1 ? 'info' : 'debug';
      ctx.logger.log(level, `check \`${run.command}\` not yet true; trying again every ${ctx.checkIntervalMs / 1000} s`);
      await sleep(ctx.checkIntervalMs, undefined, { signal });
    }
  },
};
