// Task entries as the engine runs them: name and arguments as written (`run.` references are resolved later, per
// run), and where each is written. model-ensembler's `value` key is accepted by the schema and dropped here.
import { isMapping } from './plain.js';
import type { PathSegment, PositionMap } from './positions.js';
import type { Ensemble, TaskSpec } from './types.js';

/** The tasks of a validated list at `path`; an empty value (`pre_run:`) is no tasks. */
export function buildTaskSpecs(list: unknown, path: readonly PathSegment[], positions: PositionMap): TaskSpec[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((task: unknown, index) =>
    isMapping(task)
      ? [{ name: String(task.name), args: isMapping(task.args) ? { ...task.args } : {}, where: positions.where([...path, index]) }]
      : [],
  );
}

/** Every task of an ensemble: pre/post_process, then each batch's pre_batch, pre_run, post_run and post_batch. */
export function allTasks(ensemble: Ensemble): TaskSpec[] {
  return [...ensemble.preProcess, ...ensemble.postProcess, ...ensemble.batches.flatMap((b) => [...b.preBatch, ...b.preRun, ...b.postRun, ...b.postBatch])];
}
