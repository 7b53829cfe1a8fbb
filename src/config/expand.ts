// A batch's runs as the engine schedules them: its `runs` entries in the order written, then the runs of its sweep,
// numbered on from there (`idx` continues), each with its identity made here once: the run id `<batch>-<idx>` (as in
// model-ensembler), or `<batch>-<label>` when the batch has a label, and its directory `<basedir>/<id>`. A generated
// run is an ordinary run: nothing downstream can tell it from a written one. A run's place in the file is not kept:
// every problem with an entry is found by validation, which has the places, and 10,000 places cost 4 MB of peak memory.
import path from 'node:path';
import type { Problem } from '../errors.js';
import { buildSettings } from './defaults.js';
import type { BatchDraft } from './defaults.js';
import { describeSweepRun, Labeller } from './labels.js';
import { isMapping } from './plain.js';
import { formatKeyPath } from './positions.js';
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
  /** vars ⊕ the batch's keys, which a label sees besides the run's values. */
  readonly labelBase: Readonly<Record<string, unknown>>;
  readonly positions: PositionMap;
}

/** The batch's runs, or the problems with their labels. Values keep their YAML types (PyFloat, PyDate). */
export async function expandRuns(draft: BatchDraft, context: ExpandContext): Promise<{ runs: RunSpec[]; problems: Problem[] }> {
  const { batch, basedir, sweep, positions } = context;
  const listed = Array.isArray(draft.typed.runs) ? draft.typed.runs : [];
  const runs: RunSpec[] = [];
  const runsPath = draft.keyPath('runs');
  // A run as messages name it: `batches[0].runs[3] (line 14)`, or `the sweep's run 5 (alpha: 0.1, beta: 2)`.
  const origin = (idx: number, values = runs[idx]?.values ?? {}): string => {
    if (idx >= listed.length) return describeSweepRun(idx - listed.length, values);
    const where = positions.where([...runsPath, idx]);
    return `${formatKeyPath([...runsPath, idx])}${where.line === undefined ? '' : ` (line ${where.line})`}`;
  };
  const labeller = await buildLabeller(draft, context, origin);
  if (Array.isArray(labeller)) return { runs: [], problems: labeller };
  // basedir is resolved, and never the root (paths.ts refuses it); an id holds no "/": this is path.join, 4 times faster.
  const prefix = basedir + path.sep;
  const add = (values: Readonly<Record<string, unknown>>): void => {
    const idx = runs.length;
    // A run whose label failed keeps its place and a plain id, so the other runs' labels are still checked.
    const id = labeller?.runId(values, idx) ?? `${batch}-${idx}`;
    runs.push({ id, batch, dir: prefix + id, idx, values });
  };
  for (const values of listed as unknown[]) add(isMapping(values) ? values : {});
  if (sweep) forEachSweepRun(sweep, add);
  return { runs, problems: labeller ? labeller.finish() : [] };
}

/** The batch's labeller, none without a label, or the problem of a label that does not compile. */
async function buildLabeller(draft: BatchDraft, context: ExpandContext, origin: (idx: number, values?: Readonly<Record<string, unknown>>) => string): Promise<Labeller | undefined | Problem[]> {
  const text = draft.typed.label;
  if (typeof text !== 'string') return undefined;
  const where = context.positions.where(draft.keyPath('label'));
  // The renderer is loaded only for a batch with a label: reading a configuration stays cheap without one.
  const { compileString, renderString } = await import('../template/string.js');
  try {
    return new Labeller(compileString(text, 'label'), renderString, text, context.labelBase, context.batch, where, origin);
  } catch (error) {
    return [{ where, message: `the label does not compile: ${(error as Error).message.replace(/^label: /, '')}` }];
  }
}

/** What expanding every batch needs. */
export interface BatchesContext {
  readonly cwd: string;
  /** The ensemble's vars, which labels see. */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly positions: PositionMap;
  /** The configuration file's folder: sweep files are relative to it. */
  readonly configDir: string;
  readonly show: (file: string) => string;
}

/** Every batch's runs and sweep size, or the problems with sweeps, labels and run ids (unique in the ensemble). */
export async function expandBatches(drafts: readonly BatchDraft[], context: BatchesContext): Promise<{ batches: { runs: RunSpec[]; sweepCount: number }[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const batches = await Promise.all(
    drafts.map(async (draft) => {
      const listed = Array.isArray(draft.typed.runs) ? draft.typed.runs.length : 0;
      const built = await buildSweep(draft, listed, context);
      problems.push(...built.problems);
      if (built.problems.length > 0) return { runs: [], sweepCount: 0 };
      const batch = String(draft.plain.name);
      const labelBase = { ...context.vars, ...buildSettings(draft) };
      const basedir = path.resolve(context.cwd, String(draft.plain.basedir));
      const expanded = await expandRuns(draft, { batch, basedir, sweep: built.sweep, labelBase, positions: context.positions });
      problems.push(...expanded.problems);
      return { runs: expanded.runs, sweepCount: built.sweep?.count ?? 0 };
    }),
  );
  if (problems.length === 0) problems.push(...checkUniqueIds(drafts, batches.map((batch) => batch.runs), context.positions));
  return { batches, problems };
}

/**
 * A problem for each run id that runs of two batches share. Only a batch whose name extends another's (`a-b` and
 * `a`) can: `a-b-0` is run 0 of `a-b`, and `a` labelled `b-{{ n }}` names its run `a-b-0` too.
 */
function checkUniqueIds(drafts: readonly BatchDraft[], runs: readonly (readonly RunSpec[])[], positions: PositionMap): Problem[] {
  const names = drafts.map((draft) => String(draft.plain.name));
  const problems: Problem[] = [];
  names.forEach((longer, j) => {
    names.forEach((shorter, i) => {
      if (i === j || !longer.startsWith(`${shorter}-`)) return;
      const ids = new Set(runs[j]!.map((run) => run.id));
      const [earlier, later] = i < j ? [i, j] : [j, i];
      const draft = drafts[later]!;
      for (const run of runs[i]!) {
        if (!ids.has(run.id) || problems.length >= 5) continue;
        const at = positions.where(draft.keyPath(typeof draft.typed.label === 'string' ? 'label' : 'name'));
        problems.push({ where: at, message: `run id "${run.id}" is also a run of ${formatKeyPath(drafts[earlier]!.path)}; run ids are unique in the ensemble (change the label)` });
      }
    });
  });
  return problems;
}
