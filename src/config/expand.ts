// A batch's runs as the engine schedules them: its `runs` entries in the order written, then the runs of its sweep,
// numbered on from there (`idx` continues), each with its identity made here once: the run id `<batch>-<idx>` (as in
// model-ensembler) and its directory `<basedir>/<id>`. A generated run is an ordinary run: nothing downstream can
// tell it from a written one. A run's place in the file is not kept: every problem with an entry is found by
// validation, which has the places, and 10,000 places cost 4 MB of peak memory.
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { BatchDraft } from './defaults.js';
import { isMapping } from './plain.js';
import type { PositionMap } from './positions.js';
import { buildSweep, forEachSweepRun } from './sweep.js';
import type { Sweep } from './sweep.js';
import type { RunSpec } from './types.js';

/** What expanding a batch needs besides the batch itself. */
export interface ExpandContext {
  /** The batch's name and resolved base directory. */
  readonly batch: string;
  readonly basedir: string;
  /** The batch's sweep, when it has one. */
  readonly sweep: Sweep | undefined;
}

/** The batch's runs. Values keep their YAML types (PyFloat, PyDate). */
export function expandRuns(draft: BatchDraft, context: ExpandContext): RunSpec[] {
  const { batch, basedir, sweep } = context;
  const listed = Array.isArray(draft.typed.runs) ? draft.typed.runs : [];
  const runs: RunSpec[] = [];
  // basedir is resolved, and never the root (paths.ts refuses it); an id holds no "/": this is path.join, 4 times faster.
  const prefix = basedir + path.sep;
  const add = (values: Readonly<Record<string, unknown>>): void => {
    const idx = runs.length;
    const id = `${batch}-${idx}`;
    runs.push({ id, batch, dir: prefix + id, idx, values });
  };
  for (const values of listed as unknown[]) add(isMapping(values) ? values : {});
  if (sweep) forEachSweepRun(sweep, add);
  return runs;
}

/** What expanding every batch needs. */
export interface BatchesContext {
  readonly cwd: string;
  readonly positions: PositionMap;
  /** The configuration file's folder: sweep files are relative to it. */
  readonly configDir: string;
  readonly show: (file: string) => string;
}

/** Every batch's runs and sweep size, or the problems with sweeps. */
export async function expandBatches(drafts: readonly BatchDraft[], context: BatchesContext): Promise<{ batches: { runs: RunSpec[]; sweepCount: number }[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const batches = await Promise.all(
    drafts.map(async (draft) => {
      const listed = Array.isArray(draft.typed.runs) ? draft.typed.runs.length : 0;
      const built = await buildSweep(draft, listed, context);
      problems.push(...built.problems);
      if (built.problems.length > 0) return { runs: [], sweepCount: 0 };
      const batch = String(draft.plain.name);
      const basedir = path.resolve(context.cwd, String(draft.plain.basedir));
      return { runs: expandRuns(draft, { batch, basedir, sweep: built.sweep }), sweepCount: built.sweep?.count ?? 0 };
    }),
  );
  return { batches, problems };
}
