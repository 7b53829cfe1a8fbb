// Checks made before anything is written: run directories that already exist and are not this ensemble's own.
import fs from 'node:fs/promises';
import { EnsembleError } from '../errors.js';
import type { Ensemble } from '../config/types.js';
import { selectRuns } from './batch.js';
import { runDirectory, runId } from './context.js';

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
      const dir = runDirectory(batch, run.idx);
      if (present.has(runId(batch, run.idx)) && !known.has(dir)) foreign.push(dir);
    }
  }
  return foreign;
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
