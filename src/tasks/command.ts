// The user command behind `execute` and `check`: the shell, working directory, timeout and log file that
// model-ensembler users know (`log: true` writes `execute_command.HHMMSS.ffffff.log` in the working directory).
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeEnd, runShell, type CommandResult } from '../process/run.js';
import { boolArg, numberArg, stringArg } from './args.js';
import type { TaskContext } from './types.js';

/** Tasks without a `timeout` argument are stopped after a day. */
export const DEFAULT_TASK_TIMEOUT_S = 86_400;

/** One run of a user command, with what is needed to describe it. */
export interface UserCommandRun {
  readonly command: string;
  readonly result: CommandResult;
  readonly timeoutMs: number;
  /** The log file written (`log: true` and some output), if any. */
  readonly logFile: string | undefined;
  /** The file the output was appended to, relative to the command's working directory, if any. */
  readonly outputFile: string | undefined;
}

/** model-ensembler's log name: the local start time as HHMMSS.ffffff. */
function logFileName(start: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const micro = String(start.getMilliseconds() * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0');
  return `execute_command.${two(start.getHours())}${two(start.getMinutes())}${two(start.getSeconds())}.${micro}.log`;
}

/** Runs the `cmd` argument with the task's shell in its working directory. */
export async function runUserCommand(
  ctx: TaskContext,
  args: Readonly<Record<string, unknown>>,
  signal: AbortSignal,
): Promise<UserCommandRun> {
  const command = stringArg(args.cmd) ?? '';
  const cwd = path.resolve(ctx.cwd, stringArg(args.cwd) ?? '.');
  const timeoutMs = (numberArg(args.timeout) ?? DEFAULT_TASK_TIMEOUT_S) * 1000;
  const logFile = boolArg(args.log) ? path.join(cwd, logFileName(new Date())) : undefined;
  ctx.logger.debug(`running \`${command}\` in ${cwd}`);
  const output = logFile ? { outputFile: logFile } : ctx.outputFile ? { outputFile: ctx.outputFile, appendOutput: true } : {};
  const result = await runShell(stringArg(args.shell) ?? ctx.shell, command, { cwd, timeoutMs, signal, ...output });
  let written = logFile;
  if (logFile) {
    // model-ensembler writes the log only when the command printed something.
    const size = (await fs.stat(logFile)).size;
    if (size === 0) {
      await fs.rm(logFile, { force: true });
      written = undefined;
    }
  }
  const outputFile = logFile || !ctx.outputFile ? undefined : path.relative(cwd, ctx.outputFile);
  return { command, result, timeoutMs, logFile: written, outputFile };
}

/** Describes a failed command for a message: how it ended and the last lines it printed or where they are. */
export function describeFailure(run: UserCommandRun): string {
  let text = `\`${run.command}\` ${describeEnd(run.result, run.timeoutMs)}`;
  if (run.logFile) return `${text} (output in ${run.logFile})`;
  const tail = run.result.output.trim().split('\n').slice(-3).join(' | ');
  if (tail) text += `: ${tail.length > 300 ? `…${tail.slice(-300)}` : tail}`;
  if (run.outputFile) text += ` (output in ${run.outputFile})`;
  return text;
}
