// The executors by name: `local` (alias `dummy`, model-ensembler's name) and `slurm`.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { LocalExecutor } from './local.js';
import { SlurmExecutor } from './slurm.js';
import type { ExecutorName } from './names.js';
import type { Executor } from './types.js';


export interface ExecutorSettings {
  readonly shell: string;
  readonly logger: Logger;
  /** How long (ms) a just-submitted job may stay unknown to the scheduler before it counts as lost (`-st`). */
  readonly submitGraceMs?: number;
}

/** Whether an executable `program` is in one of the PATH folders. */
export function onPath(program: string, searchPath = process.env.PATH ?? ''): boolean {
  return searchPath
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, program), fs.constants.X_OK);
        return fs.statSync(path.join(dir, program)).isFile();
      } catch {
        return false;
      }
    });
}

/** Throws a usage error (exit 2) when the named executor cannot work here: `slurm` without `sbatch` on PATH. */
export function assertExecutorAvailable(name: ExecutorName): void {
  if (name === 'slurm' && !onPath('sbatch')) {
    throw new UsageError('sbatch is not on PATH: this machine has no SLURM. Add `dummy` after the configuration file to run the jobs as local processes.');
  }
}

/** Builds the named executor. */
export function createExecutor(name: ExecutorName, settings: ExecutorSettings): Executor {
  if (name === 'slurm') {
    return new SlurmExecutor({
      shell: settings.shell,
      logger: settings.logger,
      ...(settings.submitGraceMs !== undefined ? { graceMs: settings.submitGraceMs } : {}),
    });
  }
  return new LocalExecutor({ shell: settings.shell, logger: settings.logger });
}
