// Rerun and cancel, applied to an ensemble's journal: by the commands when no orchestrator runs, and by the
// running orchestrator when they come as requests.
import type { Executor } from '../executors/types.js';
import type { RunStore } from '../state/store.js';
import { FINAL_RUN_STATES, type RunRecord, type RunState } from '../state/types.js';

/** The runs `cancel` requests named while an orchestrator runs (all of them, for a cancel without --runs). */
export class CancelRequests {
  private all = false;
  private readonly ids = new Set<string>();

  /** Adds a request: some runs, or every run when `ids` is empty. */
  add(ids: readonly string[]): void {
    if (ids.length === 0) this.all = true;
    for (const id of ids) this.ids.add(id);
  }

  /** Whether run `id` is to be cancelled. */
  has(id: string): boolean {
    return this.all || this.ids.has(id);
  }
}

/** States whose run has a job that may be in the scheduler. */
const JOB_STATES = new Set(['submitting', 'queued', 'running']);

/** The runs a rerun applies to: the given ids, and every run that ended in one of `states` (failed, cancelled). */
export function rerunTargets(store: RunStore, ids: readonly string[], states: readonly RunState[]): string[] {
  const ended = [...store.records.values()].filter((r) => states.includes(r.state)).map((r) => r.id);
  return [...new Set([...ids, ...ended])];
}

/** Marks finished runs to run again (a new attempt) on the next start; returns the ids marked. */
export async function applyRerun(store: RunStore, ids: readonly string[]): Promise<string[]> {
  const marked: string[] = [];
  for (const id of ids) {
    const record = store.records.get(id);
    if (!record || !FINAL_RUN_STATES.has(record.state)) continue;
    await store.record({ run: id, state: 'pending', attempt: record.attempt + 1, reason: 'rerun requested' });
    marked.push(id);
  }
  return marked;
}

/** The runs a cancel applies to: the given ids, or every unfinished run. */
export function cancelTargets(store: RunStore, ids: readonly string[]): RunRecord[] {
  const all = [...store.records.values()];
  const chosen = ids.length > 0 ? all.filter((r) => ids.includes(r.id)) : all;
  return chosen.filter((r) => !FINAL_RUN_STATES.has(r.state));
}

/** A run the configuration has and the journal does not know yet. */
export interface UnstartedRun {
  readonly id: string;
  readonly batch: string;
  readonly idx: number;
  readonly dir: string;
}

/**
 * Cancels the jobs of `targets` in the scheduler (one call) and records the runs cancelled; `unstarted` runs are
 * recorded cancelled too, so a later start does not run them (`rerun` brings any of them back).
 */
export async function applyCancel(
  store: RunStore,
  executor: Executor,
  targets: readonly RunRecord[],
  unstarted: readonly UnstartedRun[] = [],
): Promise<{ runs: string[]; jobs: string[] }> {
  const withJobs = targets.filter((r) => JOB_STATES.has(r.state) && r.job !== undefined);
  // The executor learns of jobs an earlier process submitted, so it can check they are still ours before signalling.
  for (const r of withJobs) executor.adopt(r.job as string, { runId: r.id, attempt: r.attempt, dir: r.dir, script: '', tag: r.tag ?? '' });
  const jobs = withJobs.map((r) => r.job as string);
  if (jobs.length > 0) await executor.cancel(jobs, AbortSignal.timeout(120_000));
  for (const record of targets) {
    await store.record({ run: record.id, state: 'cancelled', attempt: record.attempt, reason: 'cancelled by request', ...(record.job ? { jobState: 'CANCELLED' } : {}) });
  }
  for (const run of unstarted) {
    await store.record({ run: run.id, state: 'cancelled', attempt: 1, batch: run.batch, idx: run.idx, dir: run.dir, reason: 'cancelled before it started' });
  }
  return { runs: [...targets.map((r) => r.id), ...unstarted.map((r) => r.id)], jobs };
}
