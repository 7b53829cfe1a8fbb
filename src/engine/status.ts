// What `status` shows, gathered: the configuration's batches and runs (so runs not started yet show too), every
// run's record replayed from the journal, and who holds the lock. Read-only: it never takes the lock, so it works
// while an orchestrator runs the ensemble.
import path from 'node:path';
import { loadEnsemble } from '../config/load.js';
import { readLiveHolder, type LockHolder } from '../state/lock.js';
import { describeOtherOwner, ownerOf } from '../state/owner.js';
import { resolveStateDir } from '../state/paths.js';
import { findRefusedRequests, type RefusedRequest } from '../state/requests.js';
import { summarize, type BatchRow, type Layout } from '../state/queries.js';
import { readJournal, replayEntries } from '../state/replay.js';
import { JOURNAL_FILE } from '../state/store.js';

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

/** Reads the status of the ensemble configured by `config`. */
export async function readStatus(config: string, options: StatusOptions = {}): Promise<StatusReport> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const file = path.resolve(cwd, config);
  const stateDir = resolveStateDir(cwd, file, options.stateDir);
  let layout: Layout | undefined;
  let configProblem: string | undefined;
  try {
    const ensemble = await loadEnsemble(file, { cwd });
    layout = ensemble.batches.map((batch) => ({ name: batch.name, runs: batch.runs.map((run) => ({ id: run.id, idx: run.idx })) }));
  } catch (error) {
    configProblem = (error as Error).message.split('\n')[0] ?? '';
  }
  const contents = await readJournal(path.join(stateDir, JOURNAL_FILE));
  const state = replayEntries(contents.entries);
  const ownerProblem = describeOtherOwner(stateDir, state, ownerOf(file, cwd));
  if (ownerProblem !== undefined) layout = undefined;
  return {
    file,
    stateDir,
    executor: state.executor ?? null,
    // Judged as the lock judges it: a holder dead on this host (a kill -9) runs nothing.
    runningBy: (await readLiveHolder(stateDir)) ?? null,
    batches: summarize(state, layout),
    started: contents.entries.length > 0,
    configProblem,
    ownerProblem,
    refusedRequests: await findRefusedRequests(stateDir),
  };
}
