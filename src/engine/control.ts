// Rerun and cancel, applied to an ensemble's journal: by the commands when no orchestrator runs, and by the
// running orchestrator when they come as requests.
import type { Executor } from '../executors/types.js';
import type { RunStore } from '../state/store.js';
import { FINAL_RUN_STATES, type RunRecord } from '../state/types.js';

/** States whose run has a job that may be in the scheduler. */
const JOB_STATES = new Set(['submitting', 'queued', 'running']);

/** The runs a rerun applies to: the given ids, and every failed run with `failed`. */
export function rerunTargets(store: RunStore, ids: readonly string[], failed: boolean): string[] {
  const failedIds = failed ? [...store.records.values()].filter((r) => r.state === 'failed').map((r) => r.id) : [];
  return [...new Set([...ids, ...failedIds])];
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

/** Cancels the jobs of `targets` in the scheduler (one call) and records the runs cancelled. */
export async function applyCancel(store: RunStore, executor: Executor, targets: readonly RunRecord[]): Promise<{ runs: string[]; jobs: string[] }> {
  const jobs = targets.filter((r) => JOB_STATES.has(r.state) && r.job !== undefined).map((r) => r.job as string);
  if (jobs.length > 0) await executor.cancel(jobs, AbortSignal.timeout(120_000));
  for (const record of targets) {
    await store.record({ run: record.id, state: 'cancelled', attempt: record.attempt, reason: 'cancelled by request', ...(record.job ? { jobState: 'CANCELLED' } : {}) });
  }
  return { runs: targets.map((r) => r.id), jobs };
}
