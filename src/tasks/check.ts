// `check`: run a command until it exits 0, trying again every check interval; `fail: true` fails at once instead.
// A check that keeps waiting says so with the run (or batch) it holds up and how long it has waited: at the first
// try, then after 1, 5, 15 and 60 minutes, then every hour, so a wait that never ends is visible, not silent.
import { setTimeout as sleep } from 'node:timers/promises';
import { TaskError } from '../errors.js';
import { succeeded } from '../process/run.js';
import { boolArg, stringArg } from './args.js';
import { describeFailure, runUserCommand } from './command.js';
import type { Task, TaskContext } from './types.js';

/** Minutes of waiting after which a waiting check says so again; then every hour. */
const REMIND_AFTER_MIN = [1, 5, 15, 60];

/** Who a check holds up, for its messages: `run alpha-3`, `batch alpha`, `pre_process`. */
function holder(ctx: TaskContext): string {
  if (ctx.level === 'run') return `run ${stringArg(ctx.values.id) ?? '?'}`;
  return ctx.level === 'batch' ? `batch ${ctx.batchName ?? '?'}` : 'the ensemble';
}

/** `200 ms`, `45 s`, `3 min`, `2.5 h`. */
function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/** The `check` task. */
export const checkTask: Task = {
  name: 'check',
  kind: 'check',
  async run(ctx, args, signal) {
    const started = Date.now();
    let reminders = 0;
    for (let tries = 1; ; tries++) {
      const run = await runUserCommand(ctx, args, signal);
      if (succeeded(run.result)) {
        if (tries > 1) ctx.logger.info(`${holder(ctx)}: check \`${run.command}\` true after ${formatWait(Date.now() - started)}`);
        return;
      }
      signal.throwIfAborted();
      if (boolArg(args.fail) || run.result.timedOut) {
        throw new TaskError('ERR_CHECK_FAILED', `check ${describeFailure(run)}`);
      }
      const waited = Date.now() - started;
      const next = (REMIND_AFTER_MIN[reminders] ?? 60 * (reminders - REMIND_AFTER_MIN.length + 2)) * 60_000;
      if (tries === 1 || waited >= next) {
        if (tries > 1) reminders++;
        const how = tries === 1 ? 'not yet true' : `still not true after ${formatWait(waited)}`;
        ctx.logger.info(`${holder(ctx)}: check \`${run.command}\` ${how}; trying again every ${formatWait(ctx.checkIntervalMs)}`);
      }
      await sleep(ctx.checkIntervalMs, undefined, { signal });
    }
  },
};
