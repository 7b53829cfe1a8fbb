// `model_ensemble <configuration> [executor]`: validate everything, then run the ensemble. Nothing is written
// (not even logs/) until the configuration, the templates and the run directories have passed their checks.
import fs from 'node:fs';
import path from 'node:path';
import { loadEnsemble } from '../../config/load.js';
import type { Ensemble } from '../../config/types.js';
import { planEnsemble, type BatchPlan } from '../../engine/plan.js';
import { assertProgramsPresent, assertRunDirsFree } from '../../engine/preflight.js';
import { assertStateFree } from '../../engine/session.js';
import { startEnsemble } from '../../engine/start.js';
import type { EnsembleOutcome } from '../../engine/types.js';
import { UsageError } from '../../errors.js';
import type { ExecutorName } from '../../executors/names.js';
import { createLogger, flushLogger, type Logger } from '../../log.js';
import { startProcess } from '../../process/starter.js';
import { resolveStateDir } from '../../state/paths.js';
import { EXIT } from '../exit.js';
import { formatSummary } from '../output.js';
import type { RunOptions } from '../options.js';
import { installInterrupts } from '../signals.js';

/** What the run command needs beyond its options. */
export interface RunRequest {
  readonly config: string;
  readonly executor: ExecutorName;
  readonly options: RunOptions;
  readonly extraVars: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The command line as given, to start the same command in the background for `-d`. */
  readonly argv: readonly string[];
  /** Where the summary goes; stdout by default. */
  readonly out?: (text: string) => void;
}

/** The exit code an outcome implies (README: Exit codes). */
export function exitCodeFor(outcome: EnsembleOutcome): number {
  if (outcome.interrupted) return EXIT.interrupted;
  const unfinished = outcome.runs.some((r) => r.state !== 'succeeded' && r.state !== 'skipped');
  const failed = unfinished || outcome.failedBatches.length > 0 || outcome.processFailure !== undefined;
  return failed ? EXIT.failed : EXIT.ok;
}

/** Starts this same command in the background (without -d), in a session of its own, and returns at once. */
async function daemonize(request: RunRequest, logFile: string): Promise<number> {
  const argv = request.argv.filter((word) => word !== '-d' && word !== '--daemon');
  fs.mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o755 });
  const child = await startProcess(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...argv], {
    cwd: request.cwd,
    outputFile: `${logFile.replace(/\.log$/, '')}.daemon.out`,
    append: true,
  });
  (request.out ?? ((t) => process.stdout.write(t)))(`running in the background as pid ${child.pid}; log: ${path.relative(request.cwd, logFile)}\n`);
  return EXIT.ok;
}

/** Validates and plans: throws ConfigError/TemplateError/UsageError (exit 2) before anything is written. */
export async function loadAndPlan(config: string, cwd: string): Promise<{ ensemble: Ensemble; plans: BatchPlan[] }> {
  const ensemble = await loadEnsemble(path.resolve(cwd, config), { cwd });
  const plans = await planEnsemble(ensemble);
  return { ensemble, plans };
}

/** Runs the command; resolves with the exit code. */
export async function runCommand(request: RunRequest): Promise<number> {
  const { options, cwd } = request;
  const { ensemble, plans } = await loadAndPlan(request.config, cwd);
  const logFile = path.join(cwd, 'logs', `${path.basename(request.config)}.log`);
  const stateDir = resolveStateDir(cwd, ensemble.file, options.stateDir);
  assertProgramsPresent(ensemble, request.executor, options.shell);
  if (!options.pickup) await assertRunDirsFree(ensemble, stateDir, options);
  // Said before the log is made (and, for -d, before the background process would only find the lock taken); the
  // session takes the lock for good below.
  await assertStateFree(stateDir);
  if (options.daemon) return await daemonize(request, logFile);

  let logger: Logger;
  try {
    logger = createLogger({ verbose: options.verbose, file: logFile });
  } catch (error) {
    throw new UsageError(`cannot write the log file ${path.relative(cwd, logFile)}: ${(error as Error).message}; run from a folder you can write to`, { code: 'ERR_STATE_UNUSABLE', cause: error });
  }
  const interrupts = installInterrupts(logger);
  try {
    logger.info(`model_ensemble: ${path.relative(cwd, ensemble.file)} on ${request.executor}, state in ${path.relative(cwd, stateDir) || '.'}`);
    const outcome = await startEnsemble({
      ensemble,
      plans,
      stateDir,
      executor: request.executor,
      logger,
      settings: {
        shell: options.shell,
        noChecks: options.noChecks,
        noSubmission: options.noSubmission,
        pickup: options.pickup,
        skips: options.skips,
        indexes: options.indexes,
        extraVars: request.extraVars,
        checkIntervalMs: options.checkTimeout * 1000,
        pollIntervalMs: options.runningTimeout * 1000,
        errorIntervalMs: options.errorTimeout * 1000,
        maxStaggerMs: options.maxStagger * 1000,
        submitRate: options.submitRate,
        submitGraceMs: options.submitTimeout * 1000,
      },
      stop: interrupts.stop,
      abort: interrupts.abort,
    });
    (request.out ?? ((t) => process.stdout.write(t)))(formatSummary(outcome, cwd));
    return exitCodeFor(outcome);
  } finally {
    interrupts.dispose();
    await flushLogger(logger);
  }
}
