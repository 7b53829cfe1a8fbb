#!/usr/bin/env node
// The `model_ensemble_check` executable: `model_ensemble_check [options] [slurm|dummy]`.
import './heap.js';
import { Command } from 'commander';
import { prepareArgs } from './argv.js';
import { checkCommand } from './commands/check.js';
import { EXIT, exitWhenWritten, installCrashHandlers, reportError } from './exit.js';
import { readExecutorName } from '../executors/names.js';
import { addRunOptions, executorArgument, readRunOptions } from './options.js';
import { processIo } from './program.js';
import { VERSION } from '../package.js';

/** Parses `argv` and runs the sanity check; resolves with the exit code. */
export async function checkMain(argv: readonly string[]): Promise<number> {
  const io = processIo();
  try {
    const prepared = prepareArgs(argv, []);
    let code: number = EXIT.ok;
    const command = executorArgument(addRunOptions(new Command('model_ensemble_check')))
      .description('run the sanity ensemble shipped with model_ensemble and check what it leaves')
      .option('--dir <dir>', 'run in this folder (default: a new model_ensemble_check.* folder here)')
      .option('--keep', 'keep the folder after a pass', false)
      .version(VERSION, '-V, --version')
      .exitOverride()
      .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined })
      .action(async (executor: unknown, opts: Record<string, unknown>) => {
        // Quick intervals by default: the sanity jobs take seconds.
        const given = (name: string): boolean => command.getOptionValueSource(name) === 'cli';
        const options = readRunOptions(opts);
        code = await checkCommand({
          executor: readExecutorName(executor),
          options: {
            ...options,
            checkTimeout: given('checkTimeout') ? options.checkTimeout : 1,
            runningTimeout: given('runningTimeout') ? options.runningTimeout : 2,
            errorTimeout: given('errorTimeout') ? options.errorTimeout : 5,
          },
          extraVars: prepared.extraVars,
          dir: opts.dir as string | undefined,
          keep: opts.keep === true,
          cwd: io.cwd,
          out: io.out,
        });
      });
    await command.parseAsync(prepared.words, { from: 'user' });
    return code;
  } catch (error) {
    return reportError('model_ensemble_check', error, io.err, false);
  }
}

installCrashHandlers();
await exitWhenWritten(await checkMain(process.argv.slice(2)));
