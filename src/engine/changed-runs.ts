// Runs whose parameters changed since they were prepared: a sweep or runs list edited so that run ids now stand for
// other values (a value inserted into a matrix without `label:` renumbers every run after it). Such an ensemble is
// refused before anything starts, rather than silently counting old results as the new points' and never running
// them; the message names the runs and the ways on.
import path from 'node:path';
import type { Ensemble } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { EnsembleState, RunRecord } from '../state/types.js';

/** `value` as JSON text with every mapping's keys sorted, so key order never counts as a change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** A run whose parameters changed: what its last preparation used and what the configuration gives now. */
export interface ChangedRun {
  readonly id: string;
  readonly was: string;
  readonly now: string;
}

/** Whether the record's current attempt has not begun (a rerun or retry waiting): its next preparation uses the new values. */
function waitingToBegin(record: RunRecord): boolean {
  return record.state === 'pending' && !record.attempts.some((a) => a.attempt === record.attempt && a.cycle === record.cycle);
}

/** The configured runs that were prepared with other parameters than the configuration gives them now. */
export function findChangedRuns(ensemble: Ensemble, state: EnsembleState): ChangedRun[] {
  const changed: ChangedRun[] = [];
  for (const batch of ensemble.batches) {
    for (const spec of batch.runs) {
      const record = state.runs.get(spec.id);
      if (record?.values === undefined || waitingToBegin(record)) continue;
      // The journal holds the values as JSON: the configuration's are compared in the same form.
      const was = canonicalJson(record.values);
      const now = canonicalJson(spec.values);
      if (was !== now) changed.push({ id: spec.id, was, now });
    }
  }
  return changed;
}

/** Throws ERR_RUNS_CHANGED naming the runs of `ensemble` whose parameters changed since they were prepared. */
export function assertRunsUnchanged(ensemble: Ensemble, state: EnsembleState): void {
  const changed = findChangedRuns(ensemble, state);
  if (changed.length === 0) return;
  const shown = changed.slice(0, 5).map((run) => `  ${run.id}: was ${run.was}, now ${run.now}`);
  const more = changed.length > 5 ? [`  and ${changed.length - 5} more`] : [];
  const ids = changed.map((run) => run.id).join(',');
  throw new UsageError(
    [
      `${changed.length} run(s) were prepared with other parameters than the configuration gives them now (a changed sweep or runs list renumbers runs); nothing was started:`,
      ...shown,
      ...more,
      'Put the configuration back; or give the batch a `label:` so runs are named by their values (unchanged points keep their runs);',
      `or run these again with their new values: model_ensemble rerun ${path.relative(ensemble.cwd, ensemble.file) || ensemble.file} --runs ${ids.length > 200 ? '<ids above>' : ids};`,
      'or start a separate ensemble with --state-dir.',
    ].join('\n'),
    { code: 'ERR_RUNS_CHANGED' },
  );
}
