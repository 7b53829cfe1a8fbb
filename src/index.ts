// The programmatic entry point, for scripts, notebooks and other tools: load and validate a configuration, run an
// ensemble (with an AbortSignal, and told of every run's state change), read its status. The command line is built
// on the same functions.
import path from 'node:path';
import { loadEnsemble } from './config/load.js';
import type { Ensemble } from './config/types.js';
import { planEnsemble } from './engine/plan.js';
import { assertProgramsPresent, assertRunDirsFree } from './engine/preflight.js';
import { startEnsemble, type RunSettings } from './engine/start.js';
import type { EnsembleOutcome } from './engine/types.js';
import type { ExecutorName } from './executors/names.js';
import { createSilentLogger, type Logger } from './log.js';
import { resolveStateDir } from './state/paths.js';
import type { RunEntry, RunRecord } from './state/types.js';

export { loadEnsemble, type LoadOptions } from './config/load.js';
export type { Batch, Ensemble, RetryPolicy, RunSpec, TaskSpec } from './config/types.js';
export { readStatus, type StatusOptions, type StatusReport } from './engine/status.js';
export type { EnsembleOutcome } from './engine/types.js';
export type { ExecutorName } from './executors/names.js';
export type { BatchRow, RunRow } from './state/queries.js';
export type { AttemptRecord, RunEntry, RunRecord, RunState } from './state/types.js';
export { ConfigError, ERROR_CODES, EnsembleError, type ErrorCode, type Problem, type Where } from './errors.js';

/** What validating a configuration checks: the file (schema, paths, templates present) and its templates compiled. */
export async function validateEnsemble(config: string, options: { readonly cwd?: string } = {}): Promise<Ensemble> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const ensemble = await loadEnsemble(path.resolve(cwd, config), { cwd });
  await planEnsemble(ensemble);
  return ensemble;
}

/** How to run an ensemble; every field is optional and defaults as the command line's flags do. */
export interface RunEnsembleOptions extends Partial<Omit<RunSettings, 'extraVars'>> {
  /** The working directory (basedir and the process tasks resolve against it); default the process's. */
  readonly cwd?: string;
  /** Where jobs run: `slurm` (the default, as on the command line), or `local`/`dummy`. */
  readonly executor?: ExecutorName;
  /** The state directory; default `<cwd>/.model_ensemble/<config name>/`. */
  readonly stateDir?: string;
  /** Values laid over every run's context (`-x`). */
  readonly extraVars?: Readonly<Record<string, string>>;
  /** Aborting it stops the ensemble as a first Ctrl-C does: nothing new starts, running steps finish. */
  readonly signal?: AbortSignal;
  /** Aborting it stops the running steps too (a second Ctrl-C). */
  readonly abortSignal?: AbortSignal;
  /** Where the tool's log lines go; default nowhere. */
  readonly logger?: Logger;
  /** Told every run state change, after it is journaled. */
  readonly onRunState?: (record: RunRecord, entry: RunEntry) => void;
}

/**
 * Runs the ensemble configured by `config` to its end (or until `signal` stops it) and returns how it ended. Throws
 * ConfigError or another EnsembleError (its `exit` is `usage`) when it cannot start; a run that fails is data.
 */
export async function runEnsemble(config: string, options: RunEnsembleOptions = {}): Promise<EnsembleOutcome> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const executor = options.executor ?? 'slurm';
  const ensemble = await loadEnsemble(path.resolve(cwd, config), { cwd });
  const plans = await planEnsemble(ensemble);
  const stateDir = resolveStateDir(cwd, ensemble.file, options.stateDir);
  const settings: RunSettings = {
    shell: options.shell ?? '/bin/bash',
    noChecks: options.noChecks ?? false,
    noSubmission: options.noSubmission ?? false,
    pickup: options.pickup ?? false,
    skips: options.skips ?? 0,
    indexes: options.indexes,
    extraVars: options.extraVars ?? {},
    checkIntervalMs: options.checkIntervalMs ?? 30_000,
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    errorIntervalMs: options.errorIntervalMs ?? 120_000,
    maxStaggerMs: options.maxStaggerMs ?? 0,
    submitRate: options.submitRate,
    submitGraceMs: options.submitGraceMs ?? 20_000,
  };
  assertProgramsPresent(ensemble, executor, settings.shell);
  if (!settings.pickup) await assertRunDirsFree(ensemble, stateDir, settings);
  const never = new AbortController().signal;
  return startEnsemble({
    ensemble,
    plans,
    stateDir,
    executor,
    logger: options.logger ?? createSilentLogger(),
    settings,
    stop: options.signal ?? never,
    abort: options.abortSignal ?? never,
    onRunState: options.onRunState,
  });
}
