// Checks made before anything is written: run directories that already exist and are not this ensemble's own.
import { EnsembleError } from '../errors.js';
import type { Ensemble } from '../config/types.js';
import { selectRuns } from './batch.js';
import { runDirectory } from './context.js';
import { pathExists } from './prepare.js';

/** Run directories of this invocation that exist but are not in `known` (the journal's). */
export async function findForeignRunDirs(
  ensemble: Ensemble,
  skips: number,
  indexes: readonly number[] | undefined,
  known: ReadonlySet<string>,
): Promise<string[]> {
  const dirs = ensemble.batches.flatMap((batch) => selectRuns(batch.runs, skips, indexes).map((run) => runDirectory(batch, run.idx)));
  const exists = await Promise.all(dirs.map(async (dir) => !known.has(dir) && (await pathExists(dir))));
  return dirs.filter((_, i) => exists[i]);
}

/** The error for existing run directories: exit 2, nothing touched. */
export function existingDirsError(dirs: readonly string[], cwd: string): EnsembleError {
  const shown = dirs.slice(0, 5).map((d) => (d.startsWith(`${cwd}/`) ? d.slice(cwd.length + 1) : d));
  const more = dirs.length > shown.length ? ` and ${dirs.length - shown.length} more` : '';
  return new EnsembleError(
    'ERR_RUNDIR_EXISTS',
    `${dirs.length} run director${dirs.length === 1 ? 'y' : 'ies'} already exist: ${shown.join(', ')}${more}. ` +
      'Use -p/--pickup to render into them, or move them away.',
    { exitCode: 2 },
  );
}
