// A batch's `runs` list as the runs the engine schedules: one RunSpec per entry, numbered from 0 in the order
// written, each with its identity made here once: the run id `<batch>-<idx>` (as in model-ensembler) and its
// directory `<basedir>/<id>`. A run's place in the file is not kept: every problem with an entry is found by
// validation, which has the places, and 10,000 places cost 4 MB of peak memory.
import path from 'node:path';
import type { BatchDraft } from './defaults.js';
import { isMapping } from './plain.js';
import type { RunSpec } from './types.js';

/** The runs of a validated batch named `batch` in `basedir`; values keep their YAML types (PyFloat, PyDate). */
export function expandRuns(draft: BatchDraft, batch: string, basedir: string): RunSpec[] {
  const runs = Array.isArray(draft.typed.runs) ? draft.typed.runs : [];
  return runs.map((values: unknown, idx) => {
    const id = `${batch}-${idx}`;
    return { id, batch, dir: path.join(basedir, id), idx, values: isMapping(values) ? values : {} };
  });
}
