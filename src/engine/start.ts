// Running an ensemble from start to end in a session of its own: the lock taken, the start journaled, the batches
// run, everything released. What the command line and the programmatic API both call.
import { setMaxListeners } from 'node:events';
import type { Ensemble } from '../config/types.js';
import type { ExecutorName } from '../executors/names.js';
import type { Logger } from '../log.js';
import type { RunEntry, RunRecord } from '../state/types.js';
import { assertRunsUnchanged } from './changed-runs.js';
import { runEnsemble } from './orchestrator.js';
import type { BatchPlan } from './plan.js';
import { onStarterFallback } from '../process/starter.js';
import { ownerOf } from '../state/owner.js';
import { Session } from './session.js';
import type { EngineOptions, EnsembleOutcome } from './types.js';

/** The choices of one run of an ensemble (the command line's flags). */
export type RunSettings = Omit<EngineOptions, 'executors' | 'store' | 'logger' | 'stateDir' | 'ensembleId' | 'stop' | 'abort'> & {
  /** Milliseconds a just-submitted job may stay unknown to the scheduler (`-st`). */
  readonly submitGraceMs: number;
};

export interface StartOptions {
  readonly ensemble: Ensemble;
  readonly plans: readonly BatchPlan[];
  readonly stateDir: string;
  readonly executor: ExecutorName;
  readonly logger: Logger;
  readonly settings: RunSettings;
  /** The first stage of an interrupt: start nothing new. */
  readonly stop: AbortSignal;
  /** The second stage: stop running steps too. */
  readonly abort: AbortSignal;
  /** Told every run state change, after it is journaled. */
  readonly onRunState?: ((record: RunRecord, entry: RunEntry) => void) | undefined;
}

/** Runs the ensemble to its end in a session of its own; throws LockError when another process runs it. */
export async function startEnsemble(options: StartOptions): Promise<EnsembleOutcome> {
  const { settings } = options;
  const owner = ownerOf(options.ensemble.file, options.ensemble.cwd);
  const session = await Session.open({
    owner,
    stateDir: options.stateDir,
    executor: options.executor,
    logger: options.logger,
    shell: settings.shell,
    submitGraceMs: settings.submitGraceMs,
  });
  if (options.onRunState) session.store.on('run:state', options.onRunState);
  onStarterFallback((why) => options.logger.warn(why));
  try {
    // Before anything is journaled or started: runs that now stand for other parameters are the user's to settle.
    assertRunsUnchanged(options.ensemble, session.store.state);
    await session.noteStart(options.executor, owner);
    const { submitGraceMs: _grace, ...engine } = settings;
    // Losing the lock to another process stops this one as a first Ctrl-C would.
    // So does a journal that can no longer be written: nothing is acted upon that it cannot record.
    const stop = AbortSignal.any([options.stop, session.lost, session.store.failed]);
    const abort = AbortSignal.any([options.abort]);
    // Every run in flight listens to them: thousands of listeners are expected, not a leak.
    setMaxListeners(0, stop, abort);
    const outcome = await runEnsemble(options.ensemble, options.plans, {
      ...engine,
      executors: session.executors,
      store: session.store,
      logger: options.logger,
      stateDir: options.stateDir,
      ensembleId: session.ensembleId,
      stop,
      abort,
    }).catch((error: unknown) => {
      throw session.store.failed.aborted ? session.store.failed.reason : error;
    });
    if (session.store.failed.aborted) throw session.store.failed.reason;
    return outcome;
  } finally {
    onStarterFallback(undefined);
    await session.close();
  }
}
