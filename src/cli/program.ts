// The `model_ensemble` command line: `model_ensemble [options] <configuration> [executor]` runs an ensemble; a first
// positional naming a sub-command (`schema`, ...) runs that instead. Usage errors exit 2, like bad configuration.
// Each command's module is loaded when that command runs: `--version`, `--help` and `status` then load only what
// they use (the template engine, the executors and the logger are most of the package).
import { Command, InvalidArgumentError } from 'commander';
import { prepareArgs } from './argv.js';
import { VERSION } from '../package.js';
import type { ControlRequest } from './commands/control.js';
import { EXIT, reportError } from './exit.js';
import { readExecutorName } from '../executors/names.js';
import { addRunOptions, executorArgument, readRunOptions } from './options.js';

/** Where a command writes; the real streams by default, buffers in tests. */
export interface Io {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The process's own streams and working directory. */
export function processIo(): Io {
  return {
    cwd: process.cwd(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}

type Handler = (command: Command, setCode: (code: number) => void) => Command;

const SUBCOMMAND_HELP = `
Commands (a first word naming one; a configuration file of that name is given as ./status):
  status <configuration> [--json]                 each batch and run: state, job, attempts, times, reason, metrics
  results <configuration> [--csv | --json]        one row per run: id, state, parameters, results
  rerun <configuration> --failed | --cancelled | --runs a-1,b-0
                                                  run these again (a new attempt) on the next start
  cancel <configuration> [--runs a-1,b-0]          cancel the ensemble's jobs and record it
  schema                                           print the configuration's JSON Schema
`;

/** A comma-separated list of names; `example` says what one looks like. */
function parseList(text: string, example: string): string[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new InvalidArgumentError(`expected ${example}, got "${text}"`);
  return names;
}

/** `--runs a-1,b-0` as a list of run ids. */
function parseRunIds(text: string): string[] {
  return parseList(text, 'run ids like alpha-3,beta-0');
}

/** `--batch sim,analysis` as a list of batch names. */
function parseNames(text: string): string[] {
  return parseList(text, 'batch names like sim,analysis');
}

function controlRequest(config: string, opts: Record<string, unknown>, io: Io): ControlRequest {
  return {
    config,
    stateDir: opts.stateDir as string | undefined,
    runs: (opts.runs as string[] | undefined) ?? [],
    states: [...(opts.failed === true ? (['failed'] as const) : []), ...(opts.cancelled === true ? (['cancelled'] as const) : [])],
    cwd: io.cwd,
    out: io.out,
  };
}

/** The sub-commands, by the word that names them. */
function subcommands(io: Io, argv: readonly string[], extraVars: Record<string, string>): Record<string, Handler> {
  return {
    status: (command, setCode) =>
      command
        .description('show each batch and run: state, job, attempts, times, reason (read-only)')
        .argument('<configuration>', 'the ensemble configuration (YAML)')
        .option('--json', 'print JSON for scripts', false)
        .option('--state-dir <dir>', 'where the journal lives (default .model_ensemble/<config name>/)')
        .action(async (config: string, opts: Record<string, unknown>) => {
          const { statusCommand } = await import('./commands/status.js');
          setCode(await statusCommand({ config, stateDir: opts.stateDir as string | undefined, json: opts.json === true, cwd: io.cwd, out: io.out, err: io.err }));
        }),
    results: (command, setCode) =>
      command
        .description("one row per run: id, state, its parameters and its result file's values (read-only)")
        .argument('<configuration>', 'the ensemble configuration (YAML)')
        .option('--csv', 'print CSV (for pandas.read_csv, R read.csv)', false)
        .option('--json', 'print a JSON list of flat records', false)
        .option('--batch <names>', 'only these batches, e.g. sim,analysis', parseNames, [])
        .option('--state-dir <dir>', 'where the journal lives (default .model_ensemble/<config name>/)')
        .action(async (config: string, opts: Record<string, unknown>) => {
          if (opts.csv === true && opts.json === true) throw new InvalidArgumentError('--csv and --json: choose one');
          const { resultsCommand } = await import('./commands/results.js');
          const format = opts.csv === true ? 'csv' : opts.json === true ? 'json' : 'table';
          setCode(
            await resultsCommand({ config, stateDir: opts.stateDir as string | undefined, format, batches: opts.batch as string[], cwd: io.cwd, out: io.out, err: io.err }),
          );
        }),
    rerun: (command, setCode) =>
      command
        .description('mark runs to run again (a new attempt) on the next start')
        .argument('<configuration>', 'the ensemble configuration (YAML)')
        .option('--failed', 'every failed run', false)
        .option('--cancelled', 'every cancelled run', false)
        .option('--runs <ids>', 'these runs, e.g. alpha-3,beta-0', parseRunIds, [])
        .option('--state-dir <dir>', 'where the journal lives (default .model_ensemble/<config name>/)')
        .action(async (config: string, opts: Record<string, unknown>) => {
          const { rerunCommand } = await import('./commands/control.js');
          setCode(await rerunCommand(controlRequest(config, opts, io)));
        }),
    cancel: (command, setCode) =>
      command
        .description("cancel the ensemble's jobs in the scheduler (all, or --runs) and record it")
        .argument('<configuration>', 'the ensemble configuration (YAML)')
        .option('--runs <ids>', 'only these runs, e.g. alpha-3,beta-0', parseRunIds, [])
        .option('--state-dir <dir>', 'where the journal lives (default .model_ensemble/<config name>/)')
        .action(async (config: string, opts: Record<string, unknown>) => {
          const { cancelCommand } = await import('./commands/control.js');
          setCode(await cancelCommand(controlRequest(config, opts, io)));
        }),
    schema: (command, setCode) =>
      command
        .description('print the JSON Schema of configuration files (for editors)')
        .action(async () => {
          const { schemaCommand } = await import('./commands/schema.js');
          setCode(await schemaCommand(io.out));
        }),
    run: (command, setCode) =>
      executorArgument(addRunOptions(command.argument('<configuration>', 'the ensemble configuration (YAML)')))
        .description('run an ensemble')
        .action(async (config: string, executor: unknown, opts: Record<string, unknown>) => {
          const { runCommand } = await import('./commands/run.js');
          setCode(
            await runCommand({
              config,
              executor: readExecutorName(executor),
              options: readRunOptions(opts),
              extraVars,
              cwd: io.cwd,
              argv,
              out: io.out,
            }),
          );
        }),
  };
}

/** Parses `argv` (without node and script) and runs the command; resolves with the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    const handlers = subcommands(io, argv, {});
    const prepared = prepareArgs(argv, Object.keys(handlers).filter((name) => name !== 'run'));
    const chosen = subcommands(io, argv, prepared.extraVars)[prepared.subcommand ?? 'run'];
    let code: number = EXIT.ok;
    const command = new Command(prepared.subcommand ? `model_ensemble ${prepared.subcommand}` : 'model_ensemble')
      .exitOverride()
      .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined })
      .version(VERSION, '-V, --version');
    if (!prepared.subcommand) command.addHelpText('after', SUBCOMMAND_HELP);
    chosen?.(command, (c) => {
      code = c;
    });
    await command.parseAsync(prepared.words, { from: 'user' });
    return code;
  } catch (error) {
    return reportError('model_ensemble', error, io.err, verbose);
  }
}
