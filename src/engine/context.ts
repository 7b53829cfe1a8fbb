// The values a run's templates and tasks see under `run.`: built afresh for every run, so nothing one run sets
// leaks into the next (a model-ensembler bug: its context was one dictionary updated in place).
import type { Batch, Ensemble, RunSpec } from '../config/types.js';

/** The keys the tool sets in every run's context, after everything else: `-x` cannot set them. */
export const RUN_CONTEXT_KEYS: readonly string[] = ['id', 'idx', 'dir', 'batch_idx', 'attempt'];

/** The context of batch-level tasks (pre_batch, post_batch): vars ⊕ batch settings ⊕ extra vars. */
export function buildBatchContext(
  ensemble: Ensemble,
  batch: Batch,
  extraVars: Readonly<Record<string, string>>,
): Record<string, unknown> {
  return { ...ensemble.vars, ...batch.settings, ...extraVars };
}

/** The context of process-level tasks (pre_process, post_process): vars ⊕ extra vars. */
export function buildProcessContext(ensemble: Ensemble, extraVars: Readonly<Record<string, string>>): Record<string, unknown> {
  return { ...ensemble.vars, ...extraVars };
}

/** A run's context: vars ⊕ batch settings ⊕ the run's entry ⊕ extra vars ⊕ {id, idx, dir, batch_idx, attempt}. */
export function buildRunContext(
  ensemble: Ensemble,
  batch: Batch,
  run: RunSpec,
  extraVars: Readonly<Record<string, string>>,
  cycle: number,
  attempt: number,
): Record<string, unknown> {
  return {
    ...ensemble.vars,
    ...batch.settings,
    ...run.values,
    ...extraVars,
    id: run.id,
    idx: run.idx,
    dir: run.dir,
    batch_idx: cycle,
    attempt,
  };
}
