// What `status` shows, gathered: the configuration's batches and runs (so runs not started yet show too), every
// run's record replayed from the journal, and who holds the lock. Read-only: it never takes the lock, so it works
// while an orchestrator runs the ensemble.
import path from 'node:path';
import { loadEnsemble } from '../config/load.js';
import type { Ensemble } from '../config/types.js';
import { readLiveHolder, type LockHolder } from '../state/lock.js';
import { describeOtherOwner, ownerOf } from '../state/owner.js';
import { resolveStateDir } from '../state/paths.js';
import { findRefusedRequests, type RefusedRequest } from '../state/requests.js';
import { summarize, type BatchRow, type Layout } from '../state/queries.js';
import { readJournal, replayEntries } from '../state/replay.js';
import { JOURNAL_FILE } from '../state/store.js';
import type { EnsembleState } from '../state/types.js';

/** An ensemble's status. */
export interface StatusReport {
  /** The configuration file, absolute. */
  readonly file: string;
  readonly stateDir: string;
  /** The executor of the latest start, if any. */
  readonly executor: string | null;
  /** Who holds the lock (runs the ensemble now), if anyone. */
  readonly runningBy: LockHolder | null;
  readonly batches: BatchRow[];
  /** Whether the journal holds anything yet. */
  readonly started: boolean;
  /** Why the configuration could not be read (then only the journal's runs are shown). */
  readonly configProblem: string | undefined;
  /** Why the state directory is not this configuration's (then only the journal's runs are shown). */
  readonly ownerProblem: string | undefined;
  /** Request files left in the state directory that are not applied (another user's, or links), and why. */
  readonly refusedRequests: RefusedRequest[];
}

export interface StatusOptions {
  /** The working directory the ensemble runs from; default the process's. */
  readonly cwd?: string;
  /** The state directory, when not the default `.model_ensemble/<config name>/`. */
  readonly stateDir?: string | undefined;
}

/** The configuration (when it can be read) and the journal of an ensemble, read without the lock. */
export interface EnsembleView {
  readonly file: string;
  readonly stateDir: string;
  /** The configuration; undefined when it cannot be read or the state directory is not its own. */
  readonly ensemble: Ensemble | undefined;
  readonly state: EnsembleState;
  readonly started: boolean;
  readonly configProblem: string | undefined;
  readonly ownerProblem: string | undefined;
}

/** Reads the configuration `config` and its ensemble's journal. */
export async function readEnsembleView(config: string, options: StatusOptions = {}): Promise<EnsembleView> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const file = path.resolve(cwd, config);
  const stateDir = resolveStateDir(cwd, file, options.stateDir);
  let ensemble: Ensemble | undefined;
  let configProblem: string | undefined;
  try {
    ensemble = await loadEnsemble(file, { cwd });
  } catch (error) {
    configProblem = (error as Error).message.split('\n')[0] ?? '';
  }
  const contents = await readJournal(path.join(stateDir, JOURNAL_FILE));
  const state = replayEntries(contents.entries);
  const ownerProblem = describeOtherOwner(stateDir, state, ownerOf(file, cwd));
  if (ownerProblem !== undefined) ensemble = undefined;
  return { file, stateDir, ensemble, state, started: contents.entries.length > 0, configProblem, ownerProblem };
}

/** Reads the status of the ensemble configured by `config`. */
export async function readStatus(config: string, options: StatusOptions = {}): Promise<StatusReport> {
  const view = await readEnsembleView(config, options);
  const layout: Layout | undefined = view.ensemble?.batches.map((batch) => ({ name: batch.name, runs: batch.runs.map((run) => ({ id: run.id, idx: run.idx })) }));
  return {
    file: view.file,
    stateDir: view.stateDir,
    executor: view.state.executor ?? null,
    // Judged as the lock judges it: a holder dead on this host (a kill -9) runs nothing.
    runningBy: (await readLiveHolder(view.stateDir)) ?? null,
    batches: summarize(view.state, layout),
    started: view.started,
    configProblem: view.configProblem,
    ownerProblem: view.ownerProblem,
    refusedRequests: await findRefusedRequests(view.stateDir),
  };
}
