// Checks made before anything is written: run directories that already exist and are not this ensemble's own, and
// programs the ensemble needs that this machine lacks.
import fs from 'node:fs/promises';
import path from 'node:path';
import { allTasks } from '../config/task-specs.js';
import type { Ensemble } from '../config/types.js';
import { formatWhere, RunDirError, UsageError } from '../errors.js';
import type { ExecutorName } from '../executors/names.js';
import { EXECUTOR_PROGRAMS } from '../executors/registry.js';
import { findProgram } from '../process/which.js';
import { readJournal, replayEntries } from '../state/replay.js';
import { JOURNAL_FILE } from '../state/store.js';
import { selectRuns } from './batch.js';

/** Run directories of this invocation that exist but are not in `known` (the journal's). */
export async function findForeignRunDirs(
  ensemble: Ensemble,
  skips: number,
  indexes: readonly number[] | undefined,
  known: ReadonlySet<string>,
): Promise<string[]> {
  const foreign: string[] = [];
  for (const batch of ensemble.batches) {
    // One listing of the base directory rather than a look-up per run: a batch may have thousands.
    const present = new Set(await fs.readdir(batch.basedir).catch(() => [] as string[]));
    for (const run of selectRuns(batch.runs, skips, indexes)) {
      if (present.has(path.basename(run.dir)) && !known.has(run.dir)) foreign.push(run.dir);
    }
  }
  return foreign;
}

/**
 * Throws RunDirError (exit 2) when run directories of this invocation exist that the journal in `stateDir` does not
 * know: an earlier run or another tool made them, and only `-p` may render into them.
 */
export async function assertRunDirsFree(ensemble: Ensemble, stateDir: string, selection: { skips: number; indexes: readonly number[] | undefined }): Promise<void> {
  const state = replayEntries((await readJournal(path.join(stateDir, JOURNAL_FILE))).entries);
  const known = new Set([...state.runs.values()].map((r) => r.dir));
  const foreign = await findForeignRunDirs(ensemble, selection.skips, selection.indexes, known);
  if (foreign.length > 0) throw existingDirsError(foreign, ensemble.cwd);
}

/** The error for existing run directories: exit 2, nothing touched. */
export function existingDirsError(dirs: readonly string[], cwd: string): RunDirError {
  const shown = dirs.slice(0, 5).map((d) => (d.startsWith(`${cwd}/`) ? d.slice(cwd.length + 1) : d));
  const more = dirs.length > shown.length ? ` and ${dirs.length - shown.length} more` : '';
  return new RunDirError(
    `${dirs.length} run director${dirs.length === 1 ? 'y' : 'ies'} already exist: ${shown.join(', ')}${more}. ` +
      'Use -p/--pickup to render into them, or move them away.',
  );
}

/**
 * Throws ERR_PROGRAM_MISSING (exit 2, nothing written) for every program the ensemble needs that cannot be run
 * here: the executor's (`sbatch`), the shell of `-l` and of any task's `shell`, `rsync` when a `move` task exists.
 * Otherwise each would fail every run, one by one, once the ensemble had started.
 */
export function assertProgramsPresent(ensemble: Ensemble, executor: ExecutorName, shell: string): void {
  // The command line's executor, and any a batch names.
  const used = new Set([executor, ...ensemble.batches.map((batch) => batch.executor ?? executor)]);
  const problems: string[] = [...new Set([...used].flatMap((name) => EXECUTOR_PROGRAMS[name]))]
    .filter(({ program }) => findProgram(program) === undefined)
    .map(({ missing }) => missing);
  if (findProgram(shell) === undefined) problems.push(`the shell ${shell} (-l/--shell) cannot be run: it is not an executable file${shell.includes('/') ? '' : ' on PATH'}`);
  const tasks = allTasks(ensemble);
  const move = tasks.find((task) => task.name === 'move');
  if (move && findProgram('rsync') === undefined) {
    problems.push(`${formatWhere(move.where)}: the move task copies with rsync, which is not on PATH; install rsync (Debian: apt-get install rsync)`);
  }
  for (const task of tasks) {
    const own = task.args.shell;
    if (typeof own === 'string' && !own.startsWith('run.') && findProgram(own) === undefined) {
      problems.push(`${formatWhere(task.where)}: the shell ${own} of this ${task.name} task cannot be run`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'), { code: 'ERR_PROGRAM_MISSING' });
}
