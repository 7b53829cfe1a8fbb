// A batch's `runs` list as the runs the engine schedules: one RunSpec per entry, numbered from 0 in the order
// written (the run id is `<batch>-<idx>`, as in model-ensembler), each with the place it is written for messages.
import type { BatchDraft } from './defaults.js';
import { isMapping } from './plain.js';
import type { PositionMap } from './positions.js';
import type { RunSpec } from './types.js';

/** The runs of a validated batch; values keep their YAML types (PyFloat, PyDate). */
export function expandRuns(draft: BatchDraft, positions: PositionMap): RunSpec[] {
  const runs = Array.isArray(draft.typed.runs) ? draft.typed.runs : [];
  return runs.map((values: unknown, idx) => ({
    idx,
    values: isMapping(values) ? values : {},
    where: positions.where([...draft.keyPath('runs'), idx]),
  }));
}
