// The options of the run command (model-ensembler's flags, same names and meanings), shared by
// `model_ensemble` and `model_ensemble_check`.
import { Argument, Command, InvalidArgumentError } from 'commander';
import { EXECUTOR_NAMES } from '../executors/names.js';

/** The run options after parsing. */
export interface RunOptions {
  readonly daemon: boolean;
  readonly verbose: boolean;
  readonly noChecks: boolean;
  readonly noSubmission: boolean;
  readonly pickup: boolean;
  readonly shell: string;
  readonly skips: number;
  readonly indexes: number[] | undefined;
  /** Seconds, as on the command line. */
  readonly checkTimeout: number;
  readonly submitTimeout: number;
  readonly runningTimeout: number;
  readonly errorTimeout: number;
  readonly maxStagger: number;
  /** Jobs per second (`--submit-rate`); undefined: the executor's default. */
  readonly submitRate: number | undefined;
  readonly stateDir: string | undefined;
}

/** A number of seconds greater than 0 (0 would mean busy polling). */
export function parsePositiveSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number of seconds greater than 0, got "${text}"`);
  return n;
}

/** A number of seconds of 0 or more. */
export function parseSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number of seconds, 0 or more, got "${text}"`);
  return n;
}

/** A number of jobs per second, 0 or more (0: no limit). */
export function parseRate(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number of jobs per second, 0 or more, got "${text}"`);
  return n;
}

/** A whole number of 0 or more. */
export function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`expected a whole number, got "${text}"`);
  return Number(text);
}

/** A comma-separated list of run indexes: `1,3,5`. */
export function parseIndexes(text: string): number[] {
  if (!/^(\d+,)*\d+$/.test(text)) throw new InvalidArgumentError(`expected indexes like 1,3,5, got "${text}"`);
  return text.split(',').map(Number);
}

/** Adds the run options to a command. */
export function addRunOptions(command: Command): Command {
  return command
    .option('-d, --daemon', 'run in the background, logging to logs/', false)
    .option('-v, --verbose', 'log debug lines on the console too', false)
    .option('-c, --no-checks', 'skip the check, quota and jobs tasks')
    .option('-s, --no-submission', 'render every run and run the pre-tasks, but submit nothing')
    .option('-p, --pickup', 'render into run directories that already exist', false)
    .option('-l, --shell <path>', 'shell for task commands', '/bin/bash')
    .option('-k, --skips <n>', 'skip the first N runs of each batch', parseCount, 0)
    .option('-i, --indexes <list>', 'run only these run indexes of each batch, e.g. 1,3,5', parseIndexes)
    .option('--check-timeout <s>', '(-ct) seconds between two tries of a waiting check', parsePositiveSeconds, 30)
    .option('--submit-timeout <s>', '(-st) seconds a just-submitted job may stay unknown to the scheduler', parsePositiveSeconds, 20)
    .option('--running-timeout <s>', '(-rt) seconds between two job status queries', parsePositiveSeconds, 60)
    .option('--error-timeout <s>', '(-et) seconds to wait after a failed status query', parsePositiveSeconds, 120)
    .option('--max-stagger <s>', '(-ms) most seconds of random wait before each submission', parseSeconds, 0)
    .option('--submit-rate <n>', 'most jobs submitted per second (default 10 on SLURM, none locally; 0: no limit)', parseRate)
    .option('-x, --extra-vars <name=value...>', 'set run values, over every run (strings)')
    .option('--state-dir <dir>', 'where the journal and lock live (default .model_ensemble/<config name>/)');
}

/** Adds the `[executor]` argument. */
export function executorArgument(command: Command): Command {
  return command.addArgument(
    new Argument('[executor]', 'where jobs run: slurm, or dummy/local for local processes').choices([...EXECUTOR_NAMES]).default('slurm'),
  );
}

/** Reads the parsed run options from commander's bag. */
export function readRunOptions(opts: Record<string, unknown>): RunOptions {
  return {
    daemon: opts.daemon === true,
    verbose: opts.verbose === true,
    noChecks: opts.checks === false,
    noSubmission: opts.submission === false,
    pickup: opts.pickup === true,
    shell: String(opts.shell),
    skips: Number(opts.skips),
    indexes: opts.indexes as number[] | undefined,
    checkTimeout: Number(opts.checkTimeout),
    submitTimeout: Number(opts.submitTimeout),
    runningTimeout: Number(opts.runningTimeout),
    errorTimeout: Number(opts.errorTimeout),
    maxStagger: Number(opts.maxStagger),
    submitRate: opts.submitRate === undefined ? undefined : Number(opts.submitRate),
    stateDir: opts.stateDir as string | undefined,
  };
}

